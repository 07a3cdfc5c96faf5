"""The provenance reader on generator traces, XMP and EXIF: real files from other projects and crafted ones."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cogs.disclosures.provenance import read_signals, sniff_mime
from cogs.disclosures.signals import source_term
from tests.cogs.disclosures.image_files import fixture, png, with_exif, xmp


def kinds(data: bytes) -> list[tuple[str, bool]]:
    return [(s.kind, s.ai) for s in read_signals(data)]


def test_plain_images_have_no_signals() -> None:
    for fmt in ("PNG", "JPEG", "WEBP", "GIF", "TIFF"):
        out = io.BytesIO()
        Image.new("RGB", (4, 4)).save(out, fmt)
        assert read_signals(out.getvalue()) == [], fmt
    assert read_signals(b"not an image at all") == []
    assert read_signals(b"") == []


def test_automatic1111_parameters() -> None:
    signals = read_signals(
        png(parameters="a fox\nNegative prompt: blur\nSteps: 20, Sampler: Euler a, Seed: 1")
    )
    assert [(s.kind, s.ai) for s in signals] == [("png_parameters", True)]
    assert "Steps: 20" in signals[0].detail["excerpt"]


def test_comfyui_prompt_and_workflow_in_png() -> None:
    assert kinds(png(prompt='{"3": {"class_type": "KSampler"}}', workflow="{}")) == [
        ("comfyui", True),
        ("comfyui", True),
    ]


@pytest.mark.parametrize("name", ["comfyui-exif.jpeg", "comfyui-exif.webp"])
def test_real_comfyui_jpeg_and_webp_carry_the_workflow_in_exif(name: str) -> None:
    signals = read_signals(fixture(name))
    assert [(s.kind, s.detail, s.ai) for s in signals] == [
        ("comfyui_exif", {"tag": "ImageDescription", "key": "workflow"}, True),
        ("comfyui_exif", {"tag": "Make", "key": "prompt"}, True),
    ]


def test_crafted_comfyui_exif_forms() -> None:
    prompt = '{"3": {"class_type": "KSampler", "inputs": {}}}'
    assert kinds(with_exif("JPEG", {0x0110: "Prompt: " + prompt})) == [("comfyui_exif", True)]
    assert kinds(with_exif("WEBP", {0x010E: prompt})) == [("comfyui_exif", True)]
    # UserComment written to IFD0 instead of the Exif IFD, as some ComfyUI savers do
    assert kinds(with_exif("JPEG", {0x9286: "Workflow: " + '{"nodes": [], "links": []}'})) == [
        ("comfyui_exif", True)
    ]
    # An ordinary camera description is not a signal and not shown
    assert kinds(with_exif("JPEG", {0x010E: "Sunset over Kyoto", 0x010F: "Canon"})) == []


@pytest.mark.parametrize(
    ("name", "key"), [("invokeai-metadata.png", "invokeai_metadata"), ("invokeai-dream.png", "Dream")]
)
def test_real_invokeai_pngs(name: str, key: str) -> None:
    assert [(s.kind, s.detail, s.ai) for s in read_signals(fixture(name))] == [
        ("invokeai", {"key": key}, True)
    ]


def test_crafted_invokeai_chunks() -> None:
    found = read_signals(png(invokeai_graph='{"nodes": {}}', **{"sd-metadata": '{"model": "x"}'}))
    assert [(s.kind, s.detail["key"]) for s in found] == [
        ("invokeai", "invokeai_graph"),
        ("invokeai", "sd-metadata"),
    ]


def test_novelai_software_and_comment() -> None:
    signals = read_signals(
        png(Software="NovelAI", Description="a fox", Comment='{"steps": 28, "n_samples": 1}')
    )
    assert [(s.kind, s.ai) for s in signals] == [("novelai", True)]
    assert "Software=NovelAI" in signals[0].detail["detail"]


def test_xmp_digital_source_type_in_png_jpeg_and_webp() -> None:
    compressed = png(itxt={"XML:com.adobe.xmp": xmp("trainedAlgorithmicMedia")})
    assert kinds(compressed) == [("digital_source_type", True)]
    for fmt in ("JPEG", "WEBP"):
        out = io.BytesIO()
        Image.new("RGB", (4, 4)).save(out, fmt, xmp=xmp("digitalCapture").encode())
        signals = read_signals(out.getvalue())
        assert [(s.kind, s.ai, s.detail["value"]) for s in signals] == [
            ("digital_source_type", False, "digitalCapture")
        ], fmt


def test_element_and_resource_forms_of_the_source_type() -> None:
    element = (
        "<x:xmpmeta><Iptc4xmpExt:DigitalSourceType>\n  http://cv.iptc.org/newscodes/digitalsourcetype/"
        "compositeWithTrainedAlgorithmicMedia\n</Iptc4xmpExt:DigitalSourceType></x:xmpmeta>"
    )
    resource = '<plus:DigitalSourceType rdf:resource="http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"/>'
    found = read_signals(png(itxt={"XML:com.adobe.xmp": element + resource}))
    assert [(s.detail["value"], s.ai) for s in found] == [
        ("compositeWithTrainedAlgorithmicMedia", True),
        ("algorithmicMedia", True),
    ]


def test_source_type_with_padding_or_another_prefix_is_shortened() -> None:
    signals = read_signals(
        png(
            itxt={
                "XML:com.adobe.xmp": xmp(
                    "trainedAlgorithmicMedia", prefix=" " + "http://cv.iptc.org/newscodes/digitalsourcetype/"
                )
            }
        )
    )
    assert [s.detail["value"] for s in signals] == ["trainedAlgorithmicMedia"]
    assert (
        source_term("  https://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture ") == "digitalCapture"
    )
    assert source_term("http://c2pa.org/digitalsourcetype/trainedAlgorithmicData") == "trainedAlgorithmicData"
    assert source_term("https://example.org/other") == "https://example.org/other"


def test_exif_software_is_a_signal_only_when_it_names_a_generator() -> None:
    comment = b"ASCII\0\0\0a fox, Steps: 20, Sampler: Euler"
    for fmt in ("JPEG", "WEBP", "PNG", "TIFF"):
        found = read_signals(with_exif(fmt, {0x0131: "NovelAI Diffusion"}, user_comment=comment))
        assert [(s.kind, s.ai, s.context) for s in found] == [
            ("exif_software", True, False),
            ("exif_comment", True, False),
        ], fmt
    for editor in ("Adobe Photoshop 25.0 (Windows)", "GIMP 2.10"):
        [software] = read_signals(with_exif("JPEG", {0x0131: editor}))
        assert (software.kind, software.ai, software.context, software.detail["value"]) == (
            "exif_software",
            False,
            True,
            editor,
        )


def test_sniffing_covers_every_format_the_sdk_reads() -> None:
    def saved(fmt: str) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (4, 4)).save(out, fmt)
        return out.getvalue()

    assert sniff_mime(saved("TIFF")) == "image/tiff"
    assert sniff_mime(saved("TIFF"), "image/x-adobe-dng") == "image/dng"
    assert sniff_mime(saved("AVIF")) == "image/avif"
    assert sniff_mime(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic") == "image/heic"
    assert sniff_mime(b"\0\0\0\x18ftypmif1\0\0\0\0mif1miaf") == "image/heic"
    assert sniff_mime(b"\xff\x0a\xfa\x7f") == "image/jxl"
    assert sniff_mime(b"\0\0\0\x0cJXL \r\n\x87\n\0\0\0\x14ftypjxl ") == "image/jxl"
    assert (
        sniff_mime(b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')
        == "image/svg+xml"
    )
    assert sniff_mime(b"\0\0\0\x18ftypisom\0\0\0\0isommp41") is None  # a video is not an image
    assert sniff_mime(b"<html><body>no</body></html>") is None
