"""The trust boundary of the shared records, end to end: a moderator of another server is not a curator.

World: "Haikei Test Server" (owner ``mod``, who also owns the application, so a curator) and "Second Server"
(owner ``rin``: a moderator there, a plain member of the first server, and not a curator).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.client import Haikei
from bot.settings import Settings
from cogs.disclosures import store, submissions
from emulator.driver import DriverError
from emulator.emulator import Emulator
from emulator.entities import Guild
from tests.e2e.helpers import answer_text, assert_clean, custom_ids, running_haikei

pytestmark = pytest.mark.e2e

NOT_CURATOR = "Only Haikei's curators"
RECORD = "loki-season-2-poster-2023"


@dataclass
class Servers:
    bot: Haikei
    second: Guild

    @property
    def second_general(self) -> int:
        return self.second.channel_ids[0]


def add_second_server(emulator: Emulator) -> Guild:
    world = emulator.world
    rin = world.add_user("rin")
    second = world.add_guild("Second Server", rin)
    world.add_member(rin, roles=["Member"])  # a plain member of the first server
    world.add_member("alice", roles=["Member"], guild=second)
    world.add_member(world.add_user("dan"), roles=["Member"], guild=second)
    return second


@pytest.fixture
async def servers(settings: Settings, emulator: Emulator) -> AsyncIterator[Servers]:
    second = add_second_server(emulator)
    async with running_haikei(settings, emulator) as bot:
        yield Servers(bot, second)


async def submit(emulator: Emulator, user: str, channel: int | str, title: str, notes: str) -> str:
    opened = await emulator.driver.command("disclosure submit", user=user, channel=channel)
    await opened.wait()
    assert opened.modal is not None
    title_id, companies, uses, sources, notes_id = custom_ids(opened.modal)
    values = {
        title_id: title,
        companies: "Some Studio",
        uses: "Backgrounds were generated",
        sources: f"https://news.example/{title.replace(' ', '-').lower()}",
        notes_id: notes,
    }
    return await answer_text(await emulator.driver.submit_modal(opened, values, user=user))


async def test_a_moderator_of_another_server_cannot_touch_the_shared_records(
    servers: Servers, emulator: Emulator
) -> None:
    db = servers.bot.db
    assert "#1" in await submit(emulator, "alice", "general", "Quiet Meadow", "alice's private note")
    assert "#2" in await submit(emulator, "dan", servers.second_general, "Second Sky", "dan's private note")
    before = store.portable(await db.run(store.get_record, RECORD))

    for path, options in (
        ("curate review", {}),
        ("curate edit", {"id": RECORD}),
        ("curate history", {"id": RECORD}),
        ("curate delete", {"id": RECORD}),
        ("curate restore", {"id": RECORD}),
    ):
        refused = await emulator.driver.command(path, options, user="rin", channel=servers.second_general)
        text = await answer_text(refused)
        assert NOT_CURATOR in text and refused.ephemeral, path
        assert refused.modal is None and not refused.embeds, path

    # The curator's queue, seen by the curator: where it came from, who sent it, the private note.
    queue = await emulator.driver.command("curate review", user="mod")
    await queue.wait()
    fields = {f["name"]: f["value"] for f in queue.embeds[0]["fields"]}
    assert "Haikei Test Server" in fields["From server"] and fields["Notes"] == "alice's private note"
    # rin clicking the curator's buttons (a forged click) is refused on our side.
    for key in ("approve", "reject", "merge"):
        forged = await emulator.driver.click(queue, f"disc:review:{key}:1", user="rin")
        assert NOT_CURATOR in await answer_text(forged) and forged.modal is None
    assert (await db.run(submissions.get, 1))["state"] == "pending"
    assert store.portable(await db.run(store.get_record, RECORD)) == before

    # rin sees their own server's submissions only, without private notes or submitter ids.
    listing = await emulator.driver.command("submissions list", user="rin", channel=servers.second_general)
    await listing.wait()
    shown = listing.embeds[0]["description"]
    assert "Second Sky" in shown and "Quiet Meadow" not in shown
    assert "private note" not in shown and "<@" not in shown
    other = await emulator.driver.command(
        "submissions withdraw", {"submission": 1}, user="rin", channel=servers.second_general
    )
    assert "no submission #1 from this server" in await answer_text(other)
    assert (await db.run(submissions.get, 1))["state"] == "pending"
    own = await emulator.driver.command(
        "submissions withdraw", {"submission": 2}, user="rin", channel=servers.second_general
    )
    assert "Withdrew submission #2" in await answer_text(own)
    assert [r["id"] for r in await db.run(submissions.of_guild, servers.second.id)] == [2]
    assert (await db.run(submissions.next_pending))["id"] == 1

    # Members: not moderators here, and they see only their own submissions (with their own notes).
    refused = await emulator.driver.command("submissions list", user="alice")
    assert "Only moderators" in await answer_text(refused)
    mine = await emulator.driver.command("disclosure mine", user="dan", channel=servers.second_general)
    await mine.wait()
    described = mine.embeds[0]["description"]
    assert "Second Sky" in described and "withdrawn" in described and "dan's private note" in described
    assert "Quiet Meadow" not in described and mine.ephemeral
    assert_clean(emulator)


async def test_owner_and_named_curators_curate_and_are_audited_as_curators(
    settings: Settings, emulator: Emulator
) -> None:
    second = add_second_server(emulator)
    carol = emulator.world.user("carol")
    configured = settings.with_overrides(curator_user_ids=frozenset({carol.id}))
    async with running_haikei(configured, emulator) as bot:
        await submit(emulator, "dan", second.channel_ids[0], "Second Sky", "note")
        queue = await emulator.driver.command("curate review", user="carol")
        await queue.wait()
        assert queue.embeds[0]["title"] == "Submission #1: new record"
        reject = await emulator.driver.click(queue, "disc:review:reject:1", user="carol")
        await reject.wait()
        done = await emulator.driver.submit_modal(reject, {"value": "No source."}, user="carol")
        assert "Rejected submission #1" in await answer_text(done)
        row = await bot.db.run(
            lambda db: db.execute(
                "SELECT actor_id, actor_role, guild_id FROM disclosure_audit WHERE action = 'submission.reject'"
            ).fetchone()
        )
        assert row == (carol.id, "curator", emulator.world.guild.id)
        # The application's owner is a curator without any setting; the history names role and server.
        delete = await emulator.driver.command("curate delete", {"id": RECORD}, user="mod")
        await delete.wait()
        confirm = await emulator.driver.click(delete, custom_ids(delete)[0], user="mod")
        await confirm.wait_followups(1)
        restore = await emulator.driver.command("curate restore", {"id": RECORD}, user="mod")
        assert "Restored **Loki season 2 promotional poster**" in await answer_text(restore)
        history = await emulator.driver.command("curate history", {"id": RECORD}, user="carol")
        await history.wait()
        lines = history.embeds[0]["description"]
        assert "**restore**" in lines and "(curator) in Haikei Test Server" in lines
        assert "**import.create** by the shipped records" in lines
        assert_clean(emulator)


async def test_curator_commands_live_only_in_the_curators_server(
    settings: Settings, emulator: Emulator
) -> None:
    world = emulator.world
    hub = world.add_guild("Curators", world.user("mod"))
    role = world.add_role("Curator", guild=hub)
    world.add_member("bob", roles=["Curator"], guild=hub)  # bob moderates nothing
    configured = settings.with_overrides(curator_guild_id=hub.id, curator_role_id=role.id)
    async with running_haikei(configured, emulator):
        assert not any(name == "curate" for name, _ in world.commands.get(None, {}))
        curate = world.commands[hub.id][("curate", 1)]
        assert str(curate["default_member_permissions"]) == "32"  # Manage Server: hidden from members
        with pytest.raises(DriverError, match="no registered slash command 'curate'"):
            await emulator.driver.command("curate review", user="mod")
        hub_general = hub.channel_ids[0]
        empty = await emulator.driver.command("curate review", user="bob", channel=hub_general)
        assert "The review queue is empty" in await answer_text(empty)
        world.add_member(world.add_user("eve"), roles=["Member"], guild=hub)
        refused = await emulator.driver.command("curate review", user="eve", channel=hub_general)
        assert NOT_CURATOR in await answer_text(refused)


async def test_members_are_not_shown_moderator_or_curator_commands(
    servers: Servers, emulator: Emulator
) -> None:
    registered = emulator.world.commands[None]
    for name in ("curate", "submissions", "config", "alerts"):
        assert str(registered[(name, 1)]["default_member_permissions"]) == "32", name
    seen_by_alice = emulator.driver.visible_commands("alice", "general")
    assert "disclosure" in seen_by_alice and not {"curate", "submissions", "config"} & set(seen_by_alice)
    assert {"curate", "submissions"} <= set(emulator.driver.visible_commands("mod", "general"))
    member_help = await emulator.driver.command("help", user="alice")
    await member_help.wait()
    text = str(member_help.embeds[0])
    assert "/disclosure lookup" in text and "/curate" not in text and "/submissions" not in text
    mod_help = await emulator.driver.command("help", user="mod")
    await mod_help.wait()
    assert "/curate review" in str(mod_help.embeds[0])
