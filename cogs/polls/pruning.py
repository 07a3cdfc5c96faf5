"""What an edit that removes options does to the ballots already cast (pure).

A ballot loses the removed options and keeps the rest: a ranked ballot keeps its order without them, a
multiple-choice ballot keeps its other picks, a score ballot keeps its other scores. A ballot left with
nothing is deleted. The same rule serves the preview a moderator confirms and the write itself, so the poll
message, the results, the chart and every export agree afterwards.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from cogs.polls.model import Choices
from cogs.polls.options import Option


@dataclass(frozen=True)
class Impact:
    """How many ballots name a removed option: ``deleted`` are left empty, ``trimmed`` keep other choices."""

    deleted: int = 0
    trimmed: int = 0

    @property
    def affected(self) -> int:
        return self.deleted + self.trimmed


def removed_options(old: Sequence[Option], new: Sequence[Option]) -> list[Option]:
    """The options of ``old`` that ``new`` no longer has (matched by id; a renamed label keeps its id only
    when :func:`~cogs.polls.options.reconcile` matched it)."""
    kept = {o.id for o in new}
    return [o for o in old if o.id not in kept]


def prune(choices: Choices, removed: Collection[int]) -> Choices | None:
    """The ballot without the removed options (order kept); ``None`` when nothing is left."""
    if isinstance(choices, Mapping):
        scores = {o: v for o, v in choices.items() if o not in removed}
        return scores or None
    kept = [o for o in choices if o not in removed]
    return kept or None


def touches(choices: Choices, removed: Collection[int]) -> bool:
    return any(o in removed for o in choices)


def impact_of(ballots: Iterable[Choices], removed: Collection[int]) -> Impact:
    """Count the ballots that name a removed option, and how many of them would be left empty."""
    deleted = trimmed = 0
    for choices in ballots:
        if not touches(choices, removed):
            continue
        if prune(choices, removed) is None:
            deleted += 1
        else:
            trimmed += 1
    return Impact(deleted, trimmed)
