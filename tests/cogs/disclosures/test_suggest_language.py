"""What autocomplete offers (nothing rather than noise), the resemblance check that uses the same matcher, and
records shown in the member's language first."""

from __future__ import annotations

import pytest

from cogs.disclosures.embeds import record_embed, source_pages, titles_for
from cogs.disclosures.records import validate_record
from cogs.disclosures.search import SUGGEST_FLOOR, TitleIndex

TITLES = [
    ("dog-and-the-boy-2023", "The Dog & The Boy"),
    ("dog-and-the-boy-2023", "犬と少年"),
    ("dog-and-the-boy-2023", "Inu to Shōnen"),
    ("the-alters-2025", "The Alters"),
    ("the-finals-2023", "The Finals"),
    ("necronomico-2025", "Necronomico and the Cosmic Horror Show"),
    ("dc-variants-2024", "DC Comics variant covers by Francesco Mattina (the Joker and the Batman)"),
    ("secret-invasion-2023", "Secret Invasion (opening titles)"),
    ("neverness-2025", "Neverness to Everness"),
    ("mechanical-marie-2025", "Mechanical Marie (TV anime, episode 1)"),
]


@pytest.fixture(scope="module")
def index() -> TitleIndex:
    return TitleIndex.build(TITLES)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("The Dog & The Boy", ["dog-and-the-boy-2023"]),  # not padded with every title holding "the"
        ("the dog and the boy", ["dog-and-the-boy-2023"]),
        ("inu to", ["dog-and-the-boy-2023"]),  # not "Neverness to Everness"
        ("zzqxw", []),
        ("zzqxw secrt", []),  # "secrt" alone would be a typo of "secret"; a nonsense word makes it noise
        ("Netflix anime", []),
        ("Quiet Meadow", []),
    ],
)
def test_suggest_shows_nothing_rather_than_noise(index: TitleIndex, typed: str, expected: list[str]) -> None:
    assert [m.record_id for m in index.suggest(typed)] == expected


@pytest.mark.parametrize(
    "typed", ["Dgo and the boy", "犬と少年", "少年", "Inu to Shonen", "secrt invasoin", "se"]
)
def test_suggest_keeps_typos_prefixes_and_other_scripts(index: TitleIndex, typed: str) -> None:
    found = index.suggest(typed)
    assert found and all(m.score >= SUGGEST_FLOOR for m in found)
    assert found[0].record_id in ("dog-and-the-boy-2023", "secret-invasion-2023")


def test_the_reported_near_duplicate_resembles_its_record(index: TitleIndex) -> None:
    """Autocomplete ranks the record first for these words, so the resemblance check (same matcher) does."""
    found = index.suggest("The Dog and the Boy (Netflix)", limit=3)
    assert [m.record_id for m in found] == ["dog-and-the-boy-2023"]


def test_title_in_the_readers_language(index: TitleIndex) -> None:
    assert index.title_in("dog-and-the-boy-2023", "ja") == "犬と少年"
    assert index.title_in("dog-and-the-boy-2023", "en") == "The Dog & The Boy"
    assert index.title_in("the-alters-2025", "ja") == "The Alters"  # no Japanese title: the main one
    assert index.title_in("missing", "ja") is None


def t(key: str, **params: object) -> str:
    return key + (" " + " ".join(f"{k}={v}" for k, v in params.items()) if params else "")


RECORD = validate_record(
    {
        "id": "dog-and-the-boy-2023",
        "title": "The Dog & The Boy",
        "alt_titles": [
            {"title": "Inu to Shōnen", "language": "ja-Latn"},
            {"title": "犬と少年", "language": "ja"},
        ],
        "medium": "anime_short",
        "date": "2023-01",
        "ai_uses": ["backgrounds"],
        "disclosure": "credited_upfront",
        "summary": "Netflix Japan credited AI backgrounds.",
        "sources": ["https://news.example/dog"],
    }
)


def test_a_japanese_reader_gets_the_japanese_title_and_is_told_the_summary_is_english() -> None:
    embed = record_embed(RECORD, t, language="ja")
    assert embed.title == "犬と少年"
    assert embed.fields[0].value.splitlines() == ["The Dog & The Boy", "Inu to Shōnen"]
    assert "*disclosures.embed.summary_in_english*\nNetflix Japan credited" in (embed.description or "")
    assert source_pages(RECORD, t, language="ja")[0].title == "disclosures.embed.sources_title title=犬と少年"


def test_an_english_reader_is_unchanged() -> None:
    embed = record_embed(RECORD, t)
    assert embed.title == "The Dog & The Boy" and "summary_in_english" not in (embed.description or "")
    assert embed.fields[0].value.splitlines() == ["Inu to Shōnen", "犬と少年"]


def test_a_record_without_a_title_in_the_readers_language_keeps_its_main_title() -> None:
    record = RECORD | {"alt_titles": [{"title": "Inu to Shōnen", "language": "ja-Latn"}]}
    assert titles_for(record, "ja") == ("The Dog & The Boy", ["Inu to Shōnen"])
    japanese_main = RECORD | {"title": "犬と少年", "title_language": "ja", "alt_titles": []}
    assert titles_for(japanese_main, "ja") == ("犬と少年", [])
