"""Polls and channel permissions: who may post a poll where and ping which role, who may read which poll, and
the options form (re-checked on submit, refused to anyone but its opener).

The world: #staff (only Moderators and the bot can view it), #announcements (members cannot send there); bob
holds the poll creator role; carol has Manage Server (a moderator) but cannot view #staff and has no Mention
Everyone; "Poll pings" is mentionable, "Moderator" and "Member" are not. mod owns the server (every permission).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.client import Haikei
from cogs.polls import store
from emulator.driver import iter_components
from emulator.emulator import Emulator
from emulator.interactions import InteractionResult
from emulator.state import World
from tests.cogs.polls.e2e_support import create, poll_count, poll_message
from tests.e2e.helpers import add_restricted_channels, answer_text, assert_clean

pytestmark = pytest.mark.e2e

NOT_FOUND = "There is no poll with that number in this server."
CANNOT_POST = "You cannot post a poll in"
CANNOT_PING = "You cannot ping"
NOT_YOUR_FORM = "Only the member who opened this form can submit it."


def permissions_world() -> World:
    world = World()
    add_restricted_channels(world)
    world.add_role("Pollers")
    world.add_role("Managers", permissions=["manage_guild"])
    world.add_role("Poll pings").mentionable = True
    world.guild.members[world.user("bob").id].roles.append(world.role("Pollers").id)
    world.guild.members[world.user("carol").id].roles.append(world.role("Managers").id)
    return world


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = Emulator(identify_interval=0.1, world=permissions_world())
    await emu.start(host="127.0.0.1", port=0)
    try:
        yield emu
    finally:
        await emu.stop()


async def set_pollers(emulator: Emulator, role: str | None) -> None:
    options = {"role": role} if role else {}
    await answer_text(await emulator.driver.command("config pollers", options=options, user="mod"))


async def open_form(
    emulator: Emulator, user: str, where: str = "general", **options: str
) -> InteractionResult:
    """Run /poll create without options in channel ``where``: the options form opens."""
    result = await emulator.driver.command(
        "poll create", options={"question": "Q?", **options}, user=user, channel=where
    )
    await result.wait()
    assert result.modal is not None, f"no form: {result.content!r}"
    return result


async def submit_form(emulator: Emulator, form: InteractionResult, user: str | None = None) -> str:
    assert form.modal is not None
    inputs = [c["custom_id"] for c in iter_components(form.modal["components"]) if c.get("type") == 4]
    submitted = await emulator.driver.submit_modal(form, {inputs[1]: "Yes\nNo"}, user=user)
    return await answer_text(submitted)


async def test_a_poller_posts_only_where_they_can_see_and_send(haikei: Haikei, emulator: Emulator) -> None:
    await set_pollers(emulator, "Pollers")
    driver = emulator.driver
    for channel in ("staff", "announcements"):
        refused = await driver.command(
            "poll create", options={"question": "Q?", "options": "A|B", "channel": channel}, user="bob"
        )
        answer = await answer_text(refused)
        assert answer.startswith(CANNOT_POST) and refused.ephemeral, answer
        assert emulator.messages(channel) == []
        form = await driver.command("poll create", options={"question": "Q?", "channel": channel}, user="bob")
        assert (await answer_text(form)).startswith(CANNOT_POST) and form.modal is None
    assert await poll_count(haikei) == 0
    poll_id, message = await create(emulator, user="bob", channel="general")
    assert message["content"] == ""
    assert (await haikei.db.run(store.get_poll, poll_id)) is not None
    assert_clean(emulator)


async def test_a_role_is_pinged_only_if_mentionable_or_with_mention_everyone(
    haikei: Haikei, emulator: Emulator
) -> None:
    await set_pollers(emulator, "Pollers")
    driver = emulator.driver
    for user in ("bob", "carol"):  # carol is a moderator: moderators follow Discord's rule too
        refused = await driver.command(
            "poll create", options={"question": "Q?", "options": "A|B", "ping_role": "Moderator"}, user=user
        )
        answer = await answer_text(refused)
        assert answer.startswith(CANNOT_PING) and refused.ephemeral, answer
        form = await driver.command(
            "poll create", options={"question": "Q?", "ping_role": "Member"}, user=user
        )
        assert (await answer_text(form)).startswith(CANNOT_PING) and form.modal is None
    assert await poll_count(haikei) == 0 and emulator.messages("general") == []
    pings = emulator.world.role("Poll pings").id
    _, message = await create(emulator, user="bob", ping_role="Poll pings")
    assert message["content"] == f"<@&{pings}>"
    moderators = emulator.world.role("Moderator").id
    _, message = await create(emulator, user="mod", ping_role="Moderator")  # mod holds Mention Everyone
    assert message["content"] == f"<@&{moderators}>"
    assert_clean(emulator)


async def test_a_moderator_posts_only_where_they_can_see(haikei: Haikei, emulator: Emulator) -> None:
    refused = await emulator.driver.command(
        "poll create", options={"question": "Q?", "options": "A|B", "channel": "staff"}, user="carol"
    )
    assert (await answer_text(refused)).startswith(CANNOT_POST)
    assert emulator.messages("staff") == [] and await poll_count(haikei) == 0
    await create(emulator, user="mod", channel="staff")
    assert len(emulator.messages("staff")) == 1
    assert_clean(emulator)


async def test_polls_in_channels_one_cannot_view_read_as_not_found(
    haikei: Haikei, emulator: Emulator
) -> None:
    driver = emulator.driver
    staff_id, staff_message = await create(emulator, question="Ban carol?", channel="staff")
    open_id, _ = await create(emulator, question="Picnic?")
    for user in ("alice", "carol"):  # a member, and a moderator who cannot view #staff
        listing = await driver.command("poll list", user=user)
        await listing.wait()
        description = listing.embeds[0]["description"]
        assert "Picnic?" in description and "Ban carol?" not in description, user
        for path in ("poll results", "poll-manage close", "poll-manage export"):
            choices = await driver.autocomplete(path, {"poll": ""}, "poll", user=user)
            assert [c["value"] for c in choices] == [open_id], (user, path)
        missing = await answer_text(await driver.command("poll results", options={"poll": 999}, user=user))
        assert missing == NOT_FOUND
        hidden = await answer_text(
            await driver.command("poll results", options={"poll": staff_id}, user=user)
        )
        assert hidden == missing, user
        # a click sent as if from the #staff message (Discord would not show it to them)
        clicked = await driver.click(staff_message, f"poll:{staff_id}:res", user=user)
        assert await answer_text(clicked) == NOT_FOUND, user
    for path in ("poll-manage export", "poll-manage close", "poll-manage extend"):
        options: dict[str, object] = {"poll": staff_id}
        if path.endswith("extend"):
            options["duration"] = "1d"
        refused = await driver.command(path, options=options, user="carol")
        assert await answer_text(refused) == NOT_FOUND, path
    poll = await haikei.db.run(store.get_poll, staff_id)
    assert poll is not None and poll.is_open
    # whoever can view #staff reads it as before
    listing = await driver.command("poll list", user="mod")
    await listing.wait()
    assert "Ban carol?" in listing.embeds[0]["description"]
    choices = await driver.autocomplete("poll-manage close", {"poll": ""}, "poll", user="mod")
    assert sorted(c["value"] for c in choices) == [staff_id, open_id]
    shown = await driver.command("poll results", options={"poll": staff_id}, user="mod")
    await shown.wait()
    await shown.wait_followups(1)
    assert shown.followups[0]["embeds"][0]["title"] == f"Current results of poll #{staff_id}"
    closed = await driver.command("poll-manage close", options={"poll": staff_id}, user="mod")
    assert "is closed" in await answer_text(closed)
    assert_clean(emulator)


async def test_the_form_is_checked_again_when_submitted(haikei: Haikei, emulator: Emulator) -> None:
    await set_pollers(emulator, "Pollers")
    revoked = await open_form(emulator, "bob", ping_role="Poll pings")
    kept = await open_form(emulator, "bob", where="polls")  # the poll goes where the command ran
    await set_pollers(emulator, None)  # a moderator clears the poll creator role while the forms are open
    assert (await submit_form(emulator, revoked)).startswith("Only moderators")
    await set_pollers(emulator, "Pollers")
    emulator.revoke("polls", "send_messages", target="bob")  # bob may no longer send in #polls
    assert (await submit_form(emulator, kept)).startswith(CANNOT_POST)
    assert await poll_count(haikei) == 0
    assert emulator.messages("general") == [] and emulator.messages("polls") == []
    assert_clean(emulator)


async def test_the_form_takes_a_submission_only_from_its_opener(haikei: Haikei, emulator: Emulator) -> None:
    form = await open_form(emulator, "mod", ping_role="Moderator")
    assert await submit_form(emulator, form, user="alice") == NOT_YOUR_FORM
    assert await poll_count(haikei) == 0 and emulator.messages("general") == []
    assert (await submit_form(emulator, form)).startswith("Poll #1 is posted")  # still the opener's to send
    assert poll_message(emulator, 1)["content"] == f"<@&{emulator.world.role('Moderator').id}>"
    assert_clean(emulator)
