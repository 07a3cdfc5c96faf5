"""``/privacy delete`` after a public poll closed keeps the member's ballot counted without their id; reopening
that poll would let them vote a second time (nobody can tell the anonymised ballot is theirs), so
``/poll-manage reopen`` refuses, in the moderator's language, and the poll stays as it was."""

from __future__ import annotations

import pytest

from bot.client import Haikei
from cogs.polls import store
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import ballots, create, poll_message
from tests.e2e.helpers import answer_text, assert_clean, custom_ids

pytestmark = pytest.mark.e2e

REFUSED = "cannot be reopened: a member deleted their data after it closed"
REFUSED_JA = "は再開できません。締め切り後に自分のデータを削除したメンバーがいて"


async def delete_my_data(emulator: Emulator, user: str) -> str:
    asked = await emulator.driver.command("privacy delete", user=user)
    await asked.wait()
    confirmed = await emulator.driver.click(asked, custom_ids(asked)[0], user=user)
    await confirmed.wait()
    return str((await confirmed.wait_followups(1))[0]["content"])


async def test_a_poll_with_a_ballot_anonymised_after_close_is_not_reopened(
    haikei: Haikei, emulator: Emulator
) -> None:
    driver = emulator.driver
    poll_id, message = await create(emulator, options="x|y")
    await answer_text(await driver.click(message, f"poll:{poll_id}:v:0", user="alice"))
    await answer_text(await driver.click(message, f"poll:{poll_id}:v:1", user="bob"))
    await answer_text(await driver.command("poll-manage close", {"poll": poll_id}, user="mod"))
    assert "1 ballot in a closed poll no longer names you" in await delete_my_data(emulator, "alice")

    reopen = {"poll": poll_id, "duration": "1d"}
    refused = await answer_text(await driver.command("poll-manage reopen", reopen, user="mod"))
    assert refused.startswith(f"Poll #{poll_id} {REFUSED}") and "Create a new poll" in refused
    in_japanese = await driver.command("poll-manage reopen", reopen, user="mod", locale="ja")
    assert f"投票 #{poll_id} {REFUSED_JA}" in await answer_text(in_japanese)

    poll = await haikei.db.run(store.get_poll, poll_id)
    assert poll is not None and not poll.is_open
    assert poll_message(emulator, poll_id)["components"] == []  # no vote buttons came back
    assert sorted(await ballots(haikei, poll_id)) == [[0], [1]]  # alice's choice still counts, once
    assert [e["action"] for e in await haikei.db.run(store.audit_log, poll_id)] == ["create", "close"]
    assert_clean(emulator)


async def test_a_member_who_left_an_open_poll_votes_once_after_it_is_reopened(
    haikei: Haikei, emulator: Emulator
) -> None:
    """Deleting one's data while the poll is open removes the ballot (nothing is anonymised): the poll can be
    closed and reopened as usual, and the member's new vote is their only ballot."""
    driver = emulator.driver
    poll_id, message = await create(emulator, options="x|y")
    await answer_text(await driver.click(message, f"poll:{poll_id}:v:0", user="alice"))
    await answer_text(await driver.click(message, f"poll:{poll_id}:v:1", user="bob"))
    assert "1 ballot" in await delete_my_data(emulator, "alice")
    await answer_text(await driver.command("poll-manage close", {"poll": poll_id}, user="mod"))

    reopened = await driver.command("poll-manage reopen", {"poll": poll_id, "duration": "1d"}, user="mod")
    assert "open again" in await answer_text(reopened)
    vote = await driver.click(poll_message(emulator, poll_id), f"poll:{poll_id}:v:0", user="alice")
    assert "Your vote" in await answer_text(vote)
    assert sorted(await ballots(haikei, poll_id)) == [[0], [1]]
    assert_clean(emulator)
