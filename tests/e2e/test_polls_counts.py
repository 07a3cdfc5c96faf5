"""Numbers on polls end to end: hidden polls show their true turnout (never a stale "0 votes"), and a poll that
is still open is never said to have a result."""

from __future__ import annotations

import pytest

from bot.client import Haikei
from cogs.polls.render import LIVE_EDIT_MAX_AGE
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import create, poll_message
from tests.e2e.helpers import answer_text, assert_clean

pytestmark = pytest.mark.e2e


def footer(emulator: Emulator, poll_id: int) -> str:
    return poll_message(emulator, poll_id)["embeds"][0]["footer"]["text"]


async def test_hidden_poll_shows_its_turnout_and_moderators_see_who_leads(
    haikei: Haikei, emulator: Emulator
) -> None:
    haikei.get_cog("Polls").live.interval = 0.1  # type: ignore[union-attr]
    poll_id, message = await create(emulator, hidden=True, options="Krita|Paper|Clip Studio")
    assert footer(emulator, poll_id) == f"Poll #{poll_id} · 0 votes"
    emulator.world.add_member(emulator.world.add_user("dana"), roles=["Member"])
    for n, (user, option) in enumerate((("alice", 2), ("bob", 2), ("carol", 0), ("dana", 2)), 1):
        await answer_text(await emulator.driver.click(message, f"poll:{poll_id}:v:{option}", user=user))
        turnout = f"Poll #{poll_id} · 1 vote" if n == 1 else f"Poll #{poll_id} · {n} votes"
        await emulator.wait_until(lambda turnout=turnout: footer(emulator, poll_id) == turnout, timeout=5)
    description = poll_message(emulator, poll_id)["embeds"][0]["description"]
    assert "—" not in description and "%" not in description  # the turnout, no counts

    shown = await emulator.driver.command("poll results", options={"poll": poll_id}, user="mod")
    await shown.wait_until(lambda r: r.embeds)
    current = shown.embeds[0]["description"]
    assert "📊 Leading so far: **Clip Studio** (the poll is still open)" in current
    assert "Result" not in current and "🏆" not in current
    assert shown.embeds[0]["footer"]["text"] == "4 ballots"

    await answer_text(
        await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
    )
    posted = emulator.messages("general")[-1]["embeds"][0]["description"]
    assert "🏆 Result: **Clip Studio**" in posted and "Leading" not in posted
    assert footer(emulator, poll_id) == f"Poll #{poll_id} · 4 votes"
    assert_clean(emulator)


async def test_a_poll_past_live_edits_drops_its_count_instead_of_going_stale(
    haikei: Haikei, emulator: Emulator
) -> None:
    haikei.get_cog("Polls").live.interval = 0.1  # type: ignore[union-attr]
    poll_id, message = await create(emulator)
    await answer_text(await emulator.driver.click(message, f"poll:{poll_id}:v:0", user="alice"))
    await emulator.wait_until(lambda: footer(emulator, poll_id) == f"Poll #{poll_id} · 1 vote", timeout=5)
    await haikei.db.run(
        lambda db: db.execute(
            "UPDATE polls SET created_at = created_at - ? WHERE id = ?", [LIVE_EDIT_MAX_AGE, poll_id]
        )
    )
    await answer_text(await emulator.driver.click(message, f"poll:{poll_id}:v:1", user="bob"))
    await emulator.wait_until(lambda: footer(emulator, poll_id) == f"Poll #{poll_id}", timeout=5)
    assert "—" not in poll_message(emulator, poll_id)["embeds"][0]["description"]
    assert_clean(emulator)
