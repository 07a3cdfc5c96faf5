"""Polls end to end: close/reopen/extend/edit/delete/list/results/export, hidden and secret polls."""

from __future__ import annotations

import csv
import io
import time

import discord
import pytest

from bot.client import Haikei
from cogs.polls import store
from cogs.polls.tally import Method
from emulator.emulator import Emulator
from emulator.options import DriverError
from tests.cogs.polls.e2e_support import ballots, create, poll_message
from tests.e2e.helpers import answer_text, assert_clean

pytestmark = pytest.mark.e2e


async def vote(emulator: Emulator, message: dict, custom_id: str, user: str) -> str:
    return await answer_text(await emulator.driver.click(message, custom_id, user=user))


async def test_close_posts_results_with_chart_and_refuses_votes(haikei: Haikei, emulator: Emulator) -> None:
    poll_id, message = await create(emulator)
    await vote(emulator, message, f"poll:{poll_id}:v:0", "alice")
    await vote(emulator, message, f"poll:{poll_id}:v:1", "bob")
    closed = await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
    assert "is closed" in await answer_text(closed)
    result = emulator.messages("general")[-1]
    assert result["attachments"][0]["filename"] == f"poll-{poll_id}.png"
    assert "Tie between **Yes, No**" in result["embeds"][0]["description"]
    assert "equal totals share first place" in result["embeds"][0]["description"]
    updated = poll_message(emulator, poll_id)
    assert updated["components"] == [] and "**Closed**" in updated["embeds"][0]["description"]
    again = await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
    assert "already closed" in await answer_text(again)
    assert_clean(emulator)


async def test_reopen_extend_and_edit_with_audited_note(haikei: Haikei, emulator: Emulator) -> None:
    poll_id, message = await create(emulator, duration="2h")
    await vote(emulator, message, f"poll:{poll_id}:v:0", "alice")
    before = (await haikei.db.run(store.get_poll, poll_id)).closes_at
    extended = await emulator.driver.command(
        "poll-manage extend", options={"poll": poll_id, "duration": "1d"}, user="mod"
    )
    assert "now closes" in await answer_text(extended)
    after = (await haikei.db.run(store.get_poll, poll_id)).closes_at
    assert after - before == pytest.approx(86_400, abs=2)
    edited = await emulator.driver.command(
        "poll-manage edit",
        options={"poll": poll_id, "options": "Yes|No|Later", "note": "Abstain renamed"},
        user="mod",
    )
    assert "was updated" in await answer_text(edited)
    current = poll_message(emulator, poll_id)
    assert "✏️ Edited: Abstain renamed" in current["embeds"][0]["description"]
    assert await ballots(haikei, poll_id) == [[0]]  # "Yes" kept its id, so its vote survived
    assert [e["action"] for e in await haikei.db.run(store.audit_log, poll_id)] == [
        "create",
        "extend",
        "edit",
    ]
    await answer_text(
        await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
    )
    reopened = await emulator.driver.command(
        "poll-manage reopen", options={"poll": poll_id, "duration": "3d"}, user="mod"
    )
    assert "open again" in await answer_text(reopened)
    assert poll_message(emulator, poll_id)["components"]
    assert "Your vote" in await vote(emulator, poll_message(emulator, poll_id), f"poll:{poll_id}:v:3", "bob")
    assert_clean(emulator)


async def test_members_cannot_manage_and_other_servers_polls_are_not_found(
    haikei: Haikei, emulator: Emulator
) -> None:
    poll_id, _ = await create(emulator, hidden=True)
    for path, extra in [
        ("poll-manage close", {}),
        ("poll-manage edit", {"question": "Changed?"}),
        ("poll-manage export", {}),
        ("poll-manage extend", {"duration": "1h"}),
        ("poll-manage delete", {}),
        ("poll-manage reopen", {}),
    ]:
        refused = await emulator.driver.command(path, options={"poll": poll_id, **extra}, user="alice")
        assert "Only moderators" in await answer_text(refused), path
    hidden = await emulator.driver.command("poll results", options={"poll": poll_id}, user="alice")
    assert "hidden until it closes" in await answer_text(hidden)
    assert (await haikei.db.run(store.get_poll, poll_id)).is_open  # type: ignore[union-attr]
    foreign = await haikei.db.run(
        store.create_poll,
        store.NewPoll(
            guild_id=1,
            channel_id=2,
            question="Elsewhere",
            options=(await haikei.db.run(store.get_poll, poll_id)).options,  # type: ignore[union-attr]
            method=Method.SINGLE,
            max_choices=1,
            secret=False,
            hidden=False,
            eligible_role_id=None,
            ping_role_id=None,
            closes_at=time.time() + 60,
            created_by=1,
        ),
    )
    for path in ("poll-manage close", "poll results", "poll-manage export"):
        missing = await emulator.driver.command(path, options={"poll": foreign}, user="mod")
        assert "no poll with that number" in await answer_text(missing), path
    assert_clean(emulator)


async def test_hidden_poll_results_for_moderators_only(haikei: Haikei, emulator: Emulator) -> None:
    poll_id, message = await create(emulator, hidden=True)
    await vote(emulator, message, f"poll:{poll_id}:v:2", "alice")
    assert "—" not in poll_message(emulator, poll_id)["embeds"][0]["description"]  # no counts on the message
    member = await emulator.driver.click(message, f"poll:{poll_id}:res", user="bob")
    assert "hidden" in await answer_text(member)
    mod = await emulator.driver.command("poll results", options={"poll": poll_id}, user="mod")
    await mod.wait()
    await mod.wait_until(lambda r: r.embeds)
    assert mod.ephemeral and "**Abstain** — 1 (100%)" in mod.embeds[0]["description"]
    assert_clean(emulator)


async def test_public_export_lists_voters(haikei: Haikei, emulator: Emulator) -> None:
    poll_id, message = await create(emulator)
    await vote(emulator, message, f"poll:{poll_id}:v:1", "alice")
    exported = await emulator.driver.command("poll-manage export", options={"poll": poll_id}, user="mod")
    await answer_text(exported)
    attachment = (exported.attachments or (await exported.wait_followups(1))[0]["attachments"])[0]
    body = emulator.files[int(attachment["id"])].data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["user_id", "user_name", "choices", "voted_at"]
    assert rows[1][:3] == [str(emulator.world.user("alice").id), "alice", "No"]
    assert_clean(emulator)


async def test_delete_asks_first_and_list_shows_open_polls(haikei: Haikei, emulator: Emulator) -> None:
    first, message = await create(emulator, question="First?")
    await create(emulator, question="Second?")
    listing = await emulator.driver.command("poll list", user="alice")
    await listing.wait()
    assert "First?" in listing.embeds[0]["description"] and "Second?" in listing.embeds[0]["description"]
    asked = await emulator.driver.command("poll-manage delete", options={"poll": first}, user="mod")
    await asked.wait()
    confirm = next(c["custom_id"] for row in asked.components for c in row["components"])
    clicked = await emulator.driver.click(asked, confirm, user="mod")
    await clicked.wait()
    assert "was deleted" in (await clicked.wait_followups(1))[0]["content"]
    assert await haikei.db.run(store.get_poll, first) is None
    await emulator.wait_until(lambda: all(m["id"] != message["id"] for m in emulator.messages("general")))
    choices = await emulator.driver.autocomplete("poll results", {"poll": ""}, "poll", user="alice")
    assert [c["name"] for c in choices] == ["#2 [open] Second?"]
    assert_clean(emulator)


async def test_moderator_commands_are_a_group_members_do_not_see(haikei: Haikei, emulator: Emulator) -> None:
    commands = {c["name"]: c for c in emulator.registered_commands()}
    members, managers = commands["poll"], commands["poll-manage"]
    assert sorted(o["name"] for o in members["options"]) == ["create", "list", "results"]
    assert sorted(o["name"] for o in managers["options"]) == [
        "close",
        "delete",
        "edit",
        "export",
        "extend",
        "reopen",
    ]
    assert int(managers["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    assert managers["name_localizations"]["ja"] == "投票管理"
    assert "poll-manage" not in emulator.driver.visible_commands("alice")
    assert {"poll", "poll-manage"} <= set(emulator.driver.visible_commands("mod"))
    # Hidden is not forbidden: a member who sends the command anyway is refused by the bot itself.
    poll_id, _ = await create(emulator)
    await answer_text(
        await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
    )
    refused = await emulator.driver.command("poll-manage reopen", options={"poll": poll_id}, user="alice")
    assert "Only moderators" in await answer_text(refused)
    assert not (await haikei.db.run(store.get_poll, poll_id)).is_open  # type: ignore[union-attr]
    assert_clean(emulator)


async def test_poll_numbers_are_bounded_to_what_discord_sends(haikei: Haikei, emulator: Emulator) -> None:
    bounded = []
    for command in emulator.registered_commands():
        if command["name"] not in ("poll", "poll-manage"):
            continue
        for sub in command["options"]:
            for option in sub.get("options", []):
                if option["name"] == "poll":
                    assert (option["type"], option["min_value"], option["max_value"]) == (4, 1, 2**53 - 1)
                    bounded.append(f"{command['name']} {sub['name']}")
    assert len(bounded) == 7  # results + the six /poll-manage commands
    with pytest.raises(DriverError):  # Discord's client refuses to send it
        await emulator.driver.command("poll-manage close", options={"poll": 2**63}, user="mod")
    for path, value in [("poll-manage close", 2**63), ("poll results", 2**53), ("poll-manage export", 0)]:
        sent = await emulator.driver.command(path, options={"poll": value}, user="mod", validate=False)
        assert f"I could not understand `{value}`" in await answer_text(sent), path  # bot.options.Bounded
    for path, value in [("poll-manage close", "abc"), ("poll results", True)]:  # not even a number
        sent = await emulator.driver.command(path, options={"poll": value}, user="mod", validate=False)
        assert "I could not understand" in await answer_text(sent), path
    assert_clean(emulator)
