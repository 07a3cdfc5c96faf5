"""Fold titles so that case, punctuation, width, macrons, long vowels and kana script don't matter."""

from __future__ import annotations

import re
import unicodedata

_COMBINING_LATIN = re.compile("[\u0300-\u036f]")
_SEPARATORS = re.compile(r"[^\w]+|_")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u31f0-\u31ff]+")
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_LONG_PAIRS = (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ee", "e"), ("ii", "i"))
# ASCII letters and digits lower-cased, every other ASCII character a separator (what ``_SEPARATORS`` and
# ``lower()`` do to ASCII text, in one pass)
_ASCII_FOLD = str.maketrans({chr(c): chr(c).lower() if chr(c).isalnum() else " " for c in range(128)})


def _strip_latin_marks(text: str) -> str:
    """Drop accents and macrons from Latin letters only (kana dakuten must survive)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _COMBINING_LATIN.sub("", decomposed))


def _fold_long_vowels(word: str) -> str:
    """Shounen / Shoonen → shonen, so every romanisation of a long vowel meets the macron-less one."""
    if not word.isascii():
        return word
    for pair, single in _LONG_PAIRS:
        word = word.replace(pair, single)
    return word


def normalise(text: str) -> str:
    """Canonical, comparable form of a title: NFKC, casefolded, no punctuation, folded vowels and kana."""
    if text.isascii():  # the same result, without the Unicode steps that cannot change ASCII text
        joined = " ".join(text.replace("&", " and ").translate(_ASCII_FOLD).split())
    else:
        text = unicodedata.normalize("NFKC", text).replace("&", " and ")
        text = _strip_latin_marks(text).casefold().translate(_KATAKANA_TO_HIRAGANA)
        joined = " ".join(_SEPARATORS.sub(" ", text).split())
    if joined.isascii():  # no pair spans a space, so folding the whole text folds each word
        for pair, single in _LONG_PAIRS:
            joined = joined.replace(pair, single)
        return joined
    return " ".join(_fold_long_vowels(w) for w in joined.split(" "))


def tokens(normalised: str) -> list[str]:
    """Words of a normalised title; runs of Japanese script become overlapping character pairs."""
    if normalised.isascii():  # Japanese script is never ASCII
        return normalised.split()
    out: list[str] = []
    for word in normalised.split():
        last = 0
        for match in _CJK_RUN.finditer(word):
            if match.start() > last:
                out.append(word[last : match.start()])
            run = match.group()
            out.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
            last = match.end()
        if last < len(word):
            out.append(word[last:])
    return out


def search_text(text: str) -> str:
    """The words FTS5 indexes and queries: normalised tokens, Japanese runs split into pairs."""
    return search_words(normalise(text))


def search_words(normalised: str) -> str:
    """``search_text`` of text already normalised."""
    return normalised if normalised.isascii() else " ".join(tokens(normalised))
