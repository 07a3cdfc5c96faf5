"""Score a headline and summary for "generative AI in anime/manga/art/games" with curated en/ja terms."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MODES = ("strict", "broad", "all")
DEFAULT_MODE = "strict"
AI_WEIGHT = 2
AI_IN_TITLE_BONUS = 1
DOMAIN_WEIGHT = 1
_TOKEN = re.compile(r"[0-9a-z\u00c0-\u024f]+")


def normalise(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: the form both terms and text are compared in."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def is_cjk_term(term: str) -> bool:
    """True when the term has any Han, kana or Hangul: those match as substrings (no word spaces)."""
    return any(
        "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or ch == "々"
        for ch in term
    )


def _forms(token: str) -> tuple[str, ...]:
    """The token and its possible singulars ("illustrators" -> "illustrator"), for plural-tolerant matching."""
    forms = [token]
    if len(token) > 3 and token.endswith("s"):
        forms.append(token[:-1])
        if token.endswith("es"):
            forms.append(token[:-2])
    return tuple(forms)


class TermSet:
    """Terms compiled once. Latin terms are token sequences (whole words, so "art" never matches "start");
    CJK terms are substrings (no spaces between words)."""

    def __init__(self, terms: Iterable[str]) -> None:
        cleaned = sorted({normalise(t) for t in terms if t and t.strip()}, key=len, reverse=True)
        self.terms = tuple(cleaned)
        self._cjk = tuple(t for t in cleaned if is_cjk_term(t))
        # surface form of a first token -> (term tokens, term); single words also under their plurals
        self._lookup: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for term in cleaned:
            if is_cjk_term(term):
                continue
            tokens = tuple(_TOKEN.findall(term))
            if not tokens:
                continue
            surfaces = (tokens[0], tokens[0] + "s", tokens[0] + "es") if len(tokens) == 1 else (tokens[0],)
            for surface in surfaces:
                self._lookup.setdefault(surface, []).append((tokens, term))
        self._surfaces = frozenset(self._lookup)

    def find(self, normalised_text: str, tokens: list[str] | None = None) -> set[str]:
        """The terms found in text already passed through :func:`normalise` (``tokens`` = its Latin words)."""
        found = {term for term in self._cjk if term in normalised_text}
        if not self._lookup:
            return found
        if tokens is None:
            tokens = tokenise(normalised_text)
        if self._surfaces.isdisjoint(tokens):
            return found
        for i, token in enumerate(tokens):
            entries = self._lookup.get(token)
            if entries is None:
                continue
            for term_tokens, term in entries:
                if len(term_tokens) == 1 or _tail_matches(tokens, i, term_tokens):
                    found.add(term)
        return found

    def __bool__(self) -> bool:
        return bool(self.terms)


def tokenise(normalised_text: str) -> list[str]:
    """The Latin-script words of normalised text."""
    return _TOKEN.findall(normalised_text)


def _tail_matches(tokens: list[str], start: int, term_tokens: tuple[str, ...]) -> bool:
    end = start + len(term_tokens)
    if end > len(tokens) or tuple(tokens[start + 1 : end - 1]) != term_tokens[1:-1]:
        return False
    return term_tokens[-1] in _forms(tokens[end - 1])


@dataclass(frozen=True)
class Keywords:
    """The curated lists from ``data/keywords.toml``."""

    ai: tuple[str, ...]
    domain: tuple[str, ...]
    exclude: tuple[str, ...]

    @classmethod
    def load(cls, path: Path) -> Keywords:
        data = tomllib.loads(path.read_text(encoding="utf-8"))

        def merged(section: str) -> tuple[str, ...]:
            table = data.get(section, {})
            return tuple(term for lang in ("en", "ja") for term in table.get(lang, []))

        return cls(ai=merged("ai"), domain=merged("domain"), exclude=merged("exclude"))


@dataclass(frozen=True)
class Verdict:
    """Whether an item is relevant in a mode, with the score and the terms that decided it."""

    relevant: bool
    score: int
    ai_terms: tuple[str, ...] = ()
    domain_terms: tuple[str, ...] = ()
    excluded_by: tuple[str, ...] = ()

    @property
    def matched(self) -> tuple[str, ...]:
        return self.ai_terms + self.domain_terms


@dataclass
class Matcher:
    """Curated terms plus one server's extra terms (counted as AI signals) and extra exclusions."""

    keywords: Keywords
    extra_terms: tuple[str, ...] = ()
    extra_exclusions: tuple[str, ...] = ()
    _ai: TermSet = field(init=False)
    _domain: TermSet = field(init=False)
    _exclude: TermSet = field(init=False)

    def __post_init__(self) -> None:
        self._ai = TermSet((*self.keywords.ai, *self.extra_terms))
        self._domain = TermSet(self.keywords.domain)
        self._exclude = TermSet((*self.keywords.exclude, *self.extra_exclusions))

    def judge(self, title: str, summary: str, mode: str) -> Verdict:
        """Score ``title`` + ``summary`` and decide for ``mode`` (strict: AI and domain; broad: AI; all)."""
        if mode not in MODES:
            raise ValueError(f"unknown relevance mode {mode!r}")
        norm_title = normalise(title)
        text = f"{norm_title}\n{normalise(summary)}"
        tokens = tokenise(text)
        excluded = self._exclude.find(text, tokens)
        if excluded:
            return Verdict(False, 0, excluded_by=tuple(sorted(excluded)))
        ai = self._ai.find(text, tokens)
        domain = self._domain.find(text, tokens)
        score = (AI_WEIGHT if ai else 0) + (DOMAIN_WEIGHT if domain else 0)
        if ai and self._ai.find(norm_title):
            score += AI_IN_TITLE_BONUS
        if mode == "strict":
            relevant = bool(ai) and bool(domain)
        elif mode == "broad":
            relevant = bool(ai)
        else:
            relevant = True
        return Verdict(relevant, score, tuple(sorted(ai)), tuple(sorted(domain)))
