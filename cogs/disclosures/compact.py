"""Compact containers for the title index: a hundred thousand records must not cost a million Python objects.

Each string, tuple, set or small array is an object of 50-100 bytes before its content; an index holding one of
each per title and per word costs hundreds of megabytes at 100,000 records (and makes the cyclic garbage
collector walk them all). These keep the same data in a few flat buffers instead.
"""

from __future__ import annotations

import bisect
import zlib
from array import array
from collections.abc import Iterable, Iterator


def _hash(key: str) -> int:
    return zlib.crc32(key.encode())


class Strings:
    """Many strings in one UTF-8 buffer, by number (appended once, never changed)."""

    __slots__ = ("_data", "_ends")

    def __init__(self) -> None:
        self._data = bytearray()
        self._ends = array("Q")

    def append(self, text: str) -> int:
        self._data += text.encode()
        self._ends.append(len(self._data))
        return len(self._ends) - 1

    def __getitem__(self, number: int) -> str:
        start = self._ends[number - 1] if number else 0
        return self._data[start : self._ends[number]].decode()

    def first_character(self, number: int) -> str:
        """The text's first character ("" for an empty text), decoding no more than that."""
        start = self._ends[number - 1] if number else 0
        end = self._ends[number]
        if start == end:
            return ""
        lead = self._data[start]
        size = 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        return self._data[start : start + size].decode()

    def __len__(self) -> int:
        return len(self._ends)


class SortedWords:
    """Sorted distinct words in one string, by rank; ``rank`` finds a word by bisection, narrowed first over a
    sample of every ``SAMPLE``-th word (a plain list, searched in C) so that few words are sliced out."""

    SAMPLE = 32
    __slots__ = ("_sample", "_starts", "_text")

    def __init__(self, words: Iterable[str] = ()) -> None:
        starts, parts, total = array("i", [0]), [], 0
        for word in words:
            parts.append(word)
            total += len(word)
            starts.append(total)
        self._text = "".join(parts)
        self._starts = starts
        self._sample = parts[:: self.SAMPLE]

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, rank: int) -> str:
        return self._text[self._starts[rank] : self._starts[rank + 1]]

    def first_at_least(self, word: str) -> int:
        """The rank of the first word >= ``word`` (``len(self)`` when none is)."""
        block = max(0, bisect.bisect_right(self._sample, word) - 1) * self.SAMPLE
        ranks = range(block, min(block + self.SAMPLE + 1, len(self)))
        return ranks[0] + bisect.bisect_left(ranks, word, key=self.__getitem__) if ranks else len(self)

    def rank(self, word: str) -> int | None:
        rank = self.first_at_least(word)
        return rank if rank < len(self) and self[rank] == word else None


class Postings:
    """Which entries hold each word, for words numbered 0..n-1: one array of entries and one of offsets.

    Built once from ``pairs`` packed as ``word << 32 | entry`` (in entry order), each pair's word first mapped
    through ``renumber``; each word's entries keep the order of the pairs.
    """

    __slots__ = ("_entries", "_starts")

    def __init__(self, pairs: array[int], renumber: array[int]) -> None:
        counts = array("i", bytes(4 * (len(renumber) + 1)))
        for pair in pairs:
            counts[renumber[pair >> 32] + 1] += 1
        for word in range(len(renumber)):
            counts[word + 1] += counts[word]
        self._starts = array("i", counts)
        self._entries = array("i", bytes(4 * len(pairs)))
        for pair in pairs:
            word = renumber[pair >> 32]
            self._entries[counts[word]] = pair & 0xFFFFFFFF
            counts[word] += 1

    def __getitem__(self, word: int) -> array[int]:
        return self._entries[self._starts[word] : self._starts[word + 1]]

    def size(self, word: int) -> int:
        return self._starts[word + 1] - self._starts[word]


class HashedKeys:
    """A read-only multimap from string keys to small numbers, as one sorted array of ``hash << 32 | number``.

    A lookup may return numbers stored under another key with the same 32-bit hash: callers check what they get.
    The hash is CRC-32, the same in every process (``hash()`` of a string is not), so an index built by another
    process answers here.
    """

    __slots__ = ("_keys",)

    def __init__(self, items: Iterable[tuple[str, int]]) -> None:
        buckets = [array("Q") for _ in range(256)]
        for key, number in items:
            packed = _hash(key) << 32 | number
            buckets[packed >> 56].append(packed)
        self._keys = array("Q")
        for bucket in buckets:
            self._keys.extend(sorted(bucket))
            del bucket[:]

    def get(self, key: str) -> Iterator[int]:
        high = _hash(key) << 32
        keys = self._keys
        position = bisect.bisect_left(keys, high)
        while position < len(keys) and keys[position] >> 32 == high >> 32:
            yield keys[position] & 0xFFFFFFFF
            position += 1

    def __len__(self) -> int:
        return len(self._keys)
