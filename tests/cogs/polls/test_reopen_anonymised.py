"""A closed public poll holding a ballot anonymised by ``/privacy delete`` is never reopened: its member would
not be recognised and could vote again beside the ballot that still counts for them (as for secret polls)."""

from __future__ import annotations

import time

import pytest
from sqlite_utils import Database

from cogs.polls import privacy, store
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.model import VoteOutcome
from tests.cogs.polls.store_support import new_poll, vote

MEMBER = 1_300_000_000_000_000_001
OTHER = 1_300_000_000_000_000_002
MOD = 1_300_000_000_000_000_003


def later() -> float:
    return time.time() + 3600


def test_a_poll_with_an_anonymised_ballot_stays_closed(db: Database, keys: BallotKeys) -> None:
    poll_id = new_poll(db)
    vote(db, keys, poll_id, MEMBER, [0])
    vote(db, keys, poll_id, OTHER, [1])
    store.close_poll(db, keys, poll_id, MOD)
    assert store.anonymised_ballots(db, poll_id) == 0
    assert privacy.forget_voter(db, keys, MEMBER).anonymised == 1
    assert store.anonymised_ballots(db, poll_id) == 1

    with pytest.raises(store.AnonymisedBallots):
        store.reopen_poll(db, poll_id, MOD, later())

    poll = store.get_poll(db, poll_id)
    assert poll is not None and not poll.is_open and poll.closed_at is not None
    assert [e["action"] for e in store.audit_log(db, poll_id)] == ["create", "close"]  # nothing was written
    assert vote(db, keys, poll_id, MEMBER, [0]) is VoteOutcome.CLOSED  # no second ballot from the member
    assert sorted(store.ballots(db, poll_id)) == [[0], [1]]  # the anonymised ballot still counts


def test_a_poll_left_while_open_or_never_anonymised_reopens(db: Database, keys: BallotKeys) -> None:
    left_while_open = new_poll(db)
    vote(db, keys, left_while_open, MEMBER, [0])
    vote(db, keys, left_while_open, OTHER, [1])
    assert privacy.forget_voter(db, keys, MEMBER).removed == [left_while_open]  # removed, not anonymised
    store.close_poll(db, keys, left_while_open, MOD)
    untouched = new_poll(db)
    vote(db, keys, untouched, OTHER, [2])
    store.close_poll(db, keys, untouched, MOD)

    for poll_id in (left_while_open, untouched):
        assert store.anonymised_ballots(db, poll_id) == 0
        assert store.reopen_poll(db, poll_id, MOD, later())
    assert vote(db, keys, left_while_open, MEMBER, [1]) is VoteOutcome.RECORDED  # their one ballot
    assert sorted(store.ballots(db, left_while_open)) == [[1], [1]]


def test_an_open_or_secret_poll_is_not_a_reopen_refused_for_anonymity(db: Database, keys: BallotKeys) -> None:
    """Only a closed public poll can be reopened at all: the others answer False as before, whatever they hold."""
    still_open = new_poll(db)
    vote(db, keys, still_open, OTHER, [0])
    assert not store.reopen_poll(db, still_open, MOD, later())
    secret = new_poll(db, secret=True)
    vote(db, keys, secret, OTHER, [0])
    store.close_poll(db, keys, secret, MOD)  # sealed: no ballot names anyone, by design
    assert store.anonymised_ballots(db, secret) == 0
    assert not store.reopen_poll(db, secret, MOD, later())
    assert not store.reopen_poll(db, 999, MOD, later())
