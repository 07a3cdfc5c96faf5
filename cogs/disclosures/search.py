"""In-memory fuzzy title index: narrow by word (typo-tolerant) and prefix, then rank with rapidfuzz."""

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
from rapidfuzz.distance import OSA

from cogs.disclosures.normalise import normalise, tokens

log = logging.getLogger(__name__)

MAX_CANDIDATES = 200  # ranked precisely with rapidfuzz after the cheap narrowing
FREQUENT_POSTINGS = 4000  # a word this common only narrows when nothing rarer matched
FULL_SCAN_LIMIT = 5000  # below this many titles, a query with no word hit is scanned in full
PREFIX_WORDS = 40  # vocabulary words tried for the last, half-typed query word
# What autocomplete offers, and what a new submission is checked against (the same matcher for both): a match
# below SUGGEST_FLOOR, or far behind the best one (under SUGGEST_SHARE of its score), is noise, not a hint.
SUGGEST_FLOOR = 70.0
SUGGEST_SHARE = 0.8
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")


@dataclass(frozen=True, slots=True)
class Match:
    """One record found for a query, through its best-matching title."""

    record_id: str
    title: str  # the record's main title
    matched: str  # the title (main or alternate) that matched
    score: float


def _deletes(word: str) -> set[str]:
    """The word with one character removed, each way (SymSpell edit-distance-1 keys)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class TitleIndex:
    """Every title of every published record, normalised once, kept in step with writes."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[str, str, str]] = {}  # entry → (record id, display title, normalised)
        # Plain tuples, strings and arrays, not sets: a 100k-record index must not make the cyclic garbage
        # collector walk a million containers (that is what turns a 2 ms autocomplete into 400 ms).
        self._by_record: dict[str, tuple[int, ...]] = {}
        self._main_title: dict[str, str] = {}
        self._postings: dict[str, array[int]] = {}  # word → entries
        self._delete_keys: dict[str, str] = {}  # deletion variant → vocabulary words, NUL-separated
        self._vocabulary: list[str] = []  # sorted, for prefixes of the last word
        self._sorted_titles: list[tuple[str, int]] = []  # sorted normalised titles, for whole-title prefixes
        self._next_id = 0

    def __len__(self) -> int:
        return len(self._main_title)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._main_title

    def title_of(self, record_id: str) -> str | None:
        return self._main_title.get(record_id)

    def title_in(self, record_id: str, language: str) -> str | None:
        """The record's title for a reader of ``language``: for ``ja``, its first title in Japanese script
        (main or alternate) when it has one; otherwise (and for every other language) its main title."""
        main = self._main_title.get(record_id)
        if language == "ja" and main is not None and not _JAPANESE.search(main):
            for entry in self._by_record.get(record_id, ()):
                title = self._entries[entry][1]
                if _JAPANESE.search(title):
                    return title
        return main

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str]]) -> TitleIndex:
        """Index ``(record id, title)`` rows; a record's first row is its main title."""
        index = cls()
        grouped: dict[str, list[str]] = {}
        for record_id, title in rows:
            grouped.setdefault(record_id, []).append(title)
        for record_id, titles in grouped.items():
            index._add(record_id, titles)
        index._vocabulary = sorted(index._postings)
        index._sorted_titles.sort()
        return index

    def put(self, record_id: str, titles: list[str]) -> None:
        """Add or replace a record's titles (main title first)."""
        self.remove(record_id)
        for word in self._add(record_id, titles, keep_sorted=True):
            bisect.insort(self._vocabulary, word)

    def remove(self, record_id: str) -> None:
        """Forget a record (deleted or unpublished)."""
        for entry in self._by_record.pop(record_id, ()):
            _, _, norm = self._entries.pop(entry)
            position = bisect.bisect_left(self._sorted_titles, (norm, entry))
            if position < len(self._sorted_titles) and self._sorted_titles[position] == (norm, entry):
                del self._sorted_titles[position]
            for word in set(tokens(norm)):
                posting = self._postings.get(word)
                if posting is None:
                    continue
                if entry in posting:
                    posting.remove(entry)
                if not posting:
                    self._forget_word(word)
        self._main_title.pop(record_id, None)

    def _add(self, record_id: str, titles: list[str], *, keep_sorted: bool = False) -> list[str]:
        new_words: list[str] = []
        self._main_title[record_id] = titles[0]
        entries: list[int] = []
        seen: set[str] = set()
        for title in titles:
            norm = normalise(title)
            if not norm or norm in seen:
                continue
            seen.add(norm)
            entry = self._next_id
            self._next_id += 1
            self._entries[entry] = (record_id, title, norm)
            entries.append(entry)
            if keep_sorted:
                bisect.insort(self._sorted_titles, (norm, entry))
            else:
                self._sorted_titles.append((norm, entry))
            for word in set(tokens(norm)):
                posting = self._postings.get(word)
                if posting is None:
                    posting = self._postings[word] = array("l")
                    new_words.append(word)
                    if len(word) >= 3:
                        for key in _deletes(word):
                            known = self._delete_keys.get(key)
                            self._delete_keys[key] = word if known is None else f"{known}\0{word}"
                posting.append(entry)
        self._by_record[record_id] = tuple(entries)
        return new_words

    def _forget_word(self, word: str) -> None:
        del self._postings[word]
        position = bisect.bisect_left(self._vocabulary, word)
        if position < len(self._vocabulary) and self._vocabulary[position] == word:
            del self._vocabulary[position]
        if len(word) >= 3:
            for key in _deletes(word):
                words = self._delete_keys.get(key)
                if words is not None:
                    rest = [w for w in words.split("\0") if w != word]
                    if rest:
                        self._delete_keys[key] = "\0".join(rest)
                    else:
                        del self._delete_keys[key]

    def _words_for(self, key: str) -> list[str]:
        words = self._delete_keys.get(key)
        return words.split("\0") if words else []

    def _similar_words(self, word: str, *, last: bool) -> set[str]:
        """Vocabulary words within one typo of ``word`` (and, for the last word, words it begins)."""
        found = {word} if word in self._postings else set()
        if len(word) >= 3:
            for key in (word, *_deletes(word)):
                for candidate in self._words_for(key):
                    if candidate not in found and OSA.distance(word, candidate, score_cutoff=1) <= 1:
                        found.add(candidate)
        if len(word) >= 2:  # the word missing one letter
            found |= {w for w in self._words_for(word) if len(w) == len(word) + 1}
        if last and len(word) >= 2:
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start : start + PREFIX_WORDS]:
                if not candidate.startswith(word):
                    break
                found.add(candidate)
        return found

    def _prefix_entries(self, norm: str, limit: int) -> list[int]:
        start = bisect.bisect_left(self._sorted_titles, (norm, -1))
        out: list[int] = []
        for title, entry in self._sorted_titles[start : start + limit]:
            if not title.startswith(norm):
                break
            out.append(entry)
        return out

    def _word_groups(self, norm: str) -> tuple[list[tuple[int, set[int]]], int]:
        """For each query word, (weight, entries holding a similar word); and the total weight."""
        words = list(dict.fromkeys(tokens(norm)))
        groups: list[tuple[int, set[int]]] = []
        for position, word in enumerate(words):
            hits: set[int] = set()
            for similar in self._similar_words(word, last=position == len(words) - 1):
                hits.update(self._postings[similar])
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
        if not candidates and len(self._entries) <= FULL_SCAN_LIMIT:
            choices = {entry: value[2] for entry, value in self._entries.items()}
            hits = process.extract(norm, choices, scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=cutoff)
            candidates = dict.fromkeys(entry for _, _, entry in hits)
        best: dict[str, Match] = {}
        for entry in candidates:
            record_id, display, title_norm = self._entries[entry]
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
            known = best.get(record_id)
            if known is None or score > known.score:
                best[record_id] = Match(record_id, self._main_title[record_id], display, score)
        ranked = sorted(best.values(), key=lambda m: (-m.score, len(m.matched), m.matched))
        return ranked[:limit]

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
            posting = self._postings.get(word)
            if posting is not None and len(posting) <= FREQUENT_POSTINGS:
                candidates.update(posting)
        found: dict[str, int] = {}
        for entry in candidates:
            record_id, _, title_norm = self._entries[entry]
            if title_norm.isascii():
                hit = len(title_norm) >= 4 and f" {title_norm} " in haystack
            else:  # Japanese runs have no spaces between words
                hit = len(title_norm) >= 2 and title_norm in haystack
            if hit:
                found[record_id] = max(found.get(record_id, 0), len(title_norm))
        return sorted(found, key=lambda rid: -found[rid])[:limit]
