"""The poll message and result embeds as members and moderators read them: turnout, plurals, open vs closed."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import Catalogs
from cogs.polls.model import EditNote, Poll, State, tally
from cogs.polls.options import parse_options
from cogs.polls.render import LIVE_EDIT_MAX_AGE, poll_embed, results_embed
from cogs.polls.summary import outcome_line
from cogs.polls.tally import Method

ROOT = Path(__file__).resolve().parents[3]
NOW = 1_750_000_000.0


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    catalogs = Catalogs()
    catalogs.load_dir(ROOT / "cogs" / "polls" / "locales")
    return catalogs


def translator(catalogs: Catalogs, lang: str = "en") -> Any:
    return lambda key, /, **params: catalogs.text(key, lang, **params)


def make_poll(**overrides: Any) -> Poll:
    fields: dict[str, Any] = {
        "guild_id": 1,
        "channel_id": 2,
        "question": "Which app?",
        "options": tuple(parse_options("Krita|Paper|Clip Studio")),
        "method": Method.SINGLE,
        "max_choices": 1,
        "secret": False,
        "hidden": False,
        "eligible_role_id": None,
        "ping_role_id": None,
        "closes_at": NOW + 3600,
        "created_by": 9,
        "id": 7,
        "message_id": 70,
        "state": State.OPEN,
        "created_at": NOW - 60,
    }
    fields.update(overrides)
    return Poll(**fields)


def footer(poll: Poll, ballots: list, catalogs: Catalogs, *, now: float = NOW, lang: str = "en") -> str:
    embed = poll_embed(poll, translator(catalogs, lang), result=tally(poll, ballots), now=now)
    return embed.footer.text.split("\n")[0]


@pytest.mark.parametrize(
    "kind", [{}, {"hidden": True}, {"secret": True}, {"hidden": True, "secret": True}], ids=str
)
def test_every_open_poll_shows_its_true_turnout(catalogs: Catalogs, kind: dict) -> None:
    poll = make_poll(**kind)
    assert footer(poll, [[0], [1], [2], [0]], catalogs) == "Poll #7 · 4 votes"
    assert footer(poll, [[1]], catalogs) == "Poll #7 · 1 vote"
    assert footer(poll, [], catalogs) == "Poll #7 · 0 votes"
    assert footer(poll, [[1]], catalogs, lang="ja") == "投票 #7 · 1 票"


def test_hidden_and_secret_polls_show_turnout_but_no_counts(catalogs: Catalogs) -> None:
    for kind in ({"hidden": True}, {"secret": True}):
        embed = poll_embed(
            make_poll(**kind), translator(catalogs), result=tally(make_poll(), [[0]] * 3), now=NOW
        )
        assert "—" not in (embed.description or "") and "%" not in (embed.description or "")
        assert embed.footer.text.startswith("Poll #7 · 3 votes")


def test_a_poll_past_live_edits_shows_no_count_rather_than_a_stale_one(catalogs: Catalogs) -> None:
    old = make_poll(created_at=NOW - LIVE_EDIT_MAX_AGE - 1)
    assert footer(old, [[0], [1]], catalogs) == "Poll #7"
    closed = replace(old, state=State.CLOSED, closed_at=NOW)
    assert footer(closed, [[0], [1]], catalogs) == "Poll #7 · 2 votes"


def test_results_of_an_open_poll_say_leading_and_of_a_closed_one_result(catalogs: Catalogs) -> None:
    t = translator(catalogs)
    ballots = [[2], [2], [0]]
    open_poll = make_poll(hidden=True)
    closed = replace(open_poll, state=State.CLOSED, closed_at=NOW)
    current = results_embed(open_poll, tally(open_poll, ballots), t, final=False).description or ""
    assert "Leading so far: **Clip Studio**" in current and "Result" not in current
    final = results_embed(closed, tally(closed, ballots), t, final=True).description or ""
    assert "🏆 Result: **Clip Studio**" in final and "Leading" not in final
    assert results_embed(closed, tally(closed, [[1]]), t, final=True).footer.text == "1 ballot"
    assert results_embed(closed, tally(closed, ballots), t, final=True).footer.text == "3 ballots"


def test_open_ties_and_empty_polls_are_not_called_final(catalogs: Catalogs) -> None:
    t = translator(catalogs)
    open_poll = make_poll()
    tie = outcome_line(open_poll, tally(open_poll, [[0], [1]]), t)
    assert "Level in the lead so far: **Krita, Paper**" in tie and "Tie between" not in tie
    assert outcome_line(open_poll, tally(open_poll, []), t) == "No votes yet."
    closed = replace(open_poll, state=State.CLOSED)
    assert outcome_line(closed, tally(closed, []), t) == "No votes were cast."
    assert outcome_line(open_poll, tally(open_poll, [[0]]), translator(catalogs, "ja")).startswith(
        "📊 現在のトップ"
    )


def test_edit_notes_name_removed_options_without_counting_ballots(catalogs: Catalogs) -> None:
    poll = make_poll(secret=True)
    notes = [EditNote("typo"), EditNote("apps changed", ("Krita", "Paper"))]
    embed = poll_embed(poll, translator(catalogs), result=tally(poll, []), notes=notes, now=time.time())
    lines = (embed.description or "").split("\n")
    assert "✏️ Edited: typo" in lines
    removed = next(line for line in lines if "apps changed" in line)
    assert "Removed: Krita, Paper" in removed and "vote again" in removed
    assert not any(ch.isdigit() for ch in removed)  # the same words whatever the ballots said
