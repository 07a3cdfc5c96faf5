"""Build the two fonts every chart image is drawn with (bot/chart_text.py), from Noto fonts (SIL OFL 1.1).

- ChartSansLatin-Regular.ttf: Noto Sans Regular 2.004, Latin (every European language, Vietnamese), Greek,
  Cyrillic, punctuation and currency — tried first for every character.
- ChartSansJP-Regular.otf: Noto Sans CJK JP Regular 2.004, kana, every kanji of JIS X 0208 with the
  Windows-31J (NEC/IBM) extensions (about 6,700, all Jōyō kanji among them), CJK and full-width punctuation,
  arrows, shapes and symbols, and its own Latin — for whatever the first font lacks.

Run once by a maintainer; the results are committed with OFL.txt. Needs fontTools (the `test` extra) and the
upstream files, e.g. from Debian's fonts-noto-core and fonts-noto-cjk packages:

    apt-get download fonts-noto-core fonts-noto-cjk
    for deb in fonts-noto-*.deb; do dpkg-deb -x "$deb" /tmp/noto; done
    .venv/bin/python data/fonts/build_font.py /tmp/noto/usr/share/fonts

The families are renamed ("Haikei Chart Sans …"): a Modified Version under the OFL says what it is.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
LATIN_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x02FF),  # Latin-1, Latin Extended-A and -B, IPA, spacing modifiers
    (0x0300, 0x036F),  # combining diacritics
    (0x0370, 0x052F),  # Greek, Cyrillic and its supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2010, 0x205E),  # General Punctuation (printable part)
    (0x2070, 0x20CF),  # super/subscripts, currency
    (0xA720, 0xA7FF),  # Latin Extended-D
    (0xFB00, 0xFB06),  # Latin ligatures
)
JP_RANGES = (
    *LATIN_RANGES[:2],
    (0x2100, 0x23FF),  # letterlike, number forms, arrows, mathematical operators, technical
    (0x2460, 0x27BF),  # enclosed alphanumerics, box drawing, blocks, shapes, symbols, dingbats
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x30FF),  # CJK punctuation, hiragana, katakana
    (0x31F0, 0x33FF),  # katakana extensions, enclosed CJK, CJK compatibility
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)


def jis_kanji() -> set[int]:
    """Every ideograph encodable in Windows-31J (JIS X 0208 and its NEC/IBM extensions)."""
    found = set()
    for cp in (*range(0x3400, 0xA000), *range(0xF900, 0xFB00)):
        ch = chr(cp)
        if not unicodedata.name(ch, "").startswith("CJK"):
            continue
        try:
            ch.encode("cp932")
        except UnicodeEncodeError:
            continue
        found.add(cp)
    return found


def build(font: TTFont, wanted: set[int], family: str, out: Path, source: str) -> None:
    options = subset.Options()
    options.layout_features = ["kern", "palt", "ccmp", "locl", "liga", "mark", "mkmk"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.hinting = False
    options.drop_tables += ["DSIG", "vhea", "vmtx", "VORG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted))
    subsetter.subset(font)
    postscript = family.replace(" ", "") + "-Regular"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID == 4:
            record.string = f"{family} Regular"
        elif record.nameID == 6:
            record.string = postscript
        elif record.nameID == 3:
            record.string = f"{family}; subset of {source}"
    if "CFF " in font:
        font["CFF "].cff.fontNames = [postscript]
    font.save(str(out))
    print(f"{out.name}: {out.stat().st_size:,} bytes, {len(font.getBestCmap()):,} characters")


def main(fonts: Path) -> None:
    latin = TTFont(str(next(fonts.rglob("NotoSans-Regular.ttf"))))
    wanted = {cp for low, high in LATIN_RANGES for cp in range(low, high + 1)}
    build(latin, wanted, "Haikei Chart Sans Latin", HERE / "ChartSansLatin-Regular.ttf", "Noto Sans 2.004")
    collection = TTCollection(str(next(fonts.rglob("NotoSansCJK-Regular.ttc"))))
    jp = next(f for f in collection.fonts if f["name"].getDebugName(4) == "Noto Sans CJK JP")
    wanted = {cp for low, high in JP_RANGES for cp in range(low, high + 1)} | jis_kanji()
    build(jp, wanted, "Haikei Chart Sans JP", HERE / "ChartSansJP-Regular.otf", "Noto Sans CJK JP 2.004")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
