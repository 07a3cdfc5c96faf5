"""Charts never draw a missing-glyph box: every character handed to Pillow is in the cmap of the font it is
drawn with, which is one of the shipped fonts.

The cmaps are read with fontTools (independently of the runtime's own reader), and every text a chart draws is
captured at ``ImageDraw.text`` with its font, so the check is glyph by glyph on what reaches the PNG.
"""

from __future__ import annotations

import time
import tomllib
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import ImageDraw

from bot import chart_text as ct
from bot.charts import bar_chart_png, rounds_chart_png
from bot.i18n import Catalogs
from cogs.disclosures.cog import _render_charts
from cogs.polls.chart import result_chart
from cogs.polls.model import Poll, State
from cogs.polls.options import Option
from cogs.polls.tally import Method, count

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [
    "🏆 winner 🤝",
    "🎨🖌️",
    "👨‍👩‍👧 family",
    "🇯🇵",
    "1️⃣ first",
    "\u202eevil\u202c right-to-left override",
    "\u200b\u200d\u2060\ufeff zero width",
    "שלום עולם",
    "مرحبا بالعالم",
    "Z̴̡̪̫̬a̷̢̛l̶̡̢g̸o̶",
    "e\u0301\u0301\u0301\u0301 combining",
    "x" * 500,
    "Supercalifragilisticexpialidocious" * 8,
    "背景美術にAIを使うことについてどう思いますか" * 4,
    "ｶﾀｶﾅ 全角ＡＢＣ ①②③ 〜ー・「」",
    "𠮟る 𩸽 鿰",
    "\x00\x07\ud800\ue000 control",
    "한국어",
    "",
]
JAPANESE = "背景美術、生成AI、ご意見をどうぞ。"
Call = tuple[str, str, tuple[float, float], tuple[float, float]]


@pytest.fixture(scope="module")
def cmaps() -> dict[str, set[int]]:
    """Each shipped font file's characters, by path."""
    return {str(path): set(TTFont(str(path)).getBestCmap()) for path in ct.FONT_PATHS}


@pytest.fixture(scope="module")
def cmap(cmaps: dict[str, set[int]]) -> set[int]:
    """Every character some shipped font has."""
    return set().union(*cmaps.values())


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Call]]:
    """Every (text, font file, start, end) a chart hands to Pillow while the test runs."""
    calls: list[Call] = []
    original = ImageDraw.ImageDraw.text

    def spy(self, xy, text, fill=None, font=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        end = (xy[0] + font.getlength(text), xy[1])
        calls.append((str(text), str(getattr(font, "path", None)), tuple(xy), end))
        return original(self, xy, text, fill, font, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    yield calls


def assert_all_glyphs(calls: list[Call], cmaps: dict[str, set[int]]) -> str:
    """Every drawn character is in the cmap of its own font; returns the text drawn, a line per text."""
    assert calls
    lines: list[str] = []
    previous = None
    for text, font, start, end in calls:
        assert font in cmaps, f"{text!r} drawn with {font}, not a shipped font"
        missing = {f"U+{ord(ch):04X}" for ch in text if ord(ch) not in cmaps[font]}
        assert not missing, f"{text!r} draws characters {font} lacks: {sorted(missing)}"
        if start == previous:
            lines[-1] += text  # the next run of the same text, in the other font
        else:
            lines.append(text)
        previous = end
    return "\n".join(lines)


def catalogs(cog: str) -> Catalogs:
    loaded = Catalogs()
    loaded.load_dir(ROOT / "cogs" / cog / "locales")
    return loaded


def poll(method: Method, labels: list[str], question: str) -> Poll:
    return Poll(
        guild_id=1,
        channel_id=2,
        question=question,
        options=tuple(Option(i + 1, label) for i, label in enumerate(labels)),
        method=method,
        max_choices=len(labels),
        secret=False,
        hidden=False,
        eligible_role_id=None,
        ping_role_id=None,
        closes_at=time.time(),
        created_by=1,
        id=7,
        message_id=None,
        state=State.CLOSED,
        created_at=time.time(),
    )


def test_the_fonts_are_shipped_with_their_licence_small_and_read_exactly(cmaps) -> None:
    assert sum(path.stat().st_size for path in ct.FONT_PATHS) < 8_000_000
    licence = (ROOT / "data" / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    for i, path in enumerate(ct.FONT_PATHS):
        assert path.is_relative_to(ROOT / "data" / "fonts") and path.name in licence
        assert ct.read_cmap(path) == frozenset(cmaps[str(path)]) == ct.chart_fonts().cmaps[i]
    assert [font.path for font in ct.face(17).fonts] == [str(path) for path in ct.FONT_PATHS]


def test_the_fonts_cover_european_scripts_kana_and_jis_level_1_and_2_kanji(cmap: set[int]) -> None:
    kana = [*range(0x3041, 0x3097), *range(0x30A1, 0x30FB)]
    latin = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x370, 0x3D0), *range(0x400, 0x460)]
    kanji = [cp for cp in range(0x4E00, 0xA000) if _jis_x_0208(chr(cp))]
    assert len(kanji) > 6000
    assigned = [cp for cp in (*kana, *latin, *kanji) if unicodedata.category(chr(cp)) != "Cn"]
    assert not [hex(cp) for cp in assigned if cp not in cmap]


def _jis_x_0208(ch: str) -> bool:
    try:
        ch.encode("iso2022_jp")
    except UnicodeEncodeError:
        return False
    return True


def test_every_catalog_text_a_chart_shows_is_drawn_whole(cmap: set[int]) -> None:
    """Status, medium and chart texts in both languages need no replacement (beyond the emoji markers)."""
    for cog, prefixes in (
        ("disclosures", ("disclosures.status.", "disclosures.medium.", "disclosures.stats.")),
        ("polls", ("polls.chart.", "polls.results.ballots", "polls.summary.", "polls.tie.")),
    ):
        loaded = catalogs(cog)
        for lang in ("en", "ja"):
            for key in loaded.keys(lang):
                if key.startswith(prefixes):
                    text = loaded.get(key, lang) or ""
                    kept = ct.chart_text(text)
                    assert all(ord(ch) in cmap for ch in kept)
                    assert kept.count("?") == text.count("?"), key  # no script the font lacks
                    assert kept.replace(" ", "") in text.replace(" ", ""), key  # only emoji were left out


def test_hostile_and_japanese_bar_charts_draw_only_glyphs_the_font_has(drawn, cmaps) -> None:
    bar_chart_png(
        JAPANESE + " 🏆", [(label, i) for i, label in enumerate(HOSTILE)], subtitle="🤝 " + HOSTILE[5]
    )
    rounds_chart_png(
        HOSTILE[2],
        [(f"🏆 {label}", [(label, 3, True), (JAPANESE, 0)]) for label in HOSTILE],
        subtitle=HOSTILE[9],
        legend="🏆 " + HOSTILE[13],
    )
    text = assert_all_glyphs(drawn, cmaps)
    assert "背景美術、生成AI" in text and "ｶﾀｶﾅ" in text and "①②③" in text and "全角ＡＢＣ" in text
    assert ":artist palette:" in text and ":flag JP:" in text and "winner" in text
    assert "evil right-to-left override" in text and "zero width" in text


@pytest.mark.parametrize("method", list(Method))
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_poll_chart_draws_only_glyphs_the_font_has(drawn, cmaps, method: Method, lang: str) -> None:
    labels = [*HOSTILE[:9], JAPANESE, "ｶﾀｶﾅ", "x" * 80]
    subject = poll(method, labels, "🏆 " + JAPANESE + " " + HOSTILE[5])
    ids = subject.option_ids
    if method is Method.SCORE:
        ballots = [dict.fromkeys(ids, 1) | {ids[0]: 5}, dict.fromkeys(ids, 2)]
    else:
        ballots = [[ids[0], ids[1]], [ids[1], ids[0]], [ids[2]]]
    result = count(method, ids, ballots, max_choices=len(ids))
    loaded = catalogs("polls")
    result_chart(subject, result, lambda key, **params: loaded.text(key, lang, **params))
    text = assert_all_glyphs(drawn, cmaps)
    assert "背景美術、生成AI" in text
    assert "🏆" not in text and "🤝" not in text
    assert ("Tie" in text or "Result" in text) if lang == "en" else ("結果" in text or "同点" in text)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_stats_chart_draws_only_glyphs_the_font_has(drawn, cmaps, lang: str) -> None:
    source = tomllib.loads((ROOT / "cogs/disclosures/locales" / f"{lang}.toml").read_text("utf-8"))
    statuses = list(source["disclosures"]["status"].values())
    media = list(source["disclosures"]["medium"].values())
    stats = source["disclosures"]["stats"]
    sections = {
        "status": [(label, i + 1) for i, label in enumerate(statuses)],
        "medium": [(label, i) for i, label in enumerate([*media, *HOSTILE])],
        "year": [("2023", 4), ("?", 1)],
    }
    titles = {name: stats[f"by_{name}"] + " 🏆" for name in sections}
    assert set(_render_charts(titles, sections)) == set(sections)
    squashed = assert_all_glyphs(drawn, cmaps).replace("\n", "").replace(" ", "")
    for label in [*statuses, *media, *(stats[f"by_{name}"] for name in sections)]:
        assert label.replace(" ", "") in squashed  # whole, on one line or two


def test_missing_characters_are_replaced_in_one_place() -> None:
    assert ct.chart_text("🏆 Result: A") == "Result: A"
    assert ct.chart_text("🤝 **A**, **B** が同点") == "**A**, **B** が同点"
    assert ct.chart_text("🎨🖌️") == ":artist palette: :lower left paintbrush:"
    assert ct.chart_text("שלום עולם") == "? ?"
    assert (
        ct.chart_text("Dvořák, Łódź, İstanbul, Ελληνικά, Русский")
        == "Dvořák, Łódź, İstanbul, Ελληνικά, Русский"
    )
    assert ct.chart_text("a\u202eb\u200bc\nd\x00e") == "abc de"
    assert ct.chart_text("Ｈｅｌｌｏ 𝐁𝐨𝐥𝐝 𝓼𝓬𝓻𝓲𝓹𝓽") == "Ｈｅｌｌｏ Bold script"
    assert ct.chart_text("e" + "\u0301" * 9) == "é" + "\u0301" * ct.MAX_MARKS


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_made_drawable(text: str) -> None:
    kept = ct.chart_text(text)
    assert all(ct.chart_fonts().has(ch) for ch in kept)
    assert kept == kept.strip() and "  " not in kept
