"""The shortcuts of record validation (a first pass that stops at the first problem, remembered choices, URLs
read without parsing, romaji hints found by word) give exactly what the plain way gives."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cogs.disclosures.normalise import normalise, search_text, tokens
from cogs.disclosures.records import (
    RecordError,
    _Collect,
    _record,
    guess_language,
    http_host,
    validate_record,
)
from cogs.disclosures.vocab import AI_USES, CONFIDENCES, MEDIUMS, ROLES, STATUSES

URL_PARTS = st.text(alphabet="abcXY09.-_:@[]%/?# \t\nō", max_size=12)
urls = st.builds(
    lambda scheme, host, rest: scheme + host + rest,
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "javascript:", "https:/", ""]),
    URL_PARTS,
    URL_PARTS,
)


def _host_by_parsing(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.hostname and " " not in url.strip():
        return urlsplit(url).hostname
    return None


@given(urls)
@example("https://news.example/a?b#c")
@example("http://[::1]/x")
@example("http://[broken/x")
@example("https://Example.COM/")
@example("https://user@host:8080/")
def test_the_host_is_read_as_parsing_reads_it(url: str) -> None:
    assert http_host(url) == _host_by_parsing(url)


def _choices(allowed: tuple[str, ...]) -> st.SearchStrategy[Any]:
    spelled = st.builds(lambda c, sep: c.replace("_", sep), st.sampled_from(allowed), st.sampled_from(" -_"))
    return st.one_of(
        spelled, st.sampled_from(allowed).map(str.upper), st.text(max_size=6), st.none(), st.integers()
    )


texts = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["  A  title ", "犬と少年", "\u202e", "a\r\n\n\nb "]),
    st.sampled_from([120, 121, 201, 2001]).map(lambda n: "x" * n),  # at and past the limits
)
entries = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.lists(
        st.one_of(
            texts,
            st.fixed_dictionaries(
                {},
                optional={
                    "title": texts,
                    "language": texts,
                    "name": texts,
                    "role": _choices(ROLES),
                    "url": st.one_of(urls, st.just("https://news.example/a")),
                    "publisher": texts,
                    "date": st.sampled_from([None, "2025", "2025-13", "", "x"]),
                },
            ),
        ),
        max_size=3,
    ),
)
FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "id": st.one_of(st.sampled_from(["a-work-2025", "Bad Id", "", "x"]), st.integers(10, 99), st.none()),
    "title": texts,
    "title_language": texts,
    "alt_titles": entries,
    "medium": _choices(MEDIUMS),
    "companies": entries,
    "date": st.sampled_from(["2025", "2025-03", "2025-3", "", None, " 2024-01-02 "]),
    "ai_uses": st.one_of(st.lists(_choices(AI_USES), max_size=3), st.none(), st.text(max_size=3)),
    "disclosure": _choices(STATUSES),
    "credit_text": texts,
    "summary": texts,
    "response": texts,
    "sources": entries,
    "confidence": _choices(CONFIDENCES),
}
# A few fields given, over a valid record or alone: some records come out valid, most do not.
raw_records = st.lists(st.one_of([st.fixed_dictionaries({k: v}) for k, v in FIELDS.items()]), max_size=3).map(
    lambda parts: {k: v for part in parts for k, v in part.items()}
)
VALID = {
    "id": "a-work-2025",
    "title": "A Work",
    "medium": MEDIUMS[0],
    "companies": [{"name": "Studio", "role": ROLES[0]}],
    "date": "2025-03",
    "ai_uses": [AI_USES[0]],
    "disclosure": STATUSES[0],
    "summary": "What happened.",
    "sources": [{"url": "https://news.example/a"}],
}


@settings(max_examples=400, deadline=None)
@given(raw_records, st.booleans())
@example(VALID, True)
@example(VALID | {"sources": [{"url": "http://[broken"}]}, False)
def test_validation_gives_what_collecting_every_problem_gives(
    partial: dict[str, Any], valid_base: bool
) -> None:
    raw = (VALID | partial) if valid_base else partial
    check = _Collect()
    expected = _record(raw, check)
    try:
        got = validate_record(raw)
    except RecordError as exc:
        assert check.problems, "refused a record with no problem"
        assert [(p.field, str(p), p.code, p.item) for p in exc.problems] == [
            (p.field, str(p), p.code, p.item) for p in check.problems
        ]
    else:
        assert not check.problems and got == expected
    assert raw == ((VALID | partial) if valid_base else partial)  # the raw record is left as it was


@given(st.text(alphabet=st.sampled_from("aeiouAEIOU xyz_-&.!'\t\n0123ōŌéｶタ犬と少年ー　ﬁ"), max_size=40))
def test_search_words_are_the_tokens_of_the_normalised_text(text: str) -> None:
    assert search_text(text) == " ".join(tokens(normalise(text)))


_ROMAJI_HINTS = re.compile(r"[āīūēō]|\b(no|to|wa|ga|san|chi|shi)\b", re.IGNORECASE)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@given(st.one_of(st.text(alphabet=st.characters(max_codepoint=127), max_size=30), st.text(max_size=10)))
@example("Inu to Shounen")
@example("No_Game no_life")
@example("TOKYO SAN-chi")
@example("Shōnen")
def test_the_language_of_a_title_is_guessed_as_the_patterns_say(title: str) -> None:
    expected = "ja" if _JAPANESE.search(title) else "ja-Latn" if _ROMAJI_HINTS.search(title) else "en"
    assert guess_language(title) == expected
