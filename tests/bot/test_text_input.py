"""``clean_input``, the one sanitiser for what members type before it is stored: property-tested on hostile text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.text import clean_input, is_blank, untrusted

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
INVISIBLE = [
    "\u200b",  # zero-width space
    "\u2060",  # word joiner
    "\ufeff",  # byte-order mark
    "\u00ad",  # soft hyphen
    "\u180e",  # Mongolian vowel separator
    "\u034f",  # combining grapheme joiner
    "\u3164",  # Hangul filler
    "\u115f",
    "\uffa0",
    "\u2800",  # blank Braille cell
    "\U000e0041",  # tag LATIN CAPITAL LETTER A (hidden ASCII)
    "\U000e0001",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\ufff9",
    "\U0001d173",
]
HOSTILE = BIDI + INVISIBLE
hostile = st.sampled_from(HOSTILE)
# Any text at all, with hostile characters mixed in generously.
anything = st.text(alphabet=st.one_of(st.characters(), hostile), max_size=200)
# Visible text: letters, digits, punctuation, symbols, spaces, line breaks (what a person means to type).
visible = st.text(
    alphabet=st.one_of(
        st.characters(
            categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u3164\u115f\u1160\uffa0\u2800"
        ),
        st.sampled_from("\n "),
    ),
    max_size=120,
)


def _forbidden(text: str) -> list[str]:
    return [
        ch
        for ch in text
        if ch in HOSTILE
        or (unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t\u200c\u200d")
        or ch in "\u2028\u2029\r"
    ]


@given(anything, st.booleans())
@example("\u202egnp.exe", True)
@example("a\u2028b\r\nc\rd", False)
def test_nothing_hidden_survives(text: str, one_line: bool) -> None:
    cleaned = clean_input(text, one_line=one_line)
    assert _forbidden(cleaned) == []
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip()


@given(anything, st.booleans())
def test_idempotent(text: str, one_line: bool) -> None:
    once = clean_input(text, one_line=one_line)
    assert clean_input(once, one_line=one_line) == once


@given(anything)
def test_one_line_has_single_spaces_only(text: str) -> None:
    cleaned = clean_input(text, one_line=True)
    assert "\n" not in cleaned and "\t" not in cleaned and "  " not in cleaned


@given(anything)
def test_paragraphs_keep_their_lines_but_not_piles_of_blank_ones(text: str) -> None:
    cleaned = clean_input(text)
    assert "\n\n\n" not in cleaned
    assert all(line == line.rstrip() for line in cleaned.split("\n"))


@given(visible, st.lists(st.tuples(st.integers(min_value=0), hostile), max_size=12), st.booleans())
def test_hidden_characters_change_nothing_visible(text: str, inserts: list, one_line: bool) -> None:
    """Whatever hostile characters are slipped in, anywhere, the stored text is what was visibly typed."""
    tampered = text
    for position, ch in inserts:
        at = position % (len(tampered) + 1)
        tampered = tampered[:at] + ch + tampered[at:]
    assert clean_input(tampered, one_line=one_line) == clean_input(text, one_line=one_line)


@given(visible)
def test_visible_text_is_kept(text: str) -> None:
    expected = " ".join(unicodedata.normalize("NFC", text).split())
    assert clean_input(text, one_line=True) == expected


@example("0\u20280")  # a line separator is a line break, never shown as one to others
@given(anything)
def test_blank_stays_blank_and_shown_text_matches(text: str) -> None:
    cleaned = clean_input(text, one_line=True)
    assert is_blank(cleaned) == is_blank(text)
    assert [ch for ch in _forbidden(untrusted(text, 300)) if ch != "\u200b"] == []  # ZWSP only breaks pings


def test_the_reported_cases() -> None:
    assert clean_input("\u202egnp.exe") == "gnp.exe"  # shown as "exe.png" before
    assert clean_input("  The\u2066 Dog\u2069 &\u200b The Boy \n", one_line=True) == "The Dog & The Boy"
    assert clean_input("Cafe\u0301") == "Café"  # NFC
    assert clean_input("line one  \r\n\r\n\r\n\r\nline two\u2028three") == "line one\n\nline two\nthree"
    family = "👨\u200d👩\u200d👧 family"  # joiners inside emoji stay
    assert clean_input(family) == family
    assert clean_input(None) == ""


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=200), st.booleans())
def test_the_ascii_fast_path_cleans_exactly_like_the_full_path(raw: str, one_line: bool) -> None:
    import unicodedata

    from bot.text import _BLANK_LINES, _LINE_BREAKS, plain

    text = unicodedata.normalize("NFC", plain(_LINE_BREAKS.sub("\n", raw)))
    if one_line:
        expected = " ".join(text.split())
    else:
        expected = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()
    assert clean_input(raw, one_line=one_line) == expected


@pytest.mark.parametrize(
    "text",
    ["\u200c\u200d", "\ufe0f", "\U000e0100", "\u17b4\u17b5", "\ufe0f\ufe0f", "\U0001d159", " \u200b\ufe0e "],
)
def test_text_made_only_of_characters_that_show_nothing_is_blank(text: str) -> None:
    assert is_blank(text)


@pytest.mark.parametrize("text", ["❤️", "葛\U000e0100", "👩\u200d🎨", "a"])
def test_variation_selectors_and_joiners_stay_inside_text(text: str) -> None:
    assert not is_blank(text) and clean_input(text, one_line=True) == text


def test_lone_surrogates_are_not_text() -> None:
    cleaned = clean_input("\ud800x\udfff y", one_line=True)
    assert cleaned == "x y"
    cleaned.encode("utf-8")  # storable
