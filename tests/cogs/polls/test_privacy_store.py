"""Forgetting a voter: out of open polls (secret ones through the poll's key), anonymised in closed public
polls (still counted, and exported), untouched in closed secret polls; a server's polls purged with their keys."""

from __future__ import annotations

import csv
import io
import time

from sqlite_utils import Database

from bot.retention import AUDIT_ID_DAYS, DAY
from cogs.polls import privacy, store
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.export import public_csv
from cogs.polls.model import tally
from tests.cogs.polls.store_support import GUILD, new_poll, vote
from tests.cogs.privacy.scan import traces

MEMBER = 1_300_000_000_000_000_001
OTHER = 1_300_000_000_000_000_002
MOD = 1_300_000_000_000_000_003


def test_a_voter_leaves_open_polls_and_is_anonymised_in_closed_ones(db: Database, keys: BallotKeys) -> None:
    open_public = new_poll(db)
    closed_public = new_poll(db)
    open_secret = new_poll(db, secret=True)
    closed_secret = new_poll(db, secret=True)
    for poll_id in (open_public, closed_public, open_secret, closed_secret):
        vote(db, keys, poll_id, MEMBER, [0])
        vote(db, keys, poll_id, OTHER, [1])
    for poll_id in (closed_public, closed_secret):
        store.close_poll(db, keys, poll_id, None)
    found = privacy.summary(db, keys, MEMBER)
    assert (found["open_count"], found["closed_count"], found["secret_open"]) == (1, 1, 1)
    assert [poll_id for poll_id, _ in found["open"]] == [open_public]
    closed_before = tally(store.get_poll(db, closed_public), store.ballots(db, closed_public))

    done = privacy.forget_voter(db, keys, MEMBER)

    assert sorted(done.removed) == [open_public, open_secret] and done.anonymised == 1
    assert store.ballot_count(db, open_public) == store.ballot_count(db, open_secret) == 1
    assert store.ballot_count(db, closed_secret) == 2  # sealed at close: nothing links to anyone
    poll = store.get_poll(db, closed_public)
    assert tally(poll, store.ballots(db, closed_public)).totals == closed_before.totals
    rows = list(csv.reader(io.StringIO(public_csv(poll, store.public_ballots(db, closed_public)))))
    assert len(rows) == 1 + 2  # the export still lists every counted ballot
    assert rows[1][0] == str(OTHER) and rows[2] == ["", "", "Yes", ""]
    assert traces(db.conn, MEMBER) == [] and traces(keys.conn, MEMBER) == []
    assert privacy.summary(db, keys, MEMBER) == {
        "open": [],
        "open_count": 0,
        "closed_count": 0,
        "secret_open": 0,
        "managed": 0,
    }
    assert vote(db, keys, open_secret, OTHER, [2]).value == "recorded"  # the others still change theirs


def test_creators_and_moderators_are_forgotten_and_expire(db: Database, keys: BallotKeys) -> None:
    poll_id = new_poll(db, created_by=MOD)
    store.close_poll(db, keys, poll_id, MOD)
    assert privacy.summary(db, keys, MOD)["managed"] == 3  # created_by, the create and close entries
    assert privacy.forget_voter(db, keys, MOD).counts()["polls.privacy.managed"] == 3
    assert traces(db.conn, MOD) == []
    assert store.get_poll(db, poll_id).created_by == privacy.FORGOTTEN

    other = new_poll(db, created_by=OTHER)
    assert privacy.apply_retention(db, time.time()) == {"polls.privacy.managed": 0}
    later = time.time() + (AUDIT_ID_DAYS + 1) * DAY
    assert privacy.apply_retention(db, later) == {"polls.privacy.managed": 2}
    assert store.get_poll(db, other).created_by == privacy.FORGOTTEN and traces(db.conn, OTHER) == []


def test_a_servers_polls_are_purged_with_their_keys(db: Database, keys: BallotKeys) -> None:
    secret = new_poll(db, secret=True)
    public = new_poll(db)
    elsewhere = new_poll(db, guild_id=GUILD + 1)
    for poll_id in (secret, public):
        vote(db, keys, poll_id, MEMBER, [0])
    vote(db, keys, elsewhere, MEMBER, [0], guild=GUILD + 1)
    assert keys.get(secret) is not None

    assert privacy.forget_server(db, keys, GUILD) == {"polls.privacy.polls": 2, "polls.privacy.ballots": 2}

    assert keys.get(secret) is None and store.get_poll(db, public) is None
    assert db.execute("SELECT count(*) FROM poll_audit WHERE guild_id = ?", [GUILD]).fetchone()[0] == 0
    assert store.ballot_count(db, elsewhere) == 1
