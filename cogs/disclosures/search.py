"""In-memory fuzzy title index: narrow by word (typo-tolerant) and prefix, then rank with rapidfuzz.

Compact, because it holds every title of every record (100,000 records: 200,000 titles, 200,000 words, some
40 MB): the titles and record ids live in UTF-8 buffers, the words in one string, each word's titles in one
array and the typo keys in one sorted array of hashes (``compact``, ``vocabulary``). What a running bot adds
later (``put``) goes into small dictionaries beside them; what it removes is marked dead and skipped. Built in
two steps, ``add_rows`` (in pages, as the database yields them) then ``finish``; ``build`` does both.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from cogs.disclosures.compact import Strings
from cogs.disclosures.normalise import normalise, tokens
from cogs.disclosures.vocabulary import Vocabulary

log = logging.getLogger(__name__)

MAX_CANDIDATES = 200  # ranked precisely with rapidfuzz after the cheap narrowing
FREQUENT_POSTINGS = 4000  # a word this common only narrows when nothing rarer matched
FULL_SCAN_LIMIT = 5000  # below this many titles, a query with no word hit is scanned in full
# What autocomplete offers, and what a new submission is checked against (the same matcher for both): a match
# below SUGGEST_FLOOR, or far behind the best one (under SUGGEST_SHARE of its score), is noise, not a hint.
SUGGEST_FLOOR = 70.0
SUGGEST_SHARE = 0.8
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_DEAD = -1


@dataclass(frozen=True, slots=True)
class Match:
    """One record found for a query, through its best-matching title."""

    record_id: str
    title: str  # the record's main title
    matched: str  # the title (main or alternate) that matched
    score: float


def _sorted_by(texts: Strings) -> array[int]:
    """The numbers of the non-empty ``texts`` in the order of their text: sorted a first character at a time,
    so that only one group's texts are decoded at once."""
    groups: dict[str, array[int]] = {}
    for number in range(len(texts)):
        first = texts.first_character(number)
        if first:
            groups.setdefault(first, array("i")).append(number)
    ordered = array("i")
    for first in sorted(groups):
        ordered.extend(sorted(groups.pop(first), key=texts.__getitem__))
    return ordered


class TitleIndex:
    """Every title of every published record, normalised once, kept in step with writes."""

    def __init__(self, *, log_changes: bool = False) -> None:
        # With ``log_changes``, put/remove are also recorded in ``changes`` (a stand-in while the full index
        # is built elsewhere: the changes are then replayed onto it, see ``replay``).
        self.changes: list[tuple[str, list[str] | None]] | None = [] if log_changes else None
        self._ids = Strings()  # record number → record id
        self._id_order: array[int] | None = None  # built records by id (None: numbered in id order already)
        self._built_records = 0  # records numbered before ``finish``, found by bisection
        self._later: dict[str, int] = {}  # records put since, id → number
        self._live_records = 0
        self._first = array("i")  # record number → its first entry (the main title)
        self._count = array("i")  # record number → how many entries
        self._entry_record = array("i")  # entry → record number, or _DEAD
        self._display = Strings()  # entry → title as written
        self._norm = Strings()  # entry → normalised title ("" for none: never matched)
        self._dead = 0
        self._words = Vocabulary()
        self._sorted = array("i")  # searchable entries by normalised title, for whole-title prefixes

    # ----- building ------------------------------------------------------------------------
    @classmethod
    def build(cls, rows: Iterable[tuple[str, ...]]) -> TitleIndex:
        """Index ``(record id, title[, normalised title])`` rows; a record's first row is its main title."""
        index = cls.building()
        index.add_rows(rows)
        return index.finish()

    @classmethod
    def building(cls) -> TitleIndex:
        """An index to fill with ``add_rows`` (page by page), then ``finish``."""
        index = cls()
        index._words.start_building()
        return index

    def add_rows(self, rows: Iterable[tuple[str, ...]]) -> None:
        """Add ``(record id, title[, normalised title])`` rows (each record's rows in one call, main title
        first; an empty normalised title is computed here)."""
        if not self._words.building:
            raise RuntimeError("add_rows is for an index made by TitleIndex.building()")
        grouped: dict[str, list[tuple[str, str | None]]] = {}
        for row in rows:
            grouped.setdefault(row[0], []).append((row[1], row[2] if len(row) > 2 and row[2] else None))
        for record_id, titles in grouped.items():
            self._add(record_id, titles)

    def replay(self, changes: Iterable[tuple[str, list[str] | None]]) -> None:
        """Apply the puts (titles) and removes (None) another index logged, in order."""
        for record_id, titles in changes:
            if titles is None:
                self.remove(record_id)
            else:
                self.put(record_id, titles)

    def finish(self) -> TitleIndex:
        """Sort the vocabulary and titles and pack the postings; the index answers from now on."""
        if not self._words.building:
            raise RuntimeError("finish is for an index made by TitleIndex.building()")
        self._words.finish()
        self._built_records = len(self._ids)
        ids = range(self._built_records)
        if any(self._ids[n - 1] >= self._ids[n] for n in ids[1:]):
            self._id_order = array("i", sorted(ids, key=self._ids.__getitem__))
        self._sorted = _sorted_by(self._norm)
        return self

    def _add(self, record_id: str, titles: list[tuple[str, str | None]], *, built: bool = False) -> None:
        number = self._ids.append(record_id)
        if built:
            self._later[record_id] = number
        self._live_records += 1
        self._first.append(len(self._entry_record))
        seen: set[str] = set()
        count = 0
        for position, (title, given) in enumerate(titles):
            norm = given if given is not None else normalise(title)
            if position and (not norm or norm in seen):
                continue  # the main title always has an entry; others only when they add a spelling
            seen.add(norm)
            entry = self._display.append(title)
            self._norm.append(norm)
            self._entry_record.append(number)
            count += 1
            if not norm:
                continue
            if built:
                bisect.insort(self._sorted, entry, key=self._norm.__getitem__)
            for word in set(tokens(norm)):
                self._words.add(word, entry)
        self._count.append(count)

    # ----- keeping in step with writes -------------------------------------------------------
    def put(self, record_id: str, titles: list[str]) -> None:
        """Add or replace a record's titles (main title first)."""
        self.remove(record_id)
        self._add(record_id, [(title, None) for title in titles], built=True)
        if self.changes is not None:
            self.changes.append((record_id, list(titles)))

    def remove(self, record_id: str) -> None:
        """Forget a record (deleted or unpublished)."""
        if self.changes is not None:
            self.changes.append((record_id, None))
        number = self._number(record_id)
        if number is None:
            return
        self._later.pop(record_id, None)
        self._live_records -= 1
        first, count = self._first[number], self._count[number]
        for entry in range(first, first + count):
            self._entry_record[entry] = _DEAD
            if self._norm[entry]:
                position = bisect.bisect_left(self._sorted, self._norm[entry], key=self._norm.__getitem__)
                end = bisect.bisect_right(self._sorted, self._norm[entry], key=self._norm.__getitem__)
                del self._sorted[self._sorted.index(entry, position, end)]
        self._dead += count
        self._count[number] = 0

    # ----- reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._live_records

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, str) and self._number(record_id) is not None

    def _number(self, record_id: str) -> int | None:
        """The live record's number."""
        number = self._later.get(record_id)
        if number is None and self._built_records:
            order = self._id_order if self._id_order is not None else range(self._built_records)
            position = bisect.bisect_left(order, record_id, key=self._ids.__getitem__)
            if position < len(order) and self._ids[order[position]] == record_id:
                number = order[position]
        return number if number is not None and self._count[number] else None

    def _entries_of(self, record_id: str) -> range:
        number = self._number(record_id)
        if number is None:
            return range(0)
        return range(self._first[number], self._first[number] + self._count[number])

    def title_of(self, record_id: str) -> str | None:
        entries = self._entries_of(record_id)
        return self._display[entries[0]] if entries else None

    def title_in(self, record_id: str, language: str) -> str | None:
        """The record's title for a reader of ``language``: for ``ja``, its first title in Japanese script
        (main or alternate) when it has one; otherwise (and for every other language) its main title."""
        main = self.title_of(record_id)
        if language == "ja" and main is not None and not _JAPANESE.search(main):
            for entry in self._entries_of(record_id)[1:]:
                title = self._display[entry]
                if _JAPANESE.search(title):
                    return title
        return main

    def _entries_holding(self, words: Iterable[str]) -> set[int]:
        """The live entries holding any of ``words``."""
        entries: set[int] = set()
        for word in words:
            for posting in self._words.postings(word):
                entries.update(posting)
        if self._dead:
            alive = self._entry_record
            entries = {entry for entry in entries if alive[entry] != _DEAD}
        return entries

    def _prefix_entries(self, norm: str, limit: int) -> list[int]:
        start = bisect.bisect_left(self._sorted, norm, key=self._norm.__getitem__)
        out: list[int] = []
        for entry in self._sorted[start : start + limit]:
            if not self._norm[entry].startswith(norm):
                break
            out.append(entry)
        return out

    def _word_groups(self, norm: str) -> tuple[list[tuple[int, set[int]]], int]:
        """For each query word, (weight, live entries holding a similar word); and the total weight."""
        words = list(dict.fromkeys(tokens(norm)))
        groups: list[tuple[int, set[int]]] = []
        for position, word in enumerate(words):
            similar = self._words.similar(word, last=position == len(words) - 1)
            hits = self._entries_holding(similar)
            if hits:
                groups.append((len(word), hits))
        return groups, sum(len(word) for word in words)

    @staticmethod
    def _narrow(groups: list[tuple[int, set[int]]]) -> list[int]:
        """Entries sharing the most query words, at most MAX_CANDIDATES of them.

        Rare words are counted (best recall: a typo'd word may be missing); when every word is common, the
        groups are intersected instead (set operations in C), so a query of common words stays cheap.
        """
        if not groups:
            return []
        by_size = sorted((hits for _, hits in groups), key=len)
        rare = [hits for hits in by_size if len(hits) <= FREQUENT_POSTINGS]
        if rare:
            counts: Counter[int] = Counter()
            for hits in rare:
                counts.update(hits)
            return [entry for entry, _ in counts.most_common(MAX_CANDIDATES)]
        common = by_size[0]
        for hits in by_size[1:]:
            narrower = common & hits
            if not narrower:
                break
            common = narrower
        return list(itertools.islice(common, MAX_CANDIDATES))

    def search(self, query: str, *, limit: int = 25, cutoff: float = 55.0) -> list[Match]:
        """The best records for ``query``, best first, one match per record."""
        norm = normalise(query)
        if not norm:
            return []
        groups, total_weight = self._word_groups(norm)
        candidates = dict.fromkeys(self._prefix_entries(norm, limit))
        candidates.update(dict.fromkeys(self._narrow(groups)))
        if not candidates and len(self._sorted) <= FULL_SCAN_LIMIT:
            choices = {entry: self._norm[entry] for entry in self._sorted}
            hits = process.extract(norm, choices, scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=cutoff)
            candidates = dict.fromkeys(entry for _, _, entry in hits)
        best: dict[int, tuple[float, int]] = {}
        for entry in candidates:
            title_norm = self._norm[entry]
            if title_norm == norm:
                score = 101.0
            elif title_norm.startswith(norm):
                score = 100.0
            else:
                # Similarity of the whole strings, blended with how much of the query's words the title holds.
                covered = sum(weight for weight, hits in groups if entry in hits)
                coverage = covered / total_weight if total_weight else 0.0
                score = 0.6 * fuzz.WRatio(norm, title_norm) + 40.0 * coverage
            if score < cutoff:
                continue
            record = self._entry_record[entry]
            known = best.get(record)
            if known is None or score > known[0]:
                best[record] = (score, entry)
        matches = []
        for record, (score, entry) in best.items():
            first = self._first[record]
            display = self._display[entry]
            main = display if entry == first else self._display[first]
            matches.append(Match(self._ids[record], main, display, score))
        matches.sort(key=lambda m: (-m.score, len(m.matched), m.matched))
        return matches[:limit]

    def suggest(self, query: str, *, limit: int = 25) -> list[Match]:
        """The records worth offering for ``query``, best first: autocomplete, the closest titles of a lookup
        and the resemblance check of a submission all use this (nothing rather than noise)."""
        matches = self.search(query, limit=limit, cutoff=SUGGEST_FLOOR)
        if not matches:
            return []
        floor = matches[0].score * SUGGEST_SHARE
        return [m for m in matches if m.score >= floor]

    def mentioned(self, text: str, *, limit: int = 10) -> list[str]:
        """Records whose title (any language) appears as whole words in ``text``, longest title first."""
        norm = normalise(text)
        if not norm:
            return []
        haystack = f" {norm} "
        candidates: set[int] = set()
        for word in set(tokens(norm)):
            if self._words.size(word) <= FREQUENT_POSTINGS:
                candidates |= self._entries_holding([word])
        found: dict[int, int] = {}
        for entry in candidates:
            title_norm = self._norm[entry]
            if title_norm.isascii():
                hit = len(title_norm) >= 4 and f" {title_norm} " in haystack
            else:  # Japanese runs have no spaces between words
                hit = len(title_norm) >= 2 and title_norm in haystack
            if hit:
                record = self._entry_record[entry]
                found[record] = max(found.get(record, 0), len(title_norm))
        ranked = sorted(found, key=lambda record: -found[record])[:limit]
        return [self._ids[record] for record in ranked]
