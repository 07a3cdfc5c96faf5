"""The title index's vocabulary: which titles hold each word, the typo keys of each word (SymSpell: the word with
one letter removed, each way), and words by prefix. Built once from ``(word, title)`` pairs gathered while the
index is built; words and titles added later go into small dictionaries beside the packed arrays."""

from __future__ import annotations

import bisect
import heapq
from array import array

from rapidfuzz.distance import OSA

from cogs.disclosures.compact import HashedKeys, Postings, SortedWords

PREFIX_WORDS = 40  # vocabulary words tried for the last, half-typed query word


def deletes(word: str) -> set[str]:
    """The word with one character removed, each way (SymSpell edit-distance-1 keys)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Vocabulary:
    """Words → the entries (titles) holding them, typo keys and prefixes."""

    def __init__(self) -> None:
        # As built: sorted words, their entries, their typo keys.
        self._words = SortedWords()
        self._postings: Postings | None = None
        self._delete_keys: HashedKeys | None = None
        self._added: dict[int, array[int]] = {}  # built word number → entries added since
        # Words first seen after the build.
        self._new_words: dict[str, array[int]] = {}
        self._new_sorted: list[str] = []
        self._new_delete_keys: dict[str, str] = {}  # deletion variant → new words, NUL-separated
        # While building: words by first appearance, and (word << 32 | entry) pairs.
        self._building: dict[str, int] | None = None
        self._build_words: list[str] = []
        self._pairs = array("Q")

    def start_building(self) -> None:
        self._building = {}

    @property
    def building(self) -> bool:
        return self._building is not None

    def add(self, word: str, entry: int) -> None:
        """``entry`` holds ``word``."""
        if self._building is not None:
            number = self._building.get(word)
            if number is None:
                number = self._building[word] = len(self._build_words)
                self._build_words.append(word)
            self._pairs.append(number << 32 | entry)
            return
        rank = self._words.rank(word)
        if rank is not None:
            self._added.setdefault(rank, array("i")).append(entry)
            return
        posting = self._new_words.get(word)
        if posting is None:
            posting = self._new_words[word] = array("i")
            bisect.insort(self._new_sorted, word)
            if len(word) >= 3:
                for key in deletes(word):
                    known = self._new_delete_keys.get(key)
                    self._new_delete_keys[key] = word if known is None else f"{known}\0{word}"
        posting.append(entry)

    def finish(self) -> None:
        """Sort the words and pack their entries and typo keys."""
        words = self._build_words
        order = sorted(range(len(words)), key=words.__getitem__)
        renumber = array("i", bytes(4 * len(words)))
        for rank, word in enumerate(order):
            renumber[word] = rank
        self._words = SortedWords(words[word] for word in order)
        self._building, self._build_words = None, []
        del order, words
        self._postings = Postings(self._pairs, renumber)
        self._pairs = array("Q")
        self._delete_keys = HashedKeys(
            (key, rank)
            for rank in range(len(self._words))
            for word in (self._words[rank],)
            if len(word) >= 3
            for key in deletes(word)
        )

    def postings(self, word: str) -> list[array[int]]:
        """Arrays of the entries holding ``word`` (removed ones included: the index skips them)."""
        rank = self._words.rank(word)
        found = []
        if rank is not None and self._postings is not None:
            found.append(self._postings[rank])
            if rank in self._added:
                found.append(self._added[rank])
        if word in self._new_words:
            found.append(self._new_words[word])
        return found

    def size(self, word: str) -> int:
        """How many entries hold ``word``."""
        return sum(len(posting) for posting in self.postings(word))

    def __contains__(self, word: str) -> bool:
        return self._words.rank(word) is not None or word in self._new_words

    def _words_for(self, key: str) -> list[str]:
        """Words with ``key`` among their one-deletion variants (may include hash look-alikes)."""
        found = [self._words[rank] for rank in self._delete_keys.get(key)] if self._delete_keys else []
        new = self._new_delete_keys.get(key)
        return found + new.split("\0") if new else found

    def with_prefix(self, prefix: str) -> list[str]:
        """Up to PREFIX_WORDS words beginning with ``prefix``, in order."""
        words = self._words
        start = words.first_at_least(prefix)
        later = bisect.bisect_left(self._new_sorted, prefix)
        slices = [
            [words[rank] for rank in range(start, min(start + PREFIX_WORDS, len(words)))],
            self._new_sorted[later : later + PREFIX_WORDS],
        ]
        out = []
        for candidate in heapq.merge(*slices):
            if not candidate.startswith(prefix) or len(out) == PREFIX_WORDS:
                break
            out.append(candidate)
        return out

    def similar(self, word: str, *, last: bool) -> set[str]:
        """Words within one typo of ``word`` (and, for the last word of a query, words it begins)."""
        found = {word} if word in self else set()
        if len(word) >= 3:
            for key in (word, *deletes(word)):
                for candidate in self._words_for(key):
                    if candidate not in found and OSA.distance(word, candidate, score_cutoff=1) <= 1:
                        found.add(candidate)
        if len(word) >= 2:  # the word missing one letter
            found |= {
                w
                for w in self._words_for(word)
                if len(w) == len(word) + 1 and OSA.distance(word, w, score_cutoff=1) <= 1
            }
        if last and len(word) >= 2:
            found.update(self.with_prefix(word))
        return found
