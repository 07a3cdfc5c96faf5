"""Ballot writes, many per transaction: the votes and removals of a burst of clicks, committed together.

:func:`write_ballots` runs on the database thread (the cog hands it batches through ``bot.db.group_commit``)
and returns one result per request, in order. Each request is checked on its own (poll found and open, member
eligible, choices valid, ballot key known); a refused one writes nothing. The accepted ones are written in one
transaction, each in its own savepoint, so a write that fails fails alone and the rest still commit. Writes go
in ballot-key order (stable: a member's later click in the same batch still wins), not in the order of clicks,
and secret ballots carry no user id, name or time (see :mod:`cogs.polls.store`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from cogs.polls import store
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.model import Choices, Poll, VoteOutcome, encode_choices, normalize_choices
from cogs.polls.secrecy import ballot_key
from cogs.polls.voter_keys import Voter


@dataclass(frozen=True)
class Cast:
    """A member's vote: insert their ballot, or replace the one they cast before."""

    poll_id: int
    guild_id: int
    voter: Voter
    choices: Choices
    role_ids: tuple[int, ...]


@dataclass(frozen=True)
class Removal:
    """A member withdrawing their ballot (from a message in ``guild_id``: a poll of another server is not found)."""

    poll_id: int
    guild_id: int
    voter: Voter


Request = Cast | Removal
CastResult = tuple[VoteOutcome, Poll | None, Choices | None]  # (outcome, poll, the ballot as stored)
RemovalResult = tuple[Poll | None, bool | None]  # (poll, whether there was a ballot; None: can't tell)
Result = CastResult | RemovalResult


def cast_result(result: Result) -> CastResult:
    """The result of a :class:`Cast` (as typed: a cast's result is a triple, a removal's a pair)."""
    if len(result) != 3:
        raise TypeError("a vote's result was expected, not a removal's")
    return result


def removal_result(result: Result) -> RemovalResult:
    """The result of a :class:`Removal`."""
    if len(result) != 2:
        raise TypeError("a removal's result was expected, not a vote's")
    return result


UPSERT = """INSERT INTO ballots (poll_id, voter_key, user_id, user_name, choices, voted_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (poll_id, voter_key) DO UPDATE SET
                user_name = excluded.user_name, choices = excluded.choices, voted_at = excluded.voted_at"""
DELETE = "DELETE FROM ballots WHERE poll_id = ? AND voter_key = ?"


@dataclass(frozen=True)
class _Write:
    order: tuple[int, str]  # (poll id, ballot key): the order rows are written in
    index: int
    sql: str
    params: list[Any]
    result: Callable[[sqlite3.Cursor], Result]
    closed: (
        Result  # the answer when the poll turns out closed inside the transaction (another process closed it)
    )


def write_ballots(db: Database, keys: BallotKeys, requests: Sequence[Request]) -> list[Result | Exception]:
    """Check every request, write the accepted ones in one transaction; a result (or error) per request."""
    polls: dict[int, Poll | None] = {}  # read once per batch: nothing else writes while it runs
    now = time.time()

    def poll_of(poll_id: int) -> Poll | None:
        if poll_id not in polls:
            polls[poll_id] = store.get_poll(db, poll_id)
        return polls[poll_id]

    results: list[Result | Exception | None] = [None] * len(requests)
    writes: list[_Write] = []
    for index, request in enumerate(requests):
        try:
            poll = poll_of(request.poll_id)
            if isinstance(request, Cast):
                checked: Result | _Write = _check_cast(db, keys, poll, request, index, now)
            else:
                checked = _check_removal(db, keys, poll, request, index)
        except Exception as exc:  # e.g. the key file could not be written: this request only
            results[index] = exc
            continue
        if isinstance(checked, _Write):
            writes.append(checked)
        else:
            results[index] = checked
    if writes:
        try:
            _commit(db, writes, results)
        except Exception as exc:  # the transaction itself failed: none of its writes stand
            for write in writes:
                results[write.index] = exc
    return [r if r is not None else RuntimeError("no result") for r in results]


def _commit(db: Database, writes: list[_Write], results: list[Result | Exception | None]) -> None:
    conn = db.conn
    with conn:
        if not conn.in_transaction:
            # explicit, so that releasing a savepoint never commits on its own; IMMEDIATE: the write lock first,
            # so another process sharing the file is waited for (busy_timeout) rather than failed
            conn.execute("BEGIN IMMEDIATE")
        # Checked again under the lock: another process (a second shard range) may have closed a poll since
        # the requests were checked; a vote must never land on a closed poll.
        now = time.time()
        open_now = {
            poll_id
            for poll_id in {write.order[0] for write in writes}
            if (poll := store.get_poll(db, poll_id)) is not None and poll.is_open and poll.closes_at > now
        }
        for write in sorted(writes, key=lambda w: w.order):
            if write.order[0] not in open_now:
                results[write.index] = write.closed
                continue
            conn.execute("SAVEPOINT ballot")
            try:
                cursor = conn.execute(write.sql, write.params)
            except sqlite3.Error as exc:
                conn.execute("ROLLBACK TO ballot")
                results[write.index] = exc
            else:
                results[write.index] = write.result(cursor)
            conn.execute("RELEASE ballot")


def _check_cast(
    db: Database, keys: BallotKeys, poll: Poll | None, request: Cast, index: int, now: float
) -> CastResult | _Write:
    if poll is None or poll.guild_id != request.guild_id:
        return VoteOutcome.NOT_FOUND, None, None
    if not poll.is_open or poll.closes_at <= now:
        return VoteOutcome.CLOSED, poll, None
    if poll.eligible_role_id is not None and poll.eligible_role_id not in request.role_ids:
        return VoteOutcome.NOT_ELIGIBLE, poll, None
    normalized = normalize_choices(poll, request.choices)
    if normalized is None:
        return VoteOutcome.INVALID, poll, None
    key = ballot_key(db, keys, poll, request.voter.user_id, create=True)
    if key is None:
        return VoteOutcome.UNAVAILABLE, poll, None
    if poll.secret:
        row = [poll.id, key, None, None, encode_choices(normalized), None]
    else:
        row = [poll.id, key, request.voter.user_id, request.voter.name, encode_choices(normalized), now]
    recorded: CastResult = (VoteOutcome.RECORDED, poll, normalized)
    closed: CastResult = (VoteOutcome.CLOSED, poll, None)
    return _Write((poll.id, key), index, UPSERT, row, lambda _cursor: recorded, closed)


def _check_removal(
    db: Database, keys: BallotKeys, poll: Poll | None, request: Removal, index: int
) -> RemovalResult | _Write:
    if poll is None or poll.guild_id != request.guild_id:
        return None, False
    if not poll.is_open:
        return poll, False
    key = ballot_key(db, keys, poll, request.voter.user_id, create=False)
    if key is None:
        return poll, None if store.ballot_count(db, poll.id) else False
    return _Write(
        (poll.id, key),
        index,
        DELETE,
        [poll.id, key],
        lambda cursor: (poll, cursor.rowcount > 0),
        (poll, False),
    )


def cast_vote(
    db: Database,
    keys: BallotKeys,
    poll_id: int,
    guild_id: int,
    voter: Voter,
    choices: Choices,
    member_role_ids: Sequence[int],
) -> CastResult:
    """Check and record one ballot (insert or replace this voter's), committed before returning."""
    result = write_ballots(db, keys, [Cast(poll_id, guild_id, voter, choices, tuple(member_role_ids))])[0]
    if isinstance(result, Exception):
        raise result
    return cast_result(result)


def remove_vote(db: Database, keys: BallotKeys, poll_id: int, guild_id: int, voter: Voter) -> RemovalResult:
    """Delete this voter's ballot while the poll is open: (poll, whether there was one — None: can't tell)."""
    result = write_ballots(db, keys, [Removal(poll_id, guild_id, voter)])[0]
    if isinstance(result, Exception):
        raise result
    return removal_result(result)
