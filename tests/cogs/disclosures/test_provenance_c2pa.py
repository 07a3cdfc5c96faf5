"""C2PA through the SDK: manifests signed offline in the test, a real Google image, every format the SDK reads,
invalid manifests with the SDK's reasons, remote manifests, and files the SDK fails on that carry no C2PA."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cogs.disclosures.c2pa_reader import has_manifest_store, read_c2pa, reason_of, summarise_c2pa
from cogs.disclosures.provenance import read_signals
from tests.cogs.disclosures.c2pa_fixtures import (
    Credentials,
    edited_manifest,
    image_bytes,
    make_credentials,
    manifest,
    sign,
    swap_eku_to_server_auth,
)
from tests.cogs.disclosures.image_files import fixture, png, unparsable_jpeg

GENERATOR = "Haikei Test Generator"


@pytest.fixture(scope="module")
def credentials() -> Credentials:
    return make_credentials()


def ai_manifest() -> dict:
    return manifest(GENERATOR, "trainedAlgorithmicMedia")


def summary(signals: list) -> list[tuple[str, dict[str, str], bool]]:
    return [(s.kind, s.detail, s.ai) for s in signals]


@pytest.mark.parametrize(("fmt", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_signed_ai_manifest_is_read(fmt: str, mime: str, credentials: Credentials) -> None:
    signed = sign(image_bytes(fmt), mime, ai_manifest(), credentials)
    signals = read_signals(signed)
    # c2pa-rs writes no XMP or EXIF of its own into these formats: the manifest is the only source.
    assert summary(signals) == [
        (
            "c2pa",
            # The signature checks out, but a throwaway CA is on no trust list: the reader must say so.
            {
                "generator": f"{GENERATOR} 0.1",
                "actions": "c2pa.created",
                "validation": "Valid (untrusted signer)",
            },
            False,
        ),
        ("c2pa_source", {"value": "trainedAlgorithmicMedia", "where": "active"}, True),
    ]
    assert read_c2pa(signed, mime) == signals


@pytest.mark.parametrize(
    ("fmt", "mime", "declared"),
    [
        ("TIFF", "image/tiff", None),
        ("TIFF", "image/dng", "image/x-adobe-dng"),
        ("AVIF", "image/avif", None),
        ("WEBP", "image/webp", None),
        ("GIF", "image/gif", None),
        ("SVG", "image/svg+xml", None),
    ],
)
def test_every_format_the_sdk_reads_is_passed_to_it(
    fmt: str, mime: str, declared: str | None, credentials: Credentials
) -> None:
    if fmt == "SVG":
        source = (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect/></svg>'
        )
    else:
        out = io.BytesIO()
        Image.new("RGB", (8, 8), (1, 2, 3)).save(out, fmt)
        source = out.getvalue()
    signed = sign(source, mime, ai_manifest(), credentials)
    kinds = [(s.kind, s.ai) for s in read_signals(signed, declared)]
    assert kinds[:2] == [("c2pa", False), ("c2pa_source", True)], fmt


def test_ai_source_type_found_only_in_an_ingredient(credentials: Credentials) -> None:
    generated = sign(image_bytes("PNG"), "image/png", ai_manifest(), credentials)
    edited = sign(
        image_bytes("PNG"),
        "image/png",
        edited_manifest("Haikei Test Editor", "composite", "gen"),
        credentials,
        ingredient=(generated, "image/png", {"title": "gen.png", "relationship": "parentOf", "label": "gen"}),
    )
    sources = [(s.detail, s.ai) for s in read_signals(edited) if s.kind == "c2pa_source"]
    assert sources == [
        ({"value": "composite", "where": "active"}, False),
        (
            {
                "value": "trainedAlgorithmicMedia",
                "where": "ingredient",
                "title": "gen.png",
                "relationship": "parentOf",
            },
            True,
        ),
    ]


def test_real_google_image_says_generated_in_its_ingredient() -> None:
    signals = read_signals(fixture("c2pa-ingredient-trained-algorithmic-media.png"))
    assert signals[0].kind == "c2pa" and signals[0].detail["generator"].startswith(
        "Google C2PA Core Generator"
    )
    assert signals[0].detail["validation"] == "Valid (untrusted signer)"
    assert [(s.detail["value"], s.detail["where"], s.ai) for s in signals[1:]] == [
        ("composite", "active", False),
        ("trainedAlgorithmicMedia", "ingredient", True),
    ]


def test_tampered_pixels_read_as_invalid_because_changed(credentials: Credentials) -> None:
    signed = sign(image_bytes("PNG"), "image/png", ai_manifest(), credentials)
    start = signed.index(b"IDAT") + 8  # inside the hashed image data, past the chunk's length and type
    tampered = signed[:start] + bytes([signed[start] ^ 0xFF]) + signed[start + 1 :]
    signals = read_signals(tampered)
    assert signals[0].detail["validation"] == "Invalid"
    assert [(s.kind, s.detail["reason"]) for s in signals if s.kind == "c2pa_invalid"] == [
        ("c2pa_invalid", "changed")
    ]
    assert signals[-1].detail["value"] == "trainedAlgorithmicMedia"  # still reported, as a claim


def test_invalid_certificate_is_explained_as_a_credential_problem(credentials: Credentials) -> None:
    signed = swap_eku_to_server_auth(sign(image_bytes("JPEG"), "image/jpeg", ai_manifest(), credentials))
    signals = read_signals(signed)
    assert signals[0].detail["validation"] == "Invalid"
    reasons = {s.detail["reason"]: s.detail for s in signals if s.kind == "c2pa_invalid"}
    assert reasons["credential"]["code"] == "signingCredential.invalid"
    assert "EKU" in reasons["credential"]["explanation"]


def test_a_manifest_breaking_the_rules_gives_the_sdk_reason(credentials: Credentials) -> None:
    broken = ai_manifest()
    broken["assertions"][0]["data"]["actions"].append({"action": "c2pa.opened"})  # opened needs an ingredient
    signed = sign(image_bytes("PNG"), "image/png", broken, credentials, check=False)
    signals = read_signals(signed)
    [invalid] = [s for s in signals if s.kind == "c2pa_invalid"]
    assert signals[0].detail["validation"] == "Invalid" and invalid.detail["reason"] == "rules"
    assert invalid.detail[
        "explanation"
    ]  # the SDK's own words, e.g. "cannot have more than one c2pa.created…"


def test_reason_codes() -> None:
    assert reason_of("signingCredential.invalid") == "credential"
    assert reason_of("signingCredential.expired") == "credential"
    assert reason_of("claimSignature.mismatch") == "signature"
    assert reason_of("assertion.dataHash.mismatch") == "changed"
    assert reason_of("assertion.hashedURI.mismatch") == "changed"
    assert reason_of("assertion.action.ingredientMismatch") == "rules"
    assert reason_of("timeStamp.mismatch") == "timestamp"
    assert reason_of("something.new") == "other"
    only_eku = summarise_c2pa(
        {
            "manifests": {"m": {"claim_generator": "Cam", "assertions": []}},
            "validation_state": "Invalid",
            "validation_status": [
                {"code": "signingCredential.untrusted", "explanation": "signing certificate untrusted"},
                {"code": "signingCredential.invalid", "explanation": "certificate missing required EKU"},
            ],
        }
    )
    assert summary(only_eku)[1] == (
        "c2pa_invalid",
        {
            "reason": "credential",
            "code": "signingCredential.invalid",
            "explanation": "certificate missing required EKU",
        },
        False,
    )


def test_remote_manifest_is_named_not_fetched(credentials: Credentials) -> None:
    # 192.0.2.0/24 is reserved for documentation: nothing answers there, and the reader never tries.
    signed = sign(
        image_bytes("JPEG"), "image/jpeg", ai_manifest(), credentials, remote_url="http://192.0.2.7/m.c2pa"
    )
    assert summary(read_signals(signed)) == [("c2pa_remote", {"host": "192.0.2.7"}, False)]


def test_files_the_sdk_fails_on_without_c2pa_report_nothing(credentials: Credentials) -> None:
    truncated_png = png(parameters="Steps: 20")[:-30]
    assert [s.kind for s in read_signals(truncated_png)] == ["png_parameters"]
    assert read_c2pa(truncated_png, "image/png") == []
    jpeg = image_bytes("JPEG")
    for broken in (jpeg[:200], unparsable_jpeg()):
        assert read_signals(broken) == []
        assert not has_manifest_store(broken, "image/jpeg")


def test_a_damaged_file_with_a_manifest_store_says_so(credentials: Credentials) -> None:
    signed = sign(image_bytes("JPEG"), "image/jpeg", ai_manifest(), credentials)
    assert has_manifest_store(signed, "image/jpeg")
    damaged = signed[:2] + b"\xff\xe2\x00\x01" + signed[2:]  # a segment the SDK cannot parse, before APP11
    signals = read_signals(damaged)
    assert [s.kind for s in signals] == ["c2pa_error"]
    assert has_manifest_store(png(), "image/png", png_has_store=True)
