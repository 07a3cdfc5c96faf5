"""Secret ballots on real files: no order, no key to recompute the link after close, and a safe upgrade."""

from __future__ import annotations

import itertools
import sqlite3
import time
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from cogs.polls import ballot_box, secrecy, store
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.model import VoteOutcome, decode_choices, encode_choices
from cogs.polls.options import parse_options
from cogs.polls.tally import Method
from cogs.polls.voter_keys import legacy_voter_key, secret_voter_key
from tests.cogs.polls.store_support import GUILD, new_poll, vote, voter

OPTIONS = tuple(parse_options("A|B|C|D|E"))
# 20 members, each with a ballot nobody else cast, so a stored ballot names its voter's place in the queue
BALLOTS = [list(c) for n in (1, 2, 3) for c in itertools.combinations(range(5), n)][:20]
VOTERS = [900_000_000_000_000_000 + i for i in range(len(BALLOTS))]
POLL_SECRET = "old-poll-secret-" + "x" * 16


def secret_poll(db: Database) -> int:
    return new_poll(db, secret=True, options=OPTIONS, method=Method.MULTIPLE, max_choices=5)


def vote_in_order(db: Database, keys: BallotKeys, pid: int) -> None:
    for user, ballot in zip(VOTERS, BALLOTS, strict=True):
        assert vote(db, keys, pid, user, ballot) is VoteOutcome.RECORDED


def stored_order(db: Database, pid: int) -> list[list[int]]:
    """The ballots in the order the table itself gives them (no ORDER BY), as an export or dump would."""
    rows = db.execute("SELECT choices FROM ballots WHERE poll_id = ?", [pid])
    return [decode_choices(r[0]) for r in rows]  # type: ignore[misc]


def test_stored_order_does_not_follow_vote_order(db: Database, keys: BallotKeys) -> None:
    pid = secret_poll(db)
    vote_in_order(db, keys, pid)
    with pytest.raises(sqlite3.OperationalError):
        db.execute("SELECT rowid FROM ballots")  # no rowid to give away the order of first votes
    for phase in ("open", "closed"):
        order = stored_order(db, pid)
        assert sorted(map(tuple, order)) == sorted(map(tuple, BALLOTS))
        assert order not in (BALLOTS, BALLOTS[::-1])
        dumped = [line for line in db.conn.iterdump() if line.startswith('INSERT INTO "ballots"')]
        assert [next(b for b in BALLOTS if encode_choices(b) in line) for line in dumped] == order
        if phase == "open":
            assert store.close_poll(db, keys, pid, None)


def test_close_destroys_the_key_and_rewrites_every_ballot(
    db: Database, keys: BallotKeys, tmp_path: Path
) -> None:
    pid = secret_poll(db)
    vote_in_order(db, keys, pid)
    poll_key = keys.get(pid)
    assert poll_key is not None  # created with the first ballot
    assert store.get_ballot(db, keys, pid, voter(VOTERS[3])) == BALLOTS[3]  # while open: the member's own
    before = store.ballots(db, pid)
    assert store.close_poll(db, keys, pid, None)
    # Even someone who copied the key while the poll was open recomputes no stored key after close.
    stored = {r[0] for r in db.execute("SELECT voter_key FROM ballots WHERE poll_id = ?", [pid])}
    assert len(stored) == len(VOTERS)
    assert stored.isdisjoint(secret_voter_key(poll_key, pid, user) for user in VOTERS)
    assert keys.get(pid) is None and keys.poll_ids() == []
    assert poll_key not in (tmp_path / "polls-ballot-keys.db").read_bytes()
    assert not (tmp_path / "polls-ballot-keys.db-journal").exists()
    assert store.get_ballot(db, keys, pid, voter(VOTERS[3])) is None
    assert sorted(map(tuple, store.ballots(db, pid))) == sorted(map(tuple, before))  # nothing lost
    # The file itself: the write-ahead log is flushed, every ballot is stored once (the old cells were
    # zeroed), and the ballots' places in the file do not follow the order of votes either.
    assert (tmp_path / "polls.db-wal").stat().st_size == 0
    raw = (tmp_path / "polls.db").read_bytes()
    places = []
    for ballot in BALLOTS:
        found = [i for i in range(len(raw)) if raw.startswith(encode_choices(ballot).encode(), i)]
        assert len(found) == 1, ballot
        places.append(found[0])
    assert places not in (sorted(places), sorted(places, reverse=True))


def test_destroyed_keys_leave_the_key_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.db"
    keys = BallotKeys(path).open()
    made = {pid: keys.create(pid) for pid in (1, 2, 3)}
    assert keys.create(2) == made[2]  # one key per poll
    assert keys.destroy([2, 99]) == 1
    keys.close()
    raw = path.read_bytes()
    assert made[2] not in raw
    assert made[1] in raw and made[3] in raw  # the others are still there, so the check above can fail
    reopened = BallotKeys(path).open()
    assert reopened.get(2) is None and reopened.get(1) == made[1]
    reopened.close()


def test_a_lost_key_refuses_votes_instead_of_counting_twice(db: Database, keys: BallotKeys) -> None:
    pid = secret_poll(db)
    assert vote(db, keys, pid, 7, [0]) is VoteOutcome.RECORDED
    keys.destroy([pid])  # the key file was lost or restored from an older backup
    assert vote(db, keys, pid, 7, [1]) is VoteOutcome.UNAVAILABLE
    assert ballot_box.remove_vote(db, keys, pid, GUILD, voter(7))[1] is None
    assert store.ballots(db, pid) == [[0]]
    fresh = secret_poll(db)  # no ballots yet: a new key is safe
    assert vote(db, keys, fresh, 7, [1]) is VoteOutcome.RECORDED
    assert keys.get(fresh) is not None


def test_a_close_interrupted_before_the_key_is_destroyed_is_finished_at_start(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = BallotKeys(tmp_path / "keys.db").open()
    closing, staying = secret_poll(db), secret_poll(db)
    for pid in (closing, staying):
        vote(db, keys, pid, 7, [0])

    def crash(_: object) -> int:
        raise KeyboardInterrupt("the process stops here")

    monkeypatch.setattr(keys, "destroy", crash)
    with pytest.raises(KeyboardInterrupt):
        store.close_poll(db, keys, closing, None)
    assert not store.get_poll(db, closing).is_open  # type: ignore[union-attr]
    keys.close()
    restarted = BallotKeys(tmp_path / "keys.db").open()
    assert restarted.poll_ids() == [closing, staying]
    assert secrecy.forget_stale_keys(db, restarted) == [closing]
    assert restarted.poll_ids() == [staying]
    restarted.close()


def test_secret_polls_are_never_reopened_and_deleting_destroys_the_key(
    db: Database, keys: BallotKeys
) -> None:
    pid = secret_poll(db)
    vote(db, keys, pid, 7, [0])
    store.close_poll(db, keys, pid, None)
    assert not store.reopen_poll(db, pid, 1, time.time() + 3600)
    assert not store.get_poll(db, pid).is_open  # type: ignore[union-attr]
    other = secret_poll(db)
    vote(db, keys, other, 7, [0])
    assert store.delete_poll(db, keys, other, 1)
    assert keys.poll_ids() == []


def test_upgrade_keeps_secret_ballots_and_lets_open_polls_finish(tmp_path: Path) -> None:
    db = open_database(tmp_path / "old.db")
    store.migrations.apply(db, stop_before="0002_unordered_secret_ballots")
    closed, still_open, public = secret_poll(db), secret_poll(db), new_poll(db)
    db.execute("UPDATE polls SET state = 'closed' WHERE id = ?", [closed])
    old_rows = [
        (closed, legacy_voter_key(POLL_SECRET, closed, 1), None, None, "[0]", None),
        (closed, legacy_voter_key(POLL_SECRET, closed, 2), None, None, "[1, 2]", None),
        (still_open, legacy_voter_key(POLL_SECRET, still_open, 1), None, None, "[3]", None),
        (public, "u1", 1, "user1", "[2]", 1.0),
    ]
    with db.conn:
        db.conn.executemany("INSERT INTO ballots VALUES (?, ?, ?, ?, ?, ?)", old_rows)
    secrecy.enable_secure_delete(db)
    assert apply_migrations(db, store.migrations) == ["polls:0002_unordered_secret_ballots"]

    assert sorted(store.ballots(db, closed)) == [[0], [1, 2]]
    closed_keys = {r[0] for r in db.execute("SELECT voter_key FROM ballots WHERE poll_id = ?", [closed])}
    assert closed_keys.isdisjoint(legacy_voter_key(POLL_SECRET, closed, u) for u in (1, 2))
    assert [(r.user_id, r.choices) for r in store.public_ballots(db, public)] == [(1, [2])]
    assert secrecy.legacy_polls(db) == [still_open]

    without_secret = BallotKeys(None).open()  # POLL_SECRET removed too early: refuse, never count twice
    assert vote(db, without_secret, still_open, 1, [4]) is VoteOutcome.UNAVAILABLE
    keys = BallotKeys(tmp_path / "keys.db", legacy_secret=POLL_SECRET).open()
    assert vote(db, keys, still_open, 1, [4]) is VoteOutcome.RECORDED  # member 1 changes their vote
    assert vote(db, keys, still_open, 2, [0]) is VoteOutcome.RECORDED
    assert sorted(store.ballots(db, still_open)) == [[0], [4]]
    assert keys.poll_ids() == []  # these ballots are keyed under POLL_SECRET until close
    store.close_poll(db, keys, still_open, None)
    assert secrecy.legacy_polls(db) == []
    open_keys = {r[0] for r in db.execute("SELECT voter_key FROM ballots WHERE poll_id = ?", [still_open])}
    assert open_keys.isdisjoint(legacy_voter_key(POLL_SECRET, still_open, u) for u in (1, 2))
    keys.close()
    db.conn.close()


def test_a_key_destroyed_by_another_process_is_gone_here_too(tmp_path) -> None:
    from cogs.polls.ballot_keys import BallotKeys

    here, there = BallotKeys(tmp_path / "keys.db").open(), BallotKeys(tmp_path / "keys.db").open()
    key = here.create(7)
    assert there.get(7) == key and here.get(7) == key
    there.destroy([7])  # the other process closed the poll
    assert here.get(7) is None
    here.close()
    there.close()
