"""Score a headline and summary for "generative AI in anime/manga/art/games" with curated en/ja terms.

AI signals are of two kinds. A curated term ("generative AI", 「AI作画」, or a server's own term) counts anywhere.
A bare "AI" (also ＡＩ, A.I., AIs, AI's, 「AIで」) counts too, but it is easily a name, so it is read in the
original case after the known names and phrases of ``not_ai`` ("Kizuna AI", 「AIの遺伝子」, "AI chips") are blanked
out, and a mixed-case "Ai" (Ai Hoshino, Ai Yazawa) is never it. In strict mode, the default, a bare "AI" needs a
field word (a domain term that is not just a company) in the same headline.
"""

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
BARE_AI = "ai"  # how a bare "AI" is reported among the matched terms
_TOKEN = re.compile(r"[0-9a-z\u00c0-\u024f]+")
_NOT_LATIN_BEFORE, _NOT_LATIN_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
# In NFKC text, case kept: "AI" as a word of its own (Latin letters and digits around it make another word, such
# as "OpenAI", "AIR" or "AI21"; kana and kanji do not, so 「AIで作画」 has one). "A.I." is rewritten to "AI" first.
_BARE_AI = re.compile(_NOT_LATIN_BEFORE + r"AI(?:s|'s|’s)?" + _NOT_LATIN_AFTER)
_DOTTED_AI = re.compile(r"(?<![0-9A-Za-z.])A\.I\.(?![0-9A-Za-z])")
_MIXED_CASE_AI = re.compile(_NOT_LATIN_BEFORE + r"(?:Ai|aI)" + _NOT_LATIN_AFTER)
_ANY_CASE_AI = re.compile(_NOT_LATIN_BEFORE + r"[Aa][Ii]" + _NOT_LATIN_AFTER)
_LOWER, _UPPER = re.compile(r"[a-z]"), re.compile(r"[A-Z]")


def normalise(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: the form both terms and text are compared in."""
    return _fold(unicodedata.normalize("NFKC", text))


def _fold(nfkc_text: str) -> str:
    return " ".join(nfkc_text.casefold().split())


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


class NameMask:
    """Blanks out what only looks like an AI signal, in NFKC text whose case is kept: the known names and phrases
    (any case, any spaces or punctuation between their words: "Kizuna AI", "KIZUNA AI", "Kizuna-AI", "AI chips")
    and, when the text has both upper- and lower-case letters, every "Ai" (a given name, or 愛 romanised), which
    a writer means as AI only in capitals. Text without the word AI in any case is returned as it is, at once."""

    def __init__(self, names: Iterable[str]) -> None:
        # (longest word of the name, case-folded; its pattern), longest names first. The word is a quick test:
        # a pattern runs only on text that has it.
        self._names: list[tuple[str, re.Pattern[str]]] = []
        cleaned = {unicodedata.normalize("NFKC", n).strip() for n in names if n.strip()}
        for name in sorted(cleaned, key=len, reverse=True):
            chunks = [chunk for chunk in re.split(r"[\W_]+", name) if chunk]
            if not chunks:
                continue
            body = r"[\W_]+".join(map(re.escape, chunks))
            if name[0].isascii() and name[0].isalnum():
                body = _NOT_LATIN_BEFORE + body
            if name[-1].isascii() and name[-1].isalnum():
                body += _NOT_LATIN_AFTER
            self._names.append((max(chunks, key=len).casefold(), re.compile(body, re.IGNORECASE)))
        # the quick exit is safe only if every name has the word AI in it (data/keywords.toml says so)
        self._always = any(not _ANY_CASE_AI.search(name) for name in cleaned)

    def __call__(self, nfkc_text: str) -> str:
        dotted = "A.I." in nfkc_text
        if not (dotted or self._always or _ANY_CASE_AI.search(nfkc_text)):
            return nfkc_text
        text = _DOTTED_AI.sub("AI", nfkc_text) if dotted else nfkc_text
        folded = text.casefold()
        for word, pattern in self._names:
            if word in folded:
                text = pattern.sub(" ", text)
        if _LOWER.search(text) and _UPPER.search(text):
            text = _MIXED_CASE_AI.sub(" ", text)
        return text


@dataclass(frozen=True)
class Keywords:
    """The curated lists from ``data/keywords.toml``."""

    ai: tuple[str, ...]
    domain: tuple[str, ...]
    exclude: tuple[str, ...]
    companies: tuple[str, ...] = ()
    not_ai: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Keywords:
        data = tomllib.loads(path.read_text(encoding="utf-8"))

        def merged(section: str) -> tuple[str, ...]:
            table = data.get(section, {})
            return tuple(term for lang in ("en", "ja") for term in table.get(lang, []))

        return cls(
            ai=merged("ai"),
            domain=merged("domain"),
            exclude=merged("exclude"),
            companies=merged("companies"),
            not_ai=merged("not_ai"),
        )


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


@dataclass(frozen=True)
class _Signals:
    """The AI signals of one field (headline or summary)."""

    terms: frozenset[str]
    bare: bool

    def __bool__(self) -> bool:
        return bool(self.terms) or self.bare


@dataclass
class Matcher:
    """Curated terms plus one server's extra terms (counted as AI signals) and extra exclusions.

    strict (the default): an AI term and a domain term (a field or a company) anywhere, or a bare "AI" and a field
    word (not just a company: "Sony" beside "AI" is as likely chips) in the headline; broad: any AI signal, bare
    "AI" included, in the headline or the summary; all: whatever is not excluded.
    A server's terms are matched as written, names included: a server that adds "Kizuna AI" gets her news."""

    keywords: Keywords
    extra_terms: tuple[str, ...] = ()
    extra_exclusions: tuple[str, ...] = ()
    _ai: TermSet = field(init=False)
    _extra: TermSet = field(init=False)
    _domain: TermSet = field(init=False)
    _fields: TermSet = field(init=False)
    _exclude: TermSet = field(init=False)
    _mask: NameMask = field(init=False)

    def __post_init__(self) -> None:
        self._ai = TermSet(self.keywords.ai)
        self._extra = TermSet(self.extra_terms)
        self._domain = TermSet((*self.keywords.domain, *self.keywords.companies))
        self._fields = TermSet(self.keywords.domain)
        self._exclude = TermSet((*self.keywords.exclude, *self.extra_exclusions))
        self._mask = NameMask(self.keywords.not_ai)

    def judge(self, title: str, summary: str, mode: str) -> Verdict:
        """Score ``title`` + ``summary`` and decide for ``mode`` (see the class)."""
        if mode not in MODES:
            raise ValueError(f"unknown relevance mode {mode!r}")
        nfkc_title, nfkc_summary = (
            unicodedata.normalize("NFKC", title),
            unicodedata.normalize("NFKC", summary),
        )
        norm_title, norm_summary = _fold(nfkc_title), _fold(nfkc_summary)
        text = f"{norm_title}\n{norm_summary}"
        title_tokens, summary_tokens = tokenise(norm_title), tokenise(norm_summary)
        tokens = title_tokens + summary_tokens
        excluded = self._exclude.find(text, tokens)
        if excluded:
            return Verdict(False, 0, excluded_by=tuple(sorted(excluded)))
        in_title = self._signals(nfkc_title, norm_title, title_tokens)
        in_summary = self._signals(nfkc_summary, norm_summary, summary_tokens)
        extra = self._extra.find(text, tokens) if self._extra else set()
        domain = self._domain.find(text, tokens)
        terms = in_title.terms | in_summary.terms | extra
        bare = in_title.bare or in_summary.bare
        score = (AI_WEIGHT if terms or bare else 0) + (DOMAIN_WEIGHT if domain else 0)
        if in_title or (extra and self._extra.find(norm_title, title_tokens)):
            score += AI_IN_TITLE_BONUS
        if mode == "strict":
            relevant = bool(terms and domain) or bool(
                in_title.bare and self._fields.find(norm_title, title_tokens)
            )
        elif mode == "broad":
            relevant = bool(terms) or bare
        else:
            relevant = True
        found = tuple(sorted(terms | ({BARE_AI} if bare else set())))
        return Verdict(relevant, score, found, tuple(sorted(domain)))

    def _signals(self, nfkc_field: str, folded: str, tokens: list[str]) -> _Signals:
        """Curated AI terms and a bare "AI" in one field (``folded``, ``tokens``: its fold and words), masked."""
        masked = self._mask(nfkc_field)
        if masked != nfkc_field:
            folded = _fold(masked)
            tokens = tokenise(folded)
        bare = "AI" in masked and _BARE_AI.search(masked) is not None
        return _Signals(frozenset(self._ai.find(folded, tokens)), bare)
