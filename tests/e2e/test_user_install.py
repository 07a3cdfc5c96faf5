"""Haikei installed to a member's account: `/disclosure` and "Check image for AI metadata" in a server without
Haikei, in the DM with Haikei and in a DM between members; everything that needs a server stays in servers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.client import Haikei
from cogs.disclosures import submissions
from emulator import DriverError
from emulator.emulator import Emulator
from emulator.entities import Channel
from emulator.interactions import InteractionResult
from tests.cogs.disclosures.image_files import png
from tests.e2e.helpers import answer_text, assert_clean, custom_ids

pytestmark = pytest.mark.e2e
MENU = "Check image for AI metadata"
SERVER_ONLY = {"alerts", "config", "curate", "submissions", "poll", "poll-manage"}
DOG = "dog-and-the-boy-2023"


@dataclass
class Places:
    cafe: Channel  # #general of a server without Haikei, where alice and bob are members
    private: Channel  # a DM between alice and bob
    group: Channel  # a group DM of alice, bob and carol
    dm: Channel  # alice's DM with Haikei


@pytest.fixture
def places(emulator: Emulator) -> Places:
    """Alice added Haikei to her account; bob did not."""
    world = emulator.world
    guild = world.add_guild("Artists' Cafe", world.add_user("yuki"), with_bot=False)
    for name in ("alice", "bob"):
        world.add_member(name, roles=["Member"], guild=guild)
    world.install_to_user("alice")
    return Places(
        cafe=world.channel("general", guild),
        private=world.private_channel("alice", "bob"),
        group=world.private_channel("alice", "bob", "carol"),
        dm=world.dm_channel("alice"),
    )


def top_level(emulator: Emulator) -> dict[tuple[str, int], dict[str, Any]]:
    return {(c["name"], c["type"]): c for c in emulator.registered_commands()}


async def finished(result: InteractionResult) -> InteractionResult:
    await result.wait()
    await result.wait_until(lambda r: not r.loading, 15)
    return result


async def test_disclosure_installs_to_accounts_and_server_commands_stay_in_servers(
    haikei: Haikei, emulator: Emulator
) -> None:
    registered = top_level(emulator)
    for key in (("disclosure", 1), (MENU, 3), ("privacy", 1)):
        assert registered[key]["integration_types"] == [0, 1], key
        assert registered[key]["contexts"] == [0, 1, 2], key
    for name in SERVER_ONLY:
        assert registered[(name, 1)]["integration_types"] == [0], name
        assert registered[(name, 1)]["contexts"] == [0], name
    for name in ("help", "about"):
        assert registered[(name, 1)]["integration_types"] == [0], name
        assert registered[(name, 1)]["contexts"] == [0, 1], name
    # A command that names no installation type is installed with Haikei in a server only (the tree default).
    assert all(cmd["integration_types"] for cmd in registered.values())
    assert {key for key, cmd in registered.items() if 1 in cmd["integration_types"]} == {
        ("disclosure", 1),
        (MENU, 3),
        ("privacy", 1),
    }


async def test_where_each_command_is_offered(haikei: Haikei, emulator: Emulator, places: Places) -> None:
    driver = emulator.driver
    for place in (places.cafe, places.private, places.group):
        shown = set(driver.visible_commands("alice", place))
        assert "disclosure" in shown and not shown & (SERVER_ONLY | {"help", "about"}), place.name
        assert driver.visible_commands("alice", place, command_type=3) == [MENU]
    assert (
        driver.visible_commands("bob", places.cafe) == []
    )  # not installed: nothing in a server without Haikei
    assert not SERVER_ONLY & set(driver.visible_commands("alice", places.dm))
    assert SERVER_ONLY - {"curate"} <= set(driver.visible_commands("mod", "general"))
    for path, options in (("poll list", {}), ("alerts feeds", {}), ("submissions list", {})):
        with pytest.raises(DriverError, match="does not offer it"):
            await driver.command(path, options, user="alice", channel=places.cafe)
    with pytest.raises(DriverError, match="does not offer it"):
        await driver.command("disclosure recent", user="bob", channel=places.cafe)
    with pytest.raises(DriverError, match="does not offer it"):
        await driver.command("help", user="alice", channel=places.private)


async def test_lookup_and_its_buttons_in_a_server_without_haikei(
    haikei: Haikei, emulator: Emulator, places: Places
) -> None:
    driver = emulator.driver
    choices = await driver.autocomplete(
        "disclosure lookup", {"query": "inu to"}, "query", channel=places.cafe
    )
    assert choices[0]["value"] == DOG
    shown = await finished(await driver.command("disclosure lookup", {"query": DOG}, channel=places.cafe))
    assert shown.payload["authorizing_integration_owners"] == {"1": str(emulator.world.user("alice").id)}
    assert not shown.ephemeral and not shown.forced_ephemeral
    assert shown.embeds[0]["title"] == "The Dog & The Boy"
    assert [m["id"] for m in emulator.messages(places.cafe)] == [shown.message["id"]]  # type: ignore[index]
    # bob has not installed Haikei, yet the buttons under alice's answer work for him
    sources = await finished(await driver.click(shown, f"disc:src:{DOG}", user="bob"))
    assert sources.ephemeral and "Sources for The Dog & The Boy" in sources.embeds[0]["title"]
    fix = await (await driver.click(shown, f"disc:fix:{DOG}", user="bob")).wait()
    what, links = custom_ids(fix.modal)
    done = await driver.submit_modal(fix, {what: "The credits name a second studio.", links: ""})
    assert "Correction **#1**" in await answer_text(done)
    stored = await haikei.db.run(submissions.get, 1)
    assert stored["guild_id"] is None and stored["guild_name"] is None  # no server: Haikei is not there
    assert stored["submitter_id"] == emulator.world.user("bob").id
    assert_clean(emulator)


async def test_answers_are_private_where_the_member_may_not_post(
    haikei: Haikei, emulator: Emulator, places: Places
) -> None:
    world, driver = emulator.world, emulator.driver
    alerts = world.channel("alerts", "Artists' Cafe")
    world.set_overwrite(places.cafe, "alice", deny=["send_messages"])
    world.set_overwrite(alerts, "alice", deny=["use_external_apps"])
    for channel in (places.cafe, alerts):
        for path, options in (
            ("disclosure lookup", {"query": DOG}),
            ("disclosure search", {"text": "dog"}),
            ("disclosure company", {"name": "WIT Studio"}),
            ("disclosure recent", {}),
            ("disclosure stats", {}),
        ):
            result = await finished(await driver.command(path, options, channel=channel))
            assert result.ephemeral and not result.forced_ephemeral, (path, channel.name)
            assert result.embeds or result.followups, path
        assert emulator.messages(channel) == []
    # where Haikei is, its answers stay public whatever the member's own permissions
    world.set_overwrite("general", "alice", deny=["send_messages", "use_external_apps"])
    inside = await finished(await driver.command("disclosure lookup", {"query": DOG}))
    assert not inside.ephemeral
    assert_clean(emulator)


async def test_public_answers_in_dms_and_group_dms(
    haikei: Haikei, emulator: Emulator, places: Places
) -> None:
    driver = emulator.driver
    for place in (places.private, places.group, places.dm):
        found = await finished(await driver.command("disclosure search", {"year_from": 2022}, channel=place))
        assert not found.ephemeral and not found.forced_ephemeral, place.name
        turned = await driver.click(found, custom_ids(found)[-1])
        assert (await turned.wait()).response_type == 7  # alice turns her own pages
        stats = await finished(await driver.command("disclosure stats", channel=place))
        assert not stats.ephemeral and stats.followups[0]["attachments"], place.name
    assert {m["interaction_metadata"]["user"]["username"] for m in emulator.messages(places.group)} == {
        "alice"
    }
    assert_clean(emulator)


async def submit(emulator: Emulator, channel: Channel | str, story: int = 0) -> InteractionResult:
    opened = await (await emulator.driver.command("disclosure submit", channel=channel)).wait()
    ids = custom_ids(opened.modal)  # title, companies, uses, sources, notes (each story its own submission)
    url = f"https://news.example/q{story}"
    values = dict(zip(ids, ("Quiet Meadow", "", "Backgrounds", url, ""), strict=True))
    sent = await emulator.driver.submit_modal(opened, values)
    if "resembles" in (await answer_text(sent)):  # a second one looks like the first: send it anyway
        sent = await (await emulator.driver.click(sent, custom_ids(sent)[0])).wait()
    return sent


async def test_a_submission_records_a_server_only_where_haikei_is(
    haikei: Haikei, emulator: Emulator, places: Places
) -> None:
    for story, channel in enumerate((places.cafe, places.private, places.dm, "general")):
        await submit(emulator, channel, story)
    alice = emulator.world.user("alice").id
    rows = sorted(await haikei.db.run(submissions.of_submitter, alice), key=lambda r: r["id"])
    assert [(r["guild_id"], r["guild_name"]) for r in rows] == [
        (None, None),
        (None, None),
        (None, None),
        (emulator.world.guild.id, "Haikei Test Server"),  # installed to alice and to the server: the server's
    ]
    listed = await finished(await emulator.driver.command("submissions list", user="mod"))
    assert "#4" in str(listed.embeds) and "#1" not in str(listed.embeds)
    mine = await finished(await emulator.driver.command("disclosure mine", channel=places.group))
    assert mine.ephemeral and all(f"#{n}" in str(mine.embeds) for n in range(1, 5))
    assert_clean(emulator)


async def test_image_check_reads_the_attachments_anywhere(
    haikei: Haikei, emulator: Emulator, places: Places
) -> None:
    art = [("fox.png", png(parameters="a fox\nSteps: 20, Sampler: Euler a"), "image/png")]
    for place in (places.cafe, places.private, places.group):
        message = emulator.post_as("bob", place, "my art", files=art)
        result = await finished(
            await emulator.driver.context_menu(MENU, target_message=message, user="alice")
        )
        assert result.ephemeral and result.payload["context"] == (0 if place is places.cafe else 2)
        embed = (result.embeds or result.followups[0]["embeds"])[0]
        assert "AUTOMATIC1111" in embed["description"], place.name
        assert len(result.followups) <= 5
    with pytest.raises(DriverError, match="does not offer it"):
        await emulator.driver.context_menu(MENU, target_message=message, user="bob")
    uploaded = await finished(
        await emulator.driver.command(
            "disclosure check-image", {"file": art[0]}, channel=places.cafe, user="alice"
        )
    )
    assert "AUTOMATIC1111" in (uploaded.embeds or uploaded.followups[0]["embeds"])[0]["description"]
    assert_clean(emulator)


async def test_server_checks_hold_even_if_a_server_command_reached_elsewhere(
    haikei: Haikei, emulator: Emulator, places: Places
) -> None:
    """Discord never offers `/submissions` or `/curate` outside Haikei's servers; were they offered, Haikei's own
    checks still refuse: owning a server without Haikei makes nobody its moderator, or a curator."""
    world, driver = emulator.world, emulator.driver
    world.install_to_user("yuki")  # the owner of the server without Haikei
    for name in ("submissions", "curate"):
        top_level(emulator)[(name, 1)].update(integration_types=[0, 1], contexts=[0, 1, 2])
    cafe = world.channel("general", "Artists' Cafe")
    for path, user, channel, says in (
        ("submissions list", "yuki", cafe, "Only moderators"),
        ("submissions list", "alice", places.private, "only works inside a server"),
        ("curate review", "yuki", cafe, "Only Haikei's curators"),
        ("curate review", "alice", places.group, "Only Haikei's curators"),
    ):
        refused = await driver.command(path, user=user, channel=channel)
        assert says in await answer_text(refused) and refused.ephemeral, (path, user)
    assert_clean(emulator)
