"""The provenance reader on images crafted with each signal, one with none, and a C2PA manifest's JSON shape."""

from __future__ import annotations

import io

from PIL import Image, PngImagePlugin

from cogs.disclosures.provenance import read_c2pa, read_signals, summarise_c2pa

XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
    'Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/{term}"/></rdf:RDF></x:xmpmeta>'
)


def png(itxt: dict[str, str] | None = None, **texts: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in texts.items():
        info.add_text(key, value)
    for key, value in (itxt or {}).items():
        info.add_itxt(key, value, zip=True)
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def kinds(data: bytes) -> list[tuple[str, bool]]:
    return [(s.kind, s.ai) for s in read_signals(data)]


def test_plain_images_have_no_signals() -> None:
    for fmt in ("PNG", "JPEG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (4, 4)).save(out, fmt)
        assert read_signals(out.getvalue()) == []
    assert read_signals(b"not an image at all") == []


def test_automatic1111_parameters() -> None:
    signals = read_signals(
        png(parameters="a fox\nNegative prompt: blur\nSteps: 20, Sampler: Euler a, Seed: 1")
    )
    assert [(s.kind, s.ai) for s in signals] == [("png_parameters", True)]
    assert "Steps: 20" in signals[0].detail["excerpt"]


def test_comfyui_prompt_and_workflow() -> None:
    assert kinds(png(prompt='{"3": {"class_type": "KSampler"}}', workflow="{}")) == [
        ("comfyui", True),
        ("comfyui", True),
    ]


def test_novelai_software_and_comment() -> None:
    signals = read_signals(
        png(Software="NovelAI", Description="a fox", Comment='{"steps": 28, "n_samples": 1}')
    )
    assert [(s.kind, s.ai) for s in signals] == [("novelai", True)]
    assert "Software=NovelAI" in signals[0].detail["detail"]


def test_xmp_digital_source_type_in_png_and_jpeg() -> None:
    compressed = png(itxt={"XML:com.adobe.xmp": XMP.format(term="trainedAlgorithmicMedia")})
    assert kinds(compressed) == [("digital_source_type", True)]
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "JPEG", xmp=XMP.format(term="digitalCapture").encode())
    signals = read_signals(out.getvalue())
    assert [(s.kind, s.ai, s.detail["value"]) for s in signals] == [
        ("digital_source_type", False, "digitalCapture")
    ]


def test_exif_software_and_user_comment() -> None:
    exif = Image.Exif()
    exif[0x0131] = "NovelAI Diffusion"
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\0\0\0a fox, Steps: 20, Sampler: Euler"
    for fmt in ("JPEG", "WEBP", "PNG"):
        out = io.BytesIO()
        Image.new("RGB", (4, 4)).save(out, fmt, exif=exif.tobytes())
        assert kinds(out.getvalue()) == [("exif_software", True), ("exif_comment", True)], fmt
    camera = Image.Exif()
    camera[0x0131] = "GIMP 2.10"
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "JPEG", exif=camera.tobytes())
    assert kinds(out.getvalue()) == [("exif_software", False)]


def test_c2pa_reader_handles_no_manifest_and_garbage() -> None:
    assert read_c2pa(png(), "image/png") is None
    broken = read_c2pa(b"\xff\xd8\xff" + b"\0" * 10, "image/jpeg")
    assert broken is None or broken.kind == "c2pa_error"


def test_c2pa_manifest_store_summary() -> None:
    manifest_store = {
        "active_manifest": "urn:uuid:1",
        "manifests": {
            "urn:uuid:1": {
                "claim_generator_info": [{"name": "ChatGPT", "version": "1.0"}],
                "assertions": [
                    {
                        "label": "c2pa.actions.v2",
                        "data": {
                            "actions": [
                                {
                                    "action": "c2pa.created",
                                    "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
                                },
                                {"action": "c2pa.converted"},
                            ]
                        },
                    }
                ],
            }
        },
        "validation_state": "Valid",
    }
    signal = summarise_c2pa(manifest_store)
    assert signal.ai and signal.detail == {
        "generator": "ChatGPT 1.0",
        "actions": "c2pa.created, c2pa.converted",
        "source_types": "trainedAlgorithmicMedia",
        "validation": "Valid",
    }
    human = summarise_c2pa(
        {
            "manifests": {"m": {"claim_generator": "Photoshop", "assertions": []}},
            "validation_status": [{"code": "signingCredential.untrusted"}],
        }
    )
    assert not human.ai and human.detail["validation"] == "Valid (untrusted signer)"
