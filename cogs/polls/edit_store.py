"""Editing a poll's question and options, and what that does to its ballots (store functions).

Removing options rewrites the ballots that named them in the same transaction as the new options (see
:mod:`cogs.polls.pruning`): the poll message, results, chart and exports all count the same ballots, and no
ballot ever names an option the poll no longer has. The audit entry records what was removed and how many
ballots changed or were deleted.

An open secret poll that has ballots keeps its options: how many ballots an option removal would touch (and
even whether it touches any) would tell how members voted before the poll closes, and the turnout on the
message would show it to everyone. Adding options or changing the question is always possible.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlite_utils import Database

from bot.db import transaction
from cogs.polls.model import EditNote, Poll, decode_choices, encode_choices, encode_options
from cogs.polls.options import Option
from cogs.polls.pruning import Impact, impact_of, prune, removed_options, touches
from cogs.polls.store import ballot_count, ballots, get_poll, record_audit


class EditOutcome(StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"
    CHANGED = (
        "changed"  # options, or ballots needing a confirmation, changed since the preview: nothing written
    )
    SECRET_OPEN = "secret_open"  # an open secret poll with ballots: options are not removed


@dataclass(frozen=True)
class EditResult:
    outcome: EditOutcome
    removed: tuple[str, ...] = ()
    impact: Impact = field(default_factory=Impact)


def removal_refused(poll: Poll, removing: bool, turnout: int) -> bool:
    """Whether this edit must keep the options (an open secret poll with ballots; see the module doc).

    It depends only on the turnout, which the poll message already shows, never on what the ballots say.
    """
    return removing and poll.secret and poll.is_open and turnout > 0


def preview_edit(db: Database, poll_id: int, options: Sequence[Option]) -> tuple[Poll | None, Impact, int]:
    """What replacing the options with ``options`` would do: (poll, ballots touched, turnout)."""
    poll = get_poll(db, poll_id)
    if poll is None:
        return None, Impact(), 0
    removed = {o.id for o in removed_options(poll.options, options)}
    cast = ballots(db, poll_id)
    if removal_refused(poll, bool(removed), len(cast)):
        return poll, Impact(), len(cast)  # no count at all: it would reveal votes
    return poll, impact_of(cast, removed), len(cast)


def edit_poll(
    db: Database,
    poll_id: int,
    actor_id: int,
    question: str,
    options: Sequence[Option],
    note: str,
    *,
    expected: Sequence[Option],
    confirmed: bool = False,
) -> EditResult:
    """Change the question/options in one transaction; ballots naming removed options lose them (a ballot
    left empty is deleted); the audit entry keeps the note, what was removed and the ballots it touched.

    ``expected`` is the option list the moderator saw: when the poll no longer has it, nothing is written.
    Ballots change only when the moderator ``confirmed`` it: a vote for a removed option that arrived after
    a preview showing none makes this write nothing (``CHANGED``).
    """
    with transaction(db):
        poll = get_poll(db, poll_id)
        if poll is None:
            return EditResult(EditOutcome.NOT_FOUND)
        if tuple(poll.options) != tuple(expected):
            return EditResult(EditOutcome.CHANGED)
        removed = removed_options(poll.options, options)
        removed_ids = {o.id for o in removed}
        if removal_refused(poll, bool(removed), ballot_count(db, poll_id)):
            return EditResult(EditOutcome.SECRET_OPEN)
        impact = impact_of(ballots(db, poll_id), removed_ids) if removed_ids else Impact()
        if impact.affected and not confirmed:
            return EditResult(EditOutcome.CHANGED)
        if impact.affected:
            impact = _prune_ballots(db, poll_id, removed_ids)
        db.execute(
            "UPDATE polls SET question = ?, options = ? WHERE id = ?",
            [question, encode_options(options), poll_id],
        )
        record_audit(
            db,
            poll_id,
            poll.guild_id,
            actor_id,
            "edit",
            note=note,
            question=question,
            options=[o.label for o in options],
            removed_options=[o.label for o in removed],
            ballots_deleted=impact.deleted,
            ballots_trimmed=impact.trimmed,
        )
    return EditResult(EditOutcome.DONE, tuple(o.label for o in removed), impact)


def _prune_ballots(db: Database, poll_id: int, removed: set[int]) -> Impact:
    """Rewrite in place (same key, so a secret poll's stored order is unchanged) or delete every ballot
    naming a removed option."""
    rows = db.execute("SELECT voter_key, choices FROM ballots WHERE poll_id = ?", [poll_id]).fetchall()
    deleted = trimmed = 0
    for voter_key, stored in rows:
        choices = decode_choices(stored)
        if not touches(choices, removed):
            continue
        kept = prune(choices, removed)
        if kept is None:
            db.execute("DELETE FROM ballots WHERE poll_id = ? AND voter_key = ?", [poll_id, voter_key])
            deleted += 1
        else:
            db.execute(
                "UPDATE ballots SET choices = ? WHERE poll_id = ? AND voter_key = ?",
                [encode_choices(kept), poll_id, voter_key],
            )
            trimmed += 1
    return Impact(deleted, trimmed)


def edit_notes(db: Database, poll_id: int) -> list[EditNote]:
    """Every edit's note and removed options, oldest first."""
    rows = db.execute(
        "SELECT detail FROM poll_audit WHERE poll_id = ? AND action = 'edit' ORDER BY id", [poll_id]
    ).fetchall()
    notes = []
    for (detail,) in rows:
        data = json.loads(detail)
        notes.append(EditNote(str(data.get("note", "")), tuple(data.get("removed_options", ()))))
    return notes
