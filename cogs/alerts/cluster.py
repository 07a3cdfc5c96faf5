"""Recognise the same story from another outlet: same URL, near-identical title, or same disclosure record."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz, process

from cogs.alerts.relevance import normalise

WINDOW = timedelta(hours=72)
TITLE_SIMILARITY = 88.0
_PUNCTUATION = re.compile(r"[^\w\s]+")
# "Title - Outlet" / "Title | Outlet" suffixes differ between outlets reporting the same story.
_OUTLET_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,40}$")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class RecentAlert:
    """An alert already posted in a server, as far as clustering needs to know it."""

    alert_id: int
    canonical_url: str | None
    title: str
    posted_at: datetime
    record_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    alert_id: int
    reason: str  # "url", "title" or "record"


def title_key(title: str) -> str:
    """The comparable form of a headline: NFKC, case-folded, no punctuation, no trailing outlet name."""
    text = _OUTLET_SUFFIX.sub("", title.strip())
    return " ".join(_PUNCTUATION.sub(" ", normalise(text)).split())


def find_cluster(
    *,
    canonical_url: str | None,
    title: str,
    record_titles: Iterable[str],
    seen_at: datetime,
    recent: Sequence[RecentAlert],
) -> Match | None:
    """The earliest alert within 72 h of ``seen_at`` that this item repeats, or ``None``."""
    return ClusterIndex(recent).find(
        canonical_url=canonical_url, title=title, record_titles=record_titles, seen_at=seen_at
    )


class ClusterIndex:
    """Recent alerts of one server indexed by URL, record title and title key, so each lookup is cheap."""

    def __init__(self, alerts: Iterable[RecentAlert] = ()) -> None:
        self._alerts: list[RecentAlert] = []
        self._keys: list[str] = []
        self._sorted_keys: list[str] = []  # tokens pre-sorted: token_sort_ratio without re-sorting per lookup
        self._by_url: dict[str, list[int]] = {}
        self._by_record: dict[str, list[int]] = {}
        for alert in sorted(alerts, key=lambda a: a.posted_at):
            self.add(alert)

    def add(self, alert: RecentAlert) -> None:
        index = len(self._alerts)
        self._alerts.append(alert)
        key = title_key(alert.title)
        self._keys.append(key)
        self._sorted_keys.append(_sorted_tokens(key))
        if alert.canonical_url:
            self._by_url.setdefault(alert.canonical_url, []).append(index)
        for record in alert.record_titles:
            if record:
                self._by_record.setdefault(normalise(record), []).append(index)

    def _within(self, index: int, seen_at: datetime) -> bool:
        return abs(seen_at - self._alerts[index].posted_at) <= WINDOW

    def find(
        self, *, canonical_url: str | None, title: str, record_titles: Iterable[str], seen_at: datetime
    ) -> Match | None:
        hits: list[tuple[int, str]] = []
        if canonical_url:
            hits += [(i, "url") for i in self._by_url.get(canonical_url, ()) if self._within(i, seen_at)]
        key = title_key(title)
        if key and len(key) >= 12 and self._keys:
            for _choice, _score, i in process.extract(
                _sorted_tokens(key),
                self._sorted_keys,
                scorer=fuzz.ratio,
                score_cutoff=TITLE_SIMILARITY,
                limit=8,
            ):
                if self._within(i, seen_at) and _similar_titles(key, self._keys[i]):
                    hits.append((i, "title"))
        for record in {normalise(r) for r in record_titles if r}:
            hits += [(i, "record") for i in self._by_record.get(record, ()) if self._within(i, seen_at)]
        if not hits:
            return None
        index, reason = min(hits, key=lambda hit: (hit[0], ("url", "title", "record").index(hit[1])))
        return Match(self._alerts[index].alert_id, reason)


def _sorted_tokens(key: str) -> str:
    """What ``fuzz.token_sort_ratio`` compares: the words in sorted order."""
    return " ".join(sorted(key.split()))


def _similar_titles(key: str, other: str) -> bool:
    """Near-identical wording, and the same numbers ("Episode 3" and "Episode 4" are different stories)."""
    if not key or not other or min(len(key), len(other)) < 12:
        return False
    if set(_NUMBER.findall(key)) != set(_NUMBER.findall(other)):
        return False
    return fuzz.token_sort_ratio(key, other) >= TITLE_SIMILARITY
