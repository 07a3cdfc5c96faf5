"""Editing a poll's options end to end: the moderator confirms what happens to the ballots, and afterwards the
poll message, the results, the chart and the export all count the same ballots (never a "?")."""

from __future__ import annotations

import csv
import io
import sys
from typing import Any

import pytest

from bot.client import Haikei
from cogs.polls import store
from cogs.polls.model import Poll
from cogs.polls.tally import RunoffResult, Totals
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import ballots, create, poll_message
from tests.e2e.helpers import answer_text, assert_clean, custom_ids

pytestmark = pytest.mark.e2e

APPS = "Krita|Paper|Clip Studio"


@pytest.fixture
def charts(haikei: Haikei, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Poll, Totals | RunoffResult]]:
    """What every result chart is drawn from (the data passed to the chart code), in order."""
    drawn: list[tuple[Poll, Totals | RunoffResult]] = []
    cog: Any = haikei.get_cog("Polls")
    # The modules the running bot loaded (extensions are imported afresh for each bot).
    modules = [sys.modules[type(cog).__module__], sys.modules[type(cog.publisher).__module__]]
    original = modules[0].result_chart

    def spy(poll: Poll, result: Totals | RunoffResult, t: Any) -> bytes:
        drawn.append((poll, result))
        return original(poll, result, t)

    for module in modules:
        monkeypatch.setattr(module, "result_chart", spy)
    return drawn


def option_lines(embed: dict[str, Any]) -> list[str]:
    return [line for line in embed["description"].split("\n") if line.startswith("`")]


async def exported_rows(emulator: Emulator, poll_id: int) -> list[list[str]]:
    exported = await emulator.driver.command("poll-manage export", options={"poll": poll_id}, user="mod")
    await answer_text(exported)
    attachment = (exported.attachments or (await exported.wait_followups(1))[0]["attachments"])[0]
    return list(csv.reader(io.StringIO(emulator.files[int(attachment["id"])].data.decode("utf-8-sig"))))


async def voted_poll(haikei: Haikei, emulator: Emulator) -> tuple[int, dict[str, Any]]:
    """alice: Krita + Clip Studio, bob: Paper, carol: Clip Studio (multiple choice)."""
    haikei.get_cog("Polls").live.interval = 0.1  # type: ignore[union-attr]
    poll_id, message = await create(emulator, options=APPS, method="multiple", max_choices=3)
    for user, picks in (("alice", ["0", "2"]), ("bob", ["1"]), ("carol", ["2"])):
        await answer_text(await emulator.driver.select(message, f"poll:{poll_id}:sel", picks, user=user))
    await emulator.wait_until(
        lambda: poll_message(emulator, poll_id)["embeds"][0]["footer"]["text"] == f"Poll #{poll_id} · 3 votes"
    )
    return poll_id, message


async def test_removing_voted_options_asks_first_and_every_view_agrees(
    haikei: Haikei, emulator: Emulator, charts: list
) -> None:
    poll_id, _ = await voted_poll(haikei, emulator)
    asked = await emulator.driver.command(
        "poll-manage edit",
        options={"poll": poll_id, "options": "Clip Studio|Procreate", "note": "apps changed"},
        user="mod",
    )
    await asked.wait()
    prompt = str(asked.content)
    assert "Removing **Krita**, **Paper**" in prompt and "changes 2 ballots" in prompt
    assert "1 ballot is deleted" in prompt and "1 ballot keeps its other choices" in prompt
    assert sorted(await ballots(haikei, poll_id), key=str) == [[0, 2], [1], [2]]  # nothing before confirming
    confirm = custom_ids(asked)[0]
    clicked = await emulator.driver.click(asked, confirm, user="mod")
    await clicked.wait()
    done = (await clicked.wait_followups(1))[0]["content"]
    assert "was updated" in done and "2 ballots changed" in done

    # The poll message.
    await emulator.wait_until(
        lambda: poll_message(emulator, poll_id)["embeds"][0]["footer"]["text"] == f"Poll #{poll_id} · 2 votes"
    )
    message = poll_message(emulator, poll_id)["embeds"][0]
    assert option_lines(message) == [
        "`██████████` **Clip Studio** — 2 (100%)",
        "`░░░░░░░░░░` **Procreate** — 0 (0%)",
    ]
    assert "✏️ Edited: apps changed · Removed: Krita, Paper" in message["description"]
    # The results and their chart.
    results = await emulator.driver.command("poll results", options={"poll": poll_id}, user="mod")
    await results.wait_until(lambda r: r.embeds)
    assert option_lines(results.embeds[0]) == option_lines(message)
    assert results.embeds[0]["footer"]["text"] == "2 ballots"
    drawn_poll, drawn = charts[-1]
    assert [o.label for o in drawn_poll.options] == ["Clip Studio", "Procreate"]
    assert drawn.totals == (2.0, 0.0) and drawn.ballots == 2  # type: ignore[union-attr]
    # The export.
    rows = await exported_rows(emulator, poll_id)
    assert [(r[1], r[2]) for r in rows[1:]] == [("alice", "Clip Studio"), ("carol", "Clip Studio")]
    assert not any("?" in cell for row in rows for cell in row)
    # The audit entry says what happened.
    detail = (await haikei.db.run(store.audit_log, poll_id))[-1]["detail"]
    assert detail["note"] == "apps changed" and detail["removed_options"] == ["Krita", "Paper"]
    assert (detail["ballots_deleted"], detail["ballots_trimmed"]) == (1, 1)
    # And the closing results: the same ballots.
    await answer_text(
        await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
    )
    posted = emulator.messages("general")[-1]["embeds"][0]
    assert option_lines(posted) == option_lines(message) and posted["footer"]["text"] == "2 ballots"
    assert charts[-1][1].totals == (2.0, 0.0)
    assert_clean(emulator)


async def test_cancelled_edit_changes_nothing(haikei: Haikei, emulator: Emulator) -> None:
    poll_id, _ = await voted_poll(haikei, emulator)
    before = poll_message(emulator, poll_id)
    asked = await emulator.driver.command(
        "poll-manage edit", options={"poll": poll_id, "options": "Paper|Clip Studio"}, user="mod"
    )
    await asked.wait()
    assert "changes 1 ballot that chose them: 1 ballot keeps its other choices" in str(asked.content)
    clicked = await emulator.driver.click(asked, custom_ids(asked)[1], user="mod")
    await clicked.wait()
    assert "nothing was changed" in (await clicked.wait_followups(1))[0]["content"]
    poll = await haikei.db.run(store.get_poll, poll_id)
    assert poll is not None and [o.label for o in poll.options] == ["Krita", "Paper", "Clip Studio"]
    assert sorted(await ballots(haikei, poll_id), key=str) == [[0, 2], [1], [2]]
    assert poll_message(emulator, poll_id)["embeds"] == before["embeds"]
    assert [e["action"] for e in await haikei.db.run(store.audit_log, poll_id)] == ["create"]
    assert_clean(emulator)


async def test_open_secret_poll_with_votes_keeps_its_options(haikei: Haikei, emulator: Emulator) -> None:
    poll_id, message = await create(emulator, secret=True, options="Krita|Paper")
    await answer_text(await emulator.driver.click(message, f"poll:{poll_id}:v:1", user="alice"))
    # Refused alike whether or not the removed option has votes: the answer reveals nothing.
    for options in ("Krita|Procreate", "Paper|Procreate"):
        refused = await emulator.driver.command(
            "poll-manage edit", options={"poll": poll_id, "options": options}, user="mod"
        )
        answer = await answer_text(refused)
        assert "cannot be removed or renamed while it is open" in answer and not refused.components
    added = await emulator.driver.command(
        "poll-manage edit", options={"poll": poll_id, "options": "Krita|Paper|Procreate"}, user="mod"
    )
    assert "was updated" in await answer_text(added)
    assert await ballots(haikei, poll_id) == [[1]]
    poll = await haikei.db.run(store.get_poll, poll_id)
    assert poll is not None and [o.label for o in poll.options] == ["Krita", "Paper", "Procreate"]
    assert_clean(emulator)
