"""A poll as the rest of the cog sees it, and how ballots are checked and encoded (pure)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cogs.polls.options import Option
from cogs.polls.tally import MAX_SCORE, Method, RunoffResult, Totals, count

Choices = list[int] | dict[int, int]


class State(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class VoteOutcome(StrEnum):
    """What happened to a vote (the cog maps each to a reply)."""

    RECORDED = "recorded"
    NOT_FOUND = "not_found"
    CLOSED = "closed"
    NOT_ELIGIBLE = "not_eligible"
    INVALID = "invalid"
    UNAVAILABLE = "unavailable"  # a secret poll whose voters can no longer be recognised (key file lost)


@dataclass(frozen=True)
class PollSettings:
    """What a poll is created with: where it is, what it asks, how it is voted on and closed, and by whom."""

    guild_id: int
    channel_id: int
    question: str
    options: tuple[Option, ...]
    method: Method
    max_choices: int
    secret: bool
    hidden: bool
    eligible_role_id: int | None
    ping_role_id: int | None
    closes_at: float
    created_by: int


@dataclass(frozen=True)
class Poll(PollSettings):
    """One poll row with its options decoded."""

    id: int
    message_id: int | None
    state: State
    created_at: float
    closed_at: float | None = None

    @property
    def is_open(self) -> bool:
        return self.state is State.OPEN

    @property
    def option_ids(self) -> tuple[int, ...]:
        return tuple(o.id for o in self.options)

    def label(self, option_id: int) -> str:
        return next((o.label for o in self.options if o.id == option_id), "?")

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Poll:
        options = tuple(Option(int(o["id"]), str(o["label"])) for o in json.loads(row["options"]))
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            question=row["question"],
            options=options,
            method=Method(row["method"]),
            max_choices=min(row["max_choices"] or len(options), len(options)),
            secret=bool(row["secret"]),
            hidden=bool(row["hidden"]),
            eligible_role_id=row["eligible_role_id"],
            ping_role_id=row["ping_role_id"],
            closes_at=row["closes_at"],
            state=State(row["state"]),
            created_by=row["created_by"],
            created_at=row["created_at"],
            closed_at=row["closed_at"],
        )


@dataclass(frozen=True)
class EditNote:
    """One edit as the poll message shows it: the moderator's note and the labels of removed options."""

    note: str
    removed: tuple[str, ...] = ()


def encode_options(options: Sequence[Option]) -> str:
    return json.dumps([{"id": o.id, "label": o.label} for o in options], ensure_ascii=False)


def normalize_choices(poll: Poll, choices: Choices) -> Choices | None:
    """The ballot in canonical form, or ``None`` when it is not valid for this poll's method."""
    known = set(poll.option_ids)
    if poll.method is Method.SCORE:
        if not isinstance(choices, Mapping) or set(choices) != known:
            return None
        if any(not isinstance(v, int) or not 0 <= v <= MAX_SCORE for v in choices.values()):
            return None
        return {o: int(choices[o]) for o in poll.option_ids}
    if isinstance(choices, Mapping):
        return None
    picked = list(choices)
    if not picked or len(set(picked)) != len(picked) or not set(picked) <= known:
        return None
    if poll.method is Method.SINGLE and len(picked) != 1:
        return None
    if poll.method is Method.MULTIPLE:
        if len(picked) > poll.max_choices:
            return None
        return sorted(picked, key=poll.option_ids.index)
    return picked


def encode_choices(choices: Choices) -> str:
    if isinstance(choices, Mapping):
        return json.dumps({str(k): v for k, v in choices.items()})
    return json.dumps(list(choices))


def decode_choices(text: str) -> Choices:
    value = json.loads(text)
    if isinstance(value, dict):
        return {int(k): int(v) for k, v in value.items()}
    return [int(v) for v in value]


def tally(poll: Poll, ballots: Sequence[Choices]) -> Totals | RunoffResult:
    """Count this poll's ballots with its method."""
    return count(poll.method, poll.option_ids, ballots, max_choices=poll.max_choices)


def known_choices(poll: Poll, choices: Choices) -> Choices:
    """The ballot without options the poll no longer has (as the tally reads it; edits since remove them)."""
    known = set(poll.option_ids)
    if isinstance(choices, Mapping):
        return {o: v for o, v in choices.items() if o in known}
    return [o for o in choices if o in known]


def describe_choices(poll: Poll, choices: Choices) -> str:
    """A member's ballot in words: "A", "A, B", "1. A → 2. B" or "A: 5, B: 3" (only options the poll has)."""
    choices = known_choices(poll, choices)
    if isinstance(choices, Mapping):
        return ", ".join(f"{poll.label(o)}: {v}" for o, v in choices.items())
    if poll.method is Method.RANKED:
        return " → ".join(f"{i}. {poll.label(o)}" for i, o in enumerate(choices, 1))
    return ", ".join(poll.label(o) for o in choices)
