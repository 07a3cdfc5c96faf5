"""The provenance reader on images carrying real, freshly signed C2PA manifests (made offline in the test)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import Catalogs
from cogs.disclosures.image_check import signal_line
from cogs.disclosures.provenance import Signal, read_c2pa, read_signals
from tests.cogs.disclosures.c2pa_fixtures import Credentials, image_bytes, make_credentials, manifest, sign

LOCALES = Path(__file__).resolve().parents[3] / "cogs" / "disclosures" / "locales"
GENERATOR = "Haikei Test Generator"


@pytest.fixture(scope="module")
def credentials() -> Credentials:
    return make_credentials()


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    catalogs = Catalogs()
    catalogs.load_dir(LOCALES)
    return catalogs


def rendered(signal: Signal, catalogs: Catalogs, lang: str) -> list[str]:
    return signal_line(signal, lambda key, **params: catalogs.text(key, lang, **params))


@pytest.mark.parametrize(("fmt", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_signed_ai_manifest_is_read(
    fmt: str, mime: str, credentials: Credentials, catalogs: Catalogs
) -> None:
    signed = sign(image_bytes(fmt), mime, manifest(GENERATOR, "trainedAlgorithmicMedia"), credentials)
    signals = read_signals(signed)
    # The manifest is the only signal: c2pa-rs writes no XMP or EXIF of its own into these formats.
    assert [(s.kind, s.ai) for s in signals] == [("c2pa", True)]
    assert signals[0].detail == {
        "generator": f"{GENERATOR} 0.1",
        "actions": "c2pa.created",
        "source_types": "trainedAlgorithmicMedia",
        # The signature checks out, but a throwaway CA is on no trust list: the reader must say so.
        "validation": "Valid (untrusted signer)",
    }
    assert read_c2pa(signed, mime) == signals[0]

    lines = rendered(signals[0], catalogs, "en")
    assert lines == [
        f"C2PA Content Credentials: generator {GENERATOR} 0.1; validation Valid (untrusted signer)",
        "C2PA actions: c2pa.created",
        "⚠️ IPTC digital source type says generated: trainedAlgorithmicMedia",
    ]
    # Nothing in the signal lines claims proof or authenticity; the disclaimer under them denies it.
    text = " ".join(lines)
    assert not re.search(r"proof|proves|verif|authentic|genuine", text, re.I)
    assert "trusted" not in text.lower().replace("untrusted", "")
    assert "**not proof**" in catalogs.text("disclosures.provenance.disclaimer", "en")
    assert all(line for line in rendered(signals[0], catalogs, "ja"))


def test_signed_camera_manifest_is_not_flagged(credentials: Credentials) -> None:
    signed = sign(
        image_bytes("PNG"), "image/png", manifest("Haikei Test Camera", "digitalCapture"), credentials
    )
    [signal] = read_signals(signed)
    assert signal.kind == "c2pa" and not signal.ai
    assert signal.detail["source_types"] == "digitalCapture"
    assert signal.detail["validation"] == "Valid (untrusted signer)"


def test_tampered_pixels_read_as_invalid(credentials: Credentials) -> None:
    signed = sign(
        image_bytes("PNG"), "image/png", manifest(GENERATOR, "trainedAlgorithmicMedia"), credentials
    )
    start = signed.index(b"IDAT") + 8  # inside the hashed image data, past the chunk's length and type
    tampered = signed[:start] + bytes([signed[start] ^ 0xFF]) + signed[start + 1 :]
    [signal] = read_signals(tampered)
    assert signal.kind == "c2pa" and signal.detail["validation"] == "Invalid"
    assert signal.detail["source_types"] == "trainedAlgorithmicMedia"  # still reported, as a claim
