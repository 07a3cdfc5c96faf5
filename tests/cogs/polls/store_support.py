"""Helpers the polls store tests share: a poll with sensible defaults, and a vote by user number."""

from __future__ import annotations

import time
from typing import Any

from sqlite_utils import Database

from cogs.polls import ballot_box, store
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.model import VoteOutcome
from cogs.polls.options import parse_options
from cogs.polls.tally import Method
from cogs.polls.voter_keys import Voter

GUILD = 111
ROLE = 999


def new_poll(db: Database, **overrides: Any) -> int:
    fields: dict[str, Any] = {
        "guild_id": GUILD,
        "channel_id": 5,
        "question": "Ban AI art?",
        "options": tuple(parse_options("Yes|No|Abstain")),
        "method": Method.SINGLE,
        "max_choices": 1,
        "secret": False,
        "hidden": False,
        "eligible_role_id": None,
        "ping_role_id": None,
        "closes_at": time.time() + 3600,
        "created_by": 1,
    }
    fields.update(overrides)
    return store.create_poll(db, store.NewPoll(**fields))


def vote(
    db: Database, keys: BallotKeys, poll_id: int, user: int, choices: Any, *, roles=(), guild=GUILD
) -> VoteOutcome:
    return ballot_box.cast_vote(db, keys, poll_id, guild, voter(user), choices, list(roles))[0]


def voter(user: int) -> Voter:
    return Voter(user, f"user{user}")
