"""Ballot writes in batches: one transaction per batch, a result per request, and a bad write failing alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.db import open_database
from cogs.polls import ballot_box, store
from cogs.polls.ballot_box import Cast, Removal, write_ballots
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.model import VoteOutcome
from cogs.polls.tally import Method
from tests.cogs.polls.store_support import GUILD, ROLE, new_poll, voter


def cast(poll_id: int, user: int, choices, *, roles=(), guild=GUILD) -> Cast:
    return Cast(poll_id, guild, voter(user), choices, tuple(roles))


def outcomes(results) -> list:
    return [r if isinstance(r, Exception) else r[0] for r in results]


def test_each_request_gets_its_own_outcome_and_only_accepted_ballots_are_stored(
    db: Database, keys: BallotKeys
) -> None:
    open_poll, closed_poll = new_poll(db), new_poll(db)
    members_only = new_poll(db, eligible_role_id=ROLE)
    assert store.close_poll(db, keys, closed_poll, None)
    results = write_ballots(
        db,
        keys,
        [
            cast(open_poll, 1, [0]),
            cast(closed_poll, 2, [0]),
            cast(members_only, 3, [1]),
            cast(members_only, 4, [1], roles=[ROLE]),
            cast(open_poll, 5, [9]),
            cast(open_poll, 6, [2], guild=222),
            cast(999, 7, [0]),
            cast(open_poll, 8, [2]),
        ],
    )
    assert outcomes(results) == [
        VoteOutcome.RECORDED,
        VoteOutcome.CLOSED,
        VoteOutcome.NOT_ELIGIBLE,
        VoteOutcome.RECORDED,
        VoteOutcome.INVALID,
        VoteOutcome.NOT_FOUND,
        VoteOutcome.NOT_FOUND,
        VoteOutcome.RECORDED,
    ]
    assert results[0][2] == [0] and results[3][2] == [1]  # the ballot as stored, for the receipt
    assert sorted(store.ballots(db, open_poll)) == [[0], [2]]
    assert store.ballots(db, members_only) == [[1]]
    assert store.ballots(db, closed_poll) == []


def test_a_members_clicks_in_one_batch_apply_in_order(db: Database, keys: BallotKeys) -> None:
    pid = new_poll(db)
    results = write_ballots(
        db,
        keys,
        [
            cast(pid, 7, [0]),
            Removal(pid, GUILD, voter(7)),
            Removal(pid, GUILD, voter(7)),
            cast(pid, 7, [1]),
            cast(pid, 8, [2]),
            cast(pid, 7, [2]),
        ],
    )
    assert [r[1] for r in results[1:3]] == [True, False]  # the first removal found the vote cast just before
    assert store.get_ballot(db, keys, pid, voter(7)) == [2]  # the member's last click wins
    assert sorted(store.ballots(db, pid)) == [[2], [2]]


def test_the_whole_batch_is_one_transaction(db: Database, keys: BallotKeys) -> None:
    pid = new_poll(db)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    write_ballots(db, keys, [cast(pid, user, [user % 3]) for user in range(1, 51)])
    db.conn.set_trace_callback(None)
    assert [s for s in statements if s.split()[0] in ("BEGIN", "COMMIT")] == ["BEGIN IMMEDIATE", "COMMIT"]
    assert store.ballot_count(db, pid) == 50


def test_a_vote_never_lands_on_a_poll_another_process_closed_meanwhile(
    db: Database, keys: BallotKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process (a second shard range on the same file) closes the poll after the vote was checked and
    before it is written: checked again under the write lock, the vote is answered "closed" and not stored."""
    pid = new_poll(db)
    checked = ballot_box._check_cast

    def check_then_close_elsewhere(*args: Any, **kwargs: Any) -> Any:
        result = checked(*args, **kwargs)
        other = open_database(tmp_path / "polls.db")
        with other.conn:
            other.execute("UPDATE polls SET state = 'closed' WHERE id = ?", [pid])
        other.conn.close()
        return result

    monkeypatch.setattr(ballot_box, "_check_cast", check_then_close_elsewhere)
    [result] = write_ballots(db, keys, [cast(pid, 7, [0])])
    assert outcomes([result]) == [VoteOutcome.CLOSED]
    assert store.ballot_count(db, pid) == 0


def test_a_write_that_fails_fails_alone(db: Database, keys: BallotKeys) -> None:
    pid = new_poll(db)
    db.execute(
        """CREATE TRIGGER refuse_one BEFORE INSERT ON ballots WHEN NEW.user_id = 13
           BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"""
    )
    results = write_ballots(db, keys, [cast(pid, 12, [0]), cast(pid, 13, [1]), cast(pid, 14, [2])])
    assert isinstance(results[1], sqlite3.IntegrityError)
    assert outcomes([results[0], results[2]]) == [VoteOutcome.RECORDED, VoteOutcome.RECORDED]
    assert sorted(store.ballots(db, pid)) == [[0], [2]]
    assert store.get_ballot(db, keys, pid, voter(13)) is None


def test_secret_ballots_in_a_batch_carry_no_member_and_no_time(
    db: Database, keys: BallotKeys, tmp_path: Path
) -> None:
    pid = new_poll(db, secret=True, method=Method.MULTIPLE, max_choices=3)
    users = [717171717171717171 + n for n in range(12)]
    results = write_ballots(db, keys, [cast(pid, user, [n % 3]) for n, user in enumerate(users)])
    assert set(outcomes(results)) == {VoteOutcome.RECORDED}
    assert keys.poll_ids() == [pid]  # one key, made with the poll's first ballot
    rows = db.execute("SELECT user_id, user_name, voted_at FROM ballots WHERE poll_id = ?", [pid]).fetchall()
    assert set(rows) == {(None, None, None)} and len(rows) == len(users)
    assert store.get_ballot(db, keys, pid, voter(users[4])) == [1]
    db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    raw = (tmp_path / "polls.db").read_bytes()
    assert not any(str(user).encode() in raw for user in users)
