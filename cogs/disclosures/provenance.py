"""Read AI-provenance signals from image bytes: C2PA, IPTC digital source type, generator text, EXIF.

Pure and synchronous. The bot never calls it on its event loop or in a thread of its own process: it runs in
the reader worker process (``reader_worker.py``, driven by ``reader_pool.py``), which has a memory limit and is
killed when it runs too long. Nothing here fetches anything: the C2PA SDK is configured to make no network
request (``c2pa_reader.SETTINGS``), PNG chunks are parsed by hand with a decompression budget, XMP is found by
a linear scan, and no pixels are decoded.
"""

from __future__ import annotations

import io
import logging

from PIL import Image

from cogs.disclosures.c2pa_reader import read_c2pa
from cogs.disclosures.metadata_text import digital_source_types, exif_signals, generator_signals
from cogs.disclosures.png_text import read_png
from cogs.disclosures.signals import AI_SOURCE_TYPES, Signal

log = logging.getLogger(__name__)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JXL_CONTAINER = b"\x00\x00\x00\x0cJXL \r\n\x87\n"
AVIF_BRANDS = frozenset({b"avif", b"avis"})
HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)
DNG_TYPES = frozenset({"image/dng", "image/x-adobe-dng"})
# Image types the C2PA SDK reads (c2pa.Reader.get_supported_mime_types()); every one is passed to it.
C2PA_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/webp",
        "image/gif",
        "image/tiff",
        "image/dng",
        "image/avif",
        "image/heic",
        "image/heif",
        "image/jxl",
        "image/svg+xml",
    }
)
# Pillow formats whose header carries EXIF we can read without decoding pixels.
PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/webp": "WEBP",
    "image/tiff": "TIFF",
    "image/dng": "TIFF",
    "image/avif": "AVIF",
}


def _bmff_brands(data: bytes) -> set[bytes]:
    size = int.from_bytes(data[:4], "big")
    end = min(max(size, 16), 64, len(data))
    brands = {data[8:12]}
    brands.update(data[i : i + 4] for i in range(16, end - 3, 4))
    return brands


def sniff_mime(data: bytes, declared: str | None = None) -> str | None:
    """The image type from magic bytes (PNG, JPEG, WebP, GIF, TIFF/DNG, AVIF, HEIC, JPEG XL, SVG), or None."""
    if data.startswith(PNG_MAGIC):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] in (b"II*\0", b"MM\0*"):
        return "image/dng" if (declared or "").lower() in DNG_TYPES else "image/tiff"
    if data[4:8] == b"ftyp":
        brands = _bmff_brands(data)
        if brands & AVIF_BRANDS:
            return "image/avif"
        if brands & HEIF_BRANDS:
            return "image/heic"
        return None
    if data.startswith((b"\xff\x0a", JXL_CONTAINER)):
        return "image/jxl"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE")) and b"<svg" in data[:4096]:
        return "image/svg+xml"
    return None


def _exif_from(data: bytes, mime: str, png_exif: bytes | None) -> Image.Exif | None:
    if png_exif is not None:
        exif = Image.Exif()
        exif.load(png_exif)
        return exif
    fmt = PILLOW_FORMATS.get(mime)
    if fmt is None:
        return None
    with Image.open(io.BytesIO(data), formats=[fmt]) as image:  # header only: no pixels are decoded
        return image.getexif()


def read_signals(data: bytes, mime: str | None = None) -> list[Signal]:
    """Every provenance signal found in an image file's bytes (empty: none found, which proves nothing).

    ``mime`` is what the sender declared; the bytes decide when they are recognisable.
    """
    declared = (mime or "").split(";")[0].strip().lower()
    kind = sniff_mime(data, declared) or (declared if declared in C2PA_TYPES else None)
    if kind is None:
        return []
    png = read_png(data) if kind == "image/png" else None
    signals = read_c2pa(data, kind, png_has_store=bool(png and png.has_c2pa))
    texts = png.texts if png else {}
    terms = digital_source_types(data)
    for text in texts.values():
        terms += digital_source_types(text.encode("utf-8", "replace"))
    for term in dict.fromkeys(terms):
        signals.append(Signal("digital_source_type", {"value": term}, ai=term in AI_SOURCE_TYPES))
    signals += generator_signals(texts)
    try:
        exif = _exif_from(data, kind, png.exif if png else None)
    except MemoryError:  # the worker's limit: answered "needed too much memory", never "nothing found"
        raise
    except Exception as exc:  # Pillow raises many types on damaged or unsupported headers
        log.debug("EXIF unreadable: %s", exc)
        exif = None
    if exif is not None:
        signals += exif_signals(exif)
    if png is not None:
        signals += png.limits
    return signals
