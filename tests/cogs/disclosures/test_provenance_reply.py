"""The image check's reply text, in English and Japanese: every kind of signal, file text escaped, honest words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import Catalogs
from cogs.disclosures.image_reply import Translate, quoted, reply_embed, section, section_limit, signal_lines
from cogs.disclosures.reader_pool import ReadResult
from cogs.disclosures.signals import Signal

LOCALES = Path(__file__).resolve().parents[3] / "cogs" / "disclosures" / "locales"
EVERY_KIND = [
    Signal("c2pa", {"generator": "Gen 1.0", "actions": "c2pa.created", "validation": "Invalid"}),
    Signal(
        "c2pa_invalid", {"reason": "credential", "code": "signingCredential.invalid", "explanation": "EKU"}
    ),
    Signal("c2pa_source", {"value": "composite", "where": "active"}),
    Signal(
        "c2pa_source",
        {"value": "trainedAlgorithmicMedia", "where": "ingredient", "title": "", "relationship": "parentOf"},
        ai=True,
    ),
    Signal("c2pa_remote", {"host": "example.org"}),
    Signal("c2pa_error", {"error": "Other: bad box"}),
    Signal("digital_source_type", {"value": "digitalCapture"}),
    Signal("digital_source_type", {"value": "trainedAlgorithmicMedia"}, ai=True),
    Signal("png_parameters", {"excerpt": "a fox, Steps: 20"}, ai=True),
    Signal("comfyui", {"key": "workflow"}, ai=True),
    Signal("comfyui_exif", {"tag": "Make", "key": "prompt"}, ai=True),
    Signal("invokeai", {"key": "invokeai_metadata"}, ai=True),
    Signal("novelai", {"detail": "Software=NovelAI"}, ai=True),
    Signal("exif_software", {"value": "Stable Diffusion"}, ai=True),
    Signal("exif_comment", {"excerpt": "Steps: 20"}, ai=True),
    Signal("exif_software", {"value": "GIMP 2.10"}, context=True),
    Signal("limit_text", {"limit": "4"}),
    Signal("limit_chunks", {"limit": "20000"}),
]


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    catalogs = Catalogs()
    catalogs.load_dir(LOCALES)
    return catalogs


def translator(catalogs: Catalogs, lang: str) -> Translate:
    def t(key: str, /, **params: object) -> str:
        return catalogs.text(key, lang, **params)

    return t


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_kind_of_signal_renders_in_both_languages(catalogs: Catalogs, lang: str) -> None:
    t = translator(catalogs, lang)
    for signal in EVERY_KIND:
        lines = signal_lines(signal, t)
        assert lines, signal.kind
        for line in lines:
            assert "disclosures.provenance" not in line and "{" not in line, line
    for error in ("timeout", "memory", "failed"):
        assert "disclosures.provenance" not in section("x.png", ReadResult(error=error), t)
    embed = reply_embed([section("x.png", ReadResult(EVERY_KIND), t)], t)
    assert len(embed.description or "") <= 4096 and all(len(f.value or "") <= 1024 for f in embed.fields)


def test_the_english_reply_reads_as_signals_never_as_proof(catalogs: Catalogs) -> None:
    t = translator(catalogs, "en")
    text = section("x.png", ReadResult(EVERY_KIND), t)
    assert text.startswith("**x.png:**\n• C2PA Content Credentials: generator “Gen 1.0”; validation Invalid")
    assert (
        "• Why it is invalid: the signing certificate does not meet C2PA's rules. That is a problem with the "
        "signer's certificate, not by itself a sign that the image was changed (the C2PA SDK says “EKU”)"
    ) in text
    assert (
        "• ⚠️ C2PA digital source type says generated: “trainedAlgorithmicMedia”, in the manifest of an "
        "ingredient (a file this image was made from) without a title, parentOf"
    ) in text
    assert text.endswith(
        "ℹ️ Stopped reading text metadata after 4 MB: anything after that in the file was not checked.\n"
        "ℹ️ Stopped after 20000 PNG chunks: anything after them in the file was not checked."
    )  # the notes are kept even when the signals above them are cut short
    few = section("y.png", ReadResult(EVERY_KIND[-3:]), t)
    assert few.split("\n")[1] == "◦ Other metadata, not an AI signal: EXIF Software: “GIMP 2.10”"
    assert not re.search(r"\bproof|proves|verified|authentic|genuine|human-made", text, re.I)
    disclaimer = catalogs.text("disclosures.provenance.disclaimer", "en")
    assert "**not proof**" in disclaimer and "never means made by a person" in disclaimer
    assert "stealth" in catalogs.text("disclosures.provenance.scope", "en")


def test_only_context_means_nothing_was_found(catalogs: Catalogs) -> None:
    t = translator(catalogs, "en")
    photoshop = Signal("exif_software", {"value": "Adobe Photoshop 21.1 (Macintosh)"}, context=True)
    assert section("p.jpg", ReadResult([photoshop]), t) == (
        "p.jpg: no AI-related metadata found.\n"
        "◦ Other metadata, not an AI signal: EXIF Software: “Adobe Photoshop 21.1 \\(Macintosh\\)”"
    )
    assert section("q.jpg", ReadResult([]), t) == "q.jpg: no AI-related metadata found."


def test_file_text_is_escaped_quoted_and_clipped() -> None:
    shown = quoted(
        "# PROOF: human-made\n||x|| [link](https://evil.example) **b** @everyone <@123>\u202e", 300
    )
    assert shown.startswith("“\\# PROOF\\: human-made \\|\\|x\\|\\| \\[link\\]\\(https\\://evil.example\\)")
    assert "@\u200beveryone" in shown and "<@\u200b123\\>" in shown and "\u202e" not in shown
    assert "\n" not in shown
    long = quoted("word " * 500, 120)
    assert len(long) <= 122 and long.endswith("…”")


def test_many_signals_end_with_a_count_of_the_rest(catalogs: Catalogs) -> None:
    t = translator(catalogs, "en")
    many = [Signal("digital_source_type", {"value": f"term{i:03}" + "x" * 60}) for i in range(40)]
    text = section("m.png", ReadResult(many), t)
    assert len(text) <= 1000 and re.search(r"…and \d+ more signals$", text)
    # Ten such files in one message: each gets a share of the embed, and every one of them is shown.
    parts = [section(f"f{i}.png", ReadResult(many), t, section_limit(10)) for i in range(10)]
    description = reply_embed(parts, t).description or ""
    assert all(f"**f{i}.png:**" in description for i in range(10)) and len(description) <= 4096
