"""Poll exports as CSV text (pure: rows in, text out, no database): voters and choices for public polls,
tallies only for secret ballots."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cogs.polls.model import Poll, describe_choices, known_choices
from cogs.polls.tally import RunoffResult, Totals

if TYPE_CHECKING:
    from cogs.polls.store import BallotRow  # the rows' type only: nothing here reads the database


def _safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (=, +, -, @ at the start of a cell)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def public_csv(poll: Poll, rows: Sequence[BallotRow]) -> str:
    """user_id, user_name, choices, voted_at (UTC ISO) — one line per ballot the results count (a ballot
    naming only options the poll no longer has counts nowhere, so it is not listed)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["user_id", "user_name", "choices", "voted_at"])
    for row in rows:
        if not known_choices(poll, row.choices):
            continue
        when = datetime.fromtimestamp(row.voted_at, UTC).isoformat() if row.voted_at else ""
        writer.writerow(
            [
                row.user_id,
                _safe_cell(row.user_name or ""),
                _safe_cell(describe_choices(poll, row.choices)),
                when,
            ]
        )
    return out.getvalue()


def tally_csv(poll: Poll, result: Totals | RunoffResult) -> str:
    """option, total (first preferences and a column per round for instant-runoff) — no voter data."""
    out = io.StringIO()
    writer = csv.writer(out)
    if isinstance(result, RunoffResult):
        writer.writerow(["option", *[f"round_{n}" for n in range(1, len(result.rounds) + 1)]])
        for option in poll.options:
            writer.writerow([_safe_cell(option.label), *[r.counts.get(option.id, "") for r in result.rounds]])
        writer.writerow(["(exhausted)", *[r.exhausted for r in result.rounds]])
    else:
        writer.writerow(["option", "total"])
        for option, total in zip(poll.options, result.totals, strict=True):
            writer.writerow([_safe_cell(option.label), int(total) if total == int(total) else total])
    writer.writerow(["(ballots)", result.ballots])
    return out.getvalue()
