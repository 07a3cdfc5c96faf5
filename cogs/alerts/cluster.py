"""Recognise the same story from another outlet: same URL, near-identical title, or the same disclosure
record *and* evidence of the same event (a moderately similar title, or the same story on the same site).

A record alone is not enough: a franchise (One Piece, Call of Duty, Fortnite…) is in many different stories
in a week, and "animator denies AI use in episode 1149" after "Toei announces generative-AI plans" is news of
its own, not another outlet's copy of the first."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from rapidfuzz import fuzz, process

from cogs.alerts.relevance import normalise

WINDOW = timedelta(hours=72)
TITLE_SIMILARITY = 88.0
# Same record: enough content words in common, as a share of both titles' content words (Dice coefficient
# over word stems): at least 40 % with three shared words or more; more than half with exactly two (a
# two-word company name alone is no event). Measured on re-reports and distinct stories of one work
# (tests/cogs/alerts/test_cluster_events.py).
EVENT_SIMILARITY = 0.4
TWO_WORD_SIMILARITY = 0.5
STEM = 5  # words are compared by their first letters: admits/admitted, background/backgrounds
_PUNCTUATION = re.compile(r"[^\w\s]+")
# "Title - Outlet" / "Title | Outlet" suffixes differ between outlets reporting the same story.
_OUTLET_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,40}$")
_NUMBER = re.compile(r"\d+")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af々]+")
_QUALIFIER = re.compile(r"\([^)]*\)")  # "One Piece (episode 1149)": the work's name is outside the brackets
_STORY_ID = re.compile(r"(\d{5,})$")
_AMP_SUFFIXES = (".amp.html", ".amp", ".html", ".htm", ".php")
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
# Words that say nothing about which event a headline reports: grammar, and the topic every alert shares.
_FILLER_WORDS = """
    a an the and or but of in on for to with by at from as is are was were be been being has have had it its
    this that these those after over into about amid says said say new how why what who will would could can
    not no his her their they he she we you our your just more most than via vs
    ai gen genai generative generated generating artificial intelligence anime manga art artwork artworks
    game games gaming use used uses using 生成 使用
"""
_FILLER = frozenset(_FILLER_WORDS.split())


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


@dataclass(frozen=True)
class _Event:
    """What a headline says, for comparing two headlines about the same record."""

    words: frozenset[str]  # content word stems, the record's own name left out
    numbers: frozenset[str]
    story: str | None


def title_key(title: str) -> str:
    """The comparable form of a headline: NFKC, case-folded, no punctuation, no trailing outlet name."""
    text = _OUTLET_SUFFIX.sub("", title.strip())
    return " ".join(_PUNCTUATION.sub(" ", normalise(text)).split())


def story_key(canonical_url: str | None) -> str | None:
    """The article a URL shows, across its AMP and mobile forms: the site, then the numeric story id that ends
    the path (``…-1851771102``, ``/.229771``) or else the path itself. ``None`` without a URL."""
    if not canonical_url:
        return None
    parts = urlsplit(canonical_url)
    host = parts.hostname or ""
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            host = host[len(prefix) :]
    segments = [s for s in parts.path.split("/") if s and s.lower() != "amp"]
    if segments:
        last = segments[-1]
        for suffix in _AMP_SUFFIXES:
            if last.lower().endswith(suffix):
                last = last[: -len(suffix)]
                break
        segments[-1] = last
        story = _STORY_ID.search(last)
        if story:
            return f"{host}#{story.group(1)}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query) if k.lower() not in ("amp", "output", "outputtype")
    )
    return f"{host}/{'/'.join(s for s in segments if s)}?{query}"


def _words(key: str) -> list[str]:
    """Words of a title key; Japanese/Korean runs (no spaces) become overlapping character pairs."""
    out: list[str] = []
    for word in key.split():
        rest = _CJK_RUN.sub(" ", word).split()
        out += rest
        for run in _CJK_RUN.findall(word):
            out += [run[i : i + 2] for i in range(max(1, len(run) - 1))]
    return out


def _event(title: str, canonical_url: str | None, record_titles: Iterable[str]) -> _Event:
    key = title_key(title)
    named = {w for record in record_titles for w in _words(title_key(_QUALIFIER.sub(" ", record)))}
    stems = frozenset(
        _stem(w)
        for w in _words(key)
        if w not in named and w not in _FILLER and not w.isdigit() and (len(w) > 1 or not w.isascii())
    )
    return _Event(stems, frozenset(_NUMBER.findall(key)), story_key(canonical_url))


def _stem(word: str) -> str:
    return word[:STEM] if word.isascii() else word


def same_event(a: _Event, b: _Event) -> bool:
    """Evidence that two headlines about the same record report one event: the same story on the same site,
    or moderately similar wording with no conflicting numbers ("episode 3" and "episode 4" differ)."""
    if a.story is not None and a.story == b.story:
        return True
    if a.numbers and b.numbers and not a.numbers & b.numbers:
        return False
    if not a.words or not b.words:
        return False
    shared = len(a.words & b.words)
    similarity = 2 * shared / (len(a.words) + len(b.words))
    if shared >= 3:
        return similarity >= EVENT_SIMILARITY
    return shared == 2 and similarity > TWO_WORD_SIMILARITY


class ClusterIndex:
    """Recent alerts of one server indexed by URL, record title and title key, so each lookup is cheap."""

    def __init__(self, alerts: Iterable[RecentAlert] = ()) -> None:
        self._alerts: list[RecentAlert] = []
        self._keys: list[str] = []
        self._sorted_keys: list[str] = []  # tokens pre-sorted: token_sort_ratio without re-sorting per lookup
        self._events: list[_Event | None] = []  # computed for alerts that name a record
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
        records = [r for r in alert.record_titles if r]
        self._events.append(_event(alert.title, alert.canonical_url, records) if records else None)
        if alert.canonical_url:
            self._by_url.setdefault(alert.canonical_url, []).append(index)
        for record in records:
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
        records = [r for r in record_titles if r]
        candidates = {
            i
            for r in {normalise(r) for r in records}
            for i in self._by_record.get(r, ())
            if self._within(i, seen_at)
        }
        if candidates:
            event = _event(title, canonical_url, records)
            for i in candidates:
                other = self._events[i]
                if other is not None and same_event(event, other):
                    hits.append((i, "record"))
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
