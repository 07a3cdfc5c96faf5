"""The poll store on a real SQLite file: votes, state changes, audit, and secret ballots leaving no trace."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from cogs.polls import ballot_box, edit_store, store
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.edit_store import EditOutcome
from cogs.polls.model import EditNote, State, VoteOutcome
from cogs.polls.tally import Method
from tests.cogs.polls.store_support import GUILD, ROLE, new_poll, vote, voter


def test_migrations_apply_once(tmp_path: Path) -> None:
    database = open_database(tmp_path / "x.db")
    assert apply_migrations(database, store.migrations)
    assert apply_migrations(database, store.migrations) == []


def test_vote_upserts_one_ballot_per_member(db: Database, keys: BallotKeys) -> None:
    pid = new_poll(db)
    assert vote(db, keys, pid, 7, [0]) is VoteOutcome.RECORDED
    assert vote(db, keys, pid, 7, [1]) is VoteOutcome.RECORDED
    assert vote(db, keys, pid, 8, [1]) is VoteOutcome.RECORDED
    assert sorted(store.ballots(db, pid)) == [[1], [1]]
    assert store.get_ballot(db, keys, pid, voter(7)) == [1]
    assert ballot_box.remove_vote(db, keys, pid, GUILD, voter(7))[1]
    assert not ballot_box.remove_vote(db, keys, pid, GUILD, voter(7))[1]
    assert store.ballot_count(db, pid) == 1


def test_a_removal_from_another_server_finds_no_poll_and_removes_nothing(
    db: Database, keys: BallotKeys
) -> None:
    pid = new_poll(db)
    assert vote(db, keys, pid, 7, [0]) is VoteOutcome.RECORDED
    assert ballot_box.remove_vote(db, keys, pid, GUILD + 1, voter(7)) == (None, False)
    assert store.get_ballot(db, keys, pid, voter(7)) == [0]  # the ballot in its own server is untouched


def test_committed_before_return(db: Database, keys: BallotKeys, tmp_path: Path) -> None:
    pid = new_poll(db)
    vote(db, keys, pid, 7, [2])
    other = Database(tmp_path / "polls.db")  # a second connection sees the ballot at once
    assert other.execute("SELECT count(*) FROM ballots").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("method", "max_choices", "choices"),
    [
        (Method.SINGLE, 1, [0, 1]),
        (Method.SINGLE, 1, [7]),
        (Method.SINGLE, 1, []),
        (Method.MULTIPLE, 2, [0, 1, 2]),
        (Method.RANKED, 3, [0, 0]),
        (Method.SCORE, 3, {0: 5, 1: 6, 2: 0}),
        (Method.SCORE, 3, {0: 5}),
    ],
)
def test_invalid_ballots_are_rejected(
    db: Database, keys: BallotKeys, method: Method, max_choices: int, choices
) -> None:
    pid = new_poll(db, method=method, max_choices=max_choices)
    assert vote(db, keys, pid, 7, choices) is VoteOutcome.INVALID
    assert store.ballot_count(db, pid) == 0


def test_closed_other_guild_and_eligibility(db: Database, keys: BallotKeys) -> None:
    pid = new_poll(db, eligible_role_id=ROLE)
    assert vote(db, keys, pid, 7, [0], guild=222) is VoteOutcome.NOT_FOUND
    assert vote(db, keys, pid, 7, [0]) is VoteOutcome.NOT_ELIGIBLE
    assert vote(db, keys, pid, 7, [0], roles=[ROLE]) is VoteOutcome.RECORDED
    assert store.close_poll(db, keys, pid, None)
    assert not store.close_poll(db, keys, pid, None)
    assert vote(db, keys, pid, 8, [0], roles=[ROLE]) is VoteOutcome.CLOSED
    assert not ballot_box.remove_vote(db, keys, pid, GUILD, voter(7))[1]
    assert store.get_guild_poll(db, 222, pid) is None
    assert store.reopen_poll(db, pid, 1, time.time() + 60)
    assert store.get_poll(db, pid).state is State.OPEN  # type: ignore[union-attr]


def test_expired_deadline_refuses_votes(db: Database, keys: BallotKeys) -> None:
    pid = new_poll(db, closes_at=time.time() - 1)
    assert vote(db, keys, pid, 7, [0]) is VoteOutcome.CLOSED
    assert store.due_polls(db, time.time()) == [pid]


def test_edit_is_audited_and_deadlines(db: Database, keys: BallotKeys) -> None:
    pid = new_poll(db)
    poll = store.get_poll(db, pid)
    assert poll is not None
    edited = edit_store.edit_poll(
        db, pid, 1, "New question?", poll.options[:2], "typo fixed", expected=poll.options
    )
    assert edited.outcome is EditOutcome.DONE and edited.removed == ("Abstain",)
    assert edit_store.edit_notes(db, pid) == [EditNote("typo fixed", ("Abstain",))]
    assert [e["action"] for e in store.audit_log(db, pid)] == ["create", "edit"]
    later = time.time() + 7200
    assert store.extend_poll(db, pid, 1, later)
    assert store.next_deadline(db) == pytest.approx(later)
    assert [p.id for p in store.open_polls(db, GUILD)] == [pid]
    assert store.delete_poll(db, keys, pid, 1)
    assert store.get_poll(db, pid) is None
    assert store.audit_log(db, pid)[-1]["action"] == "delete"


def test_secret_ballot_leaves_no_user_link_in_the_database(
    db: Database, keys: BallotKeys, tmp_path: Path
) -> None:
    pid = new_poll(db, secret=True, method=Method.RANKED, max_choices=3)
    voters = {424242424242424242: [0, 1], 535353535353535353: [2], 646464646464646464: [1, 2, 0]}
    for user, choices in voters.items():
        assert vote(db, keys, pid, user, choices) is VoteOutcome.RECORDED
    assert vote(db, keys, pid, 424242424242424242, [2, 0]) is VoteOutcome.RECORDED  # changed vote
    assert store.ballot_count(db, pid) == 3
    assert store.get_ballot(db, keys, pid, voter(424242424242424242)) == [2, 0]  # the member sees their own
    assert store.public_ballots(db, pid) == []
    db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    dump = "\n".join(db.conn.iterdump())
    raw = (tmp_path / "polls.db").read_bytes()
    for user in voters:
        assert str(user) not in dump
        assert f"user{user}" not in dump
        assert str(user).encode() not in raw
        assert user.to_bytes(8, "big", signed=True) not in raw
    row = db.execute("SELECT user_id, user_name, voted_at FROM ballots").fetchall()
    assert set(row) == {(None, None, None)}


def test_public_export_rows(db: Database, keys: BallotKeys) -> None:
    pid = new_poll(db, method=Method.MULTIPLE, max_choices=2)
    vote(db, keys, pid, 7, [2, 0])
    rows = store.public_ballots(db, pid)
    assert [(r.user_id, r.user_name, r.choices) for r in rows] == [(7, "user7", [0, 2])]
