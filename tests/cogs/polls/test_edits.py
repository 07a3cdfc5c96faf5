"""Editing a poll's options on a real SQLite file: ballots lose removed options (or go), all views agree."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from cogs.polls import edit_store, store
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.edit_store import EditOutcome
from cogs.polls.export import public_csv, tally_csv
from cogs.polls.model import describe_choices, tally
from cogs.polls.options import parse_options, reconcile
from cogs.polls.pruning import Impact, prune
from cogs.polls.tally import Method
from tests.cogs.polls.store_support import new_poll, vote

APPS = tuple(parse_options("Krita|Paper|Clip Studio"))  # ids 0, 1, 2
KRITA, PAPER, CLIP = 0, 1, 2


def edit(db: Database, pid: int, options: str, *, confirmed: bool = True) -> edit_store.EditResult:
    poll = store.get_poll(db, pid)
    assert poll is not None
    new = reconcile(list(poll.options), options)
    return edit_store.edit_poll(
        db, pid, 1, poll.question, new, "apps changed", expected=poll.options, confirmed=confirmed
    )


@pytest.mark.parametrize(
    ("method", "ballots", "after", "impact"),
    [
        (Method.SINGLE, [[KRITA], [PAPER], [CLIP]], [[CLIP]], Impact(deleted=2)),
        (Method.MULTIPLE, [[KRITA, CLIP], [PAPER], [CLIP]], [[CLIP], [CLIP]], Impact(deleted=1, trimmed=1)),
        (
            Method.RANKED,
            [[PAPER, CLIP, KRITA], [KRITA, PAPER], [CLIP]],
            [[CLIP], [CLIP]],
            Impact(deleted=1, trimmed=1),
        ),
        (
            Method.SCORE,
            [{KRITA: 5, PAPER: 0, CLIP: 2}, {KRITA: 1, PAPER: 1, CLIP: 4}],
            [{CLIP: 2}, {CLIP: 4}],
            Impact(trimmed=2),
        ),
    ],
)
def test_removed_options_leave_every_ballot(
    db: Database, keys: BallotKeys, method: Method, ballots: list, after: list, impact: Impact
) -> None:
    pid = new_poll(db, options=APPS, method=method, max_choices=3)
    for user, choices in enumerate(ballots, 1):
        assert vote(db, keys, pid, user, choices).value == "recorded"
    preview = edit_store.preview_edit(db, pid, reconcile(list(APPS), "Clip Studio|Procreate"))
    assert preview[1] == impact  # what the moderator is asked to confirm is what happens
    result = edit(db, pid, "Clip Studio|Procreate")
    assert result.outcome is EditOutcome.DONE
    assert result.removed == ("Krita", "Paper") and result.impact == impact
    assert sorted(store.ballots(db, pid), key=str) == sorted(after, key=str)
    poll = store.get_poll(db, pid)
    assert poll is not None and [o.label for o in poll.options] == ["Clip Studio", "Procreate"]
    # The results, the tally export and the public export count the same ballots, and never say "?".
    result_now = tally(poll, store.ballots(db, pid))
    assert result_now.ballots == len(after)
    rows = store.public_ballots(db, pid)
    exported = public_csv(poll, rows)
    assert "?" not in exported and "Krita" not in exported and "Paper" not in exported
    assert len(exported.strip().splitlines()) == 1 + len(after)
    assert tally_csv(poll, result_now).strip().splitlines()[-1] == f"(ballots),{len(after)}"
    audit = store.audit_log(db, pid)[-1]
    assert audit["action"] == "edit"
    assert audit["detail"]["removed_options"] == ["Krita", "Paper"]
    assert (audit["detail"]["ballots_deleted"], audit["detail"]["ballots_trimmed"]) == (
        impact.deleted,
        impact.trimmed,
    )


def test_nothing_is_written_without_a_confirmation_or_after_a_concurrent_edit(
    db: Database, keys: BallotKeys
) -> None:
    pid = new_poll(db, options=APPS)
    vote(db, keys, pid, 7, [KRITA])
    assert edit(db, pid, "Clip Studio|Procreate", confirmed=False).outcome is EditOutcome.CHANGED
    stale = store.get_poll(db, pid)
    assert stale is not None
    assert edit(db, pid, "Krita|Clip Studio").outcome is EditOutcome.DONE  # another moderator, first
    late = edit_store.edit_poll(
        db, pid, 2, "Q", list(APPS[:2]), "mine", expected=stale.options, confirmed=True
    )
    assert late.outcome is EditOutcome.CHANGED
    assert store.ballots(db, pid) == [[KRITA]]
    assert [e["action"] for e in store.audit_log(db, pid)] == ["create", "edit"]
    # Removing an option nobody chose needs no confirmation.
    assert edit(db, pid, "Krita|Procreate", confirmed=False).outcome is EditOutcome.DONE


def test_an_open_secret_poll_with_ballots_keeps_its_options(db: Database, keys: BallotKeys) -> None:
    pid = new_poll(db, options=APPS, secret=True)
    assert edit(db, pid, "Krita|Paper").outcome is EditOutcome.DONE  # no ballots yet: nothing to reveal
    vote(db, keys, pid, 7, [PAPER])
    before = db.execute("SELECT voter_key, choices FROM ballots").fetchall()
    # Refused whether or not anyone chose the option, so the answer says nothing about the ballots.
    for options in ("Krita|Procreate", "Paper|Procreate"):
        assert edit(db, pid, options).outcome is EditOutcome.SECRET_OPEN
        poll = store.get_poll(db, pid)
        assert poll is not None
        preview = edit_store.preview_edit(db, pid, reconcile(list(poll.options), options))
        assert preview[1] == Impact() and preview[2] == 1  # no count: the turnout only
    assert db.execute("SELECT voter_key, choices FROM ballots").fetchall() == before
    assert edit(db, pid, "Krita|Paper|Procreate").outcome is EditOutcome.DONE  # adding is fine
    assert store.close_poll(db, keys, pid, 1)
    closed = edit(db, pid, "Krita|Procreate")  # after close the tallies are public: counts are fine
    assert closed.outcome is EditOutcome.DONE and closed.impact == Impact(deleted=1)
    assert store.ballots(db, pid) == []


def test_ballots_from_before_this_rule_show_no_question_marks(db: Database, keys: BallotKeys) -> None:
    pid = new_poll(db, options=APPS, method=Method.MULTIPLE, max_choices=3)
    vote(db, keys, pid, 7, [KRITA, CLIP])
    vote(db, keys, pid, 8, [PAPER])
    db.execute("UPDATE polls SET options = ? WHERE id = ?", ['[{"id": 2, "label": "Clip Studio"}]', pid])
    poll = store.get_poll(db, pid)
    assert poll is not None
    rows = store.public_ballots(db, pid)
    assert [describe_choices(poll, r.choices) for r in rows] == ["Clip Studio", ""]
    exported = public_csv(poll, rows)
    assert "?" not in exported and len(exported.strip().splitlines()) == 2  # header + the ballot that counts
    assert tally(poll, store.ballots(db, pid)).ballots == 1


def test_prune_keeps_order_and_drops_empty_ballots() -> None:
    assert prune([2, 0, 1], {0}) == [2, 1]
    assert prune([0], {0}) is None
    assert prune({0: 3, 1: 0}, {0}) == {1: 0}
    assert prune({0: 3}, {0}) is None
