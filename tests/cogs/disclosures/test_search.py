"""The fuzzy title table: every spelling the issue lists finds the record; the index follows writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cogs.disclosures.normalise import normalise, tokens
from cogs.disclosures.search import TitleIndex

SEED = Path(__file__).resolve().parents[3] / "data" / "records.json"


@pytest.fixture(scope="module")
def index() -> TitleIndex:
    records = json.loads(SEED.read_text(encoding="utf-8"))["records"]
    return TitleIndex.build(
        (r["id"], title) for r in records for title in [r["title"], *(a["title"] for a in r["alt_titles"])]
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("The Dog & The Boy", "dog-and-the-boy-2023"),
        ("the dog and the boy", "dog-and-the-boy-2023"),
        ("THE DOG, THE BOY!", "dog-and-the-boy-2023"),
        ("Dog and teh Boy", "dog-and-the-boy-2023"),
        ("Dgo and the boy", "dog-and-the-boy-2023"),
        ("ｔｈｅ　ｄｏｇ　＆　ｔｈｅ　ｂｏｙ", "dog-and-the-boy-2023"),
        ("Inu to Shōnen", "dog-and-the-boy-2023"),
        ("Inu to Shounen", "dog-and-the-boy-2023"),
        ("Inu to Shonen", "dog-and-the-boy-2023"),
        ("Inu to Shoonen", "dog-and-the-boy-2023"),
        ("犬と少年", "dog-and-the-boy-2023"),
        ("少年", "dog-and-the-boy-2023"),
        ("サイバーパンク", "cyberpunk-momotaro-2023"),
        ("ｻｲﾊﾞｰﾊﾟﾝｸ", "cyberpunk-momotaro-2023"),
        ("さいばーぱんく", "cyberpunk-momotaro-2023"),
        ("Saibaapanku Momotaro", "cyberpunk-momotaro-2023"),
        ("Honzuki no Gekokujou", "ascendance-of-a-bookworm-opening-2026"),
        ("本好きの下剋上", "ascendance-of-a-bookworm-opening-2026"),
        ("expedtion 33", "clair-obscur-expedition-33-2025"),
        ("Clair Obscur", "clair-obscur-expedition-33-2025"),
        ("banana fsh", "prime-video-ai-dubs-banana-fish-2025"),
        ("The Eternaut", "el-eternauta-genai-vfx-2025"),
        ("Magic the Gathering Ravnica", "mtg-ravnica-remastered-promo-2024"),
        ("sekiro", "sekiro-no-defeat-2025"),
    ],
)
def test_fuzzy_title_table(index: TitleIndex, typed: str, expected: str) -> None:
    assert index.search(typed, limit=3)[0].record_id == expected


def test_nonsense_and_empty_find_nothing(index: TitleIndex) -> None:
    assert index.search("qqqq xxxx") == []
    assert index.search("   ") == []


def test_one_result_per_record_with_the_title_that_matched(index: TitleIndex) -> None:
    matches = index.search("犬と少年")
    assert [m.record_id for m in matches].count("dog-and-the-boy-2023") == 1
    assert matches[0].matched == "犬と少年" and matches[0].title == "The Dog & The Boy"


def test_put_and_remove_keep_the_index_in_step() -> None:
    index = TitleIndex.build([("a-1", "Quiet Meadow")])
    index.put("b-2", ["Loud Forest", "騒がしい森"])
    assert index.search("loud forst")[0].record_id == "b-2"
    index.put("b-2", ["Silent Forest"])
    assert index.search("騒がしい森") == [] and index.search("silent")[0].record_id == "b-2"
    index.remove("b-2")
    assert index.search("silent forest") == [] and len(index) == 1
    assert index.search("quiet")[0].record_id == "a-1"


def test_mentioned_finds_titles_in_running_text(index: TitleIndex) -> None:
    text = "Fans noticed that Netflix's The Dog & The Boy and Clair Obscur: Expedition 33 both used AI."
    assert set(index.mentioned(text)) == {"dog-and-the-boy-2023", "clair-obscur-expedition-33-2025"}
    assert index.mentioned("WIT Studioの短編『犬と少年』について") == ["dog-and-the-boy-2023"]
    assert index.mentioned("Nothing to see here") == []


def test_normalise_and_tokens() -> None:
    assert normalise("Ｓｈōｎｅｎ & Co.") == "shonen and co"
    assert normalise("イヌ") == normalise("いぬ") == normalise("ｲﾇ")
    assert normalise("が") == "が"  # dakuten survive accent stripping
    assert tokens("犬と少年 2023") == ["犬と", "と少", "少年", "2023"]
