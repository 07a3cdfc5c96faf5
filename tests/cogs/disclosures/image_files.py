"""Image files for the image-check tests, generated here (never downloaded), and the real fixtures' paths.

Crafted kinds: generator traces, large files whose signal sits at the very end, regular-expression bait, PNG
chunk bombs, truncated and unparsable files, text that tries to format the bot's reply, metadata that is
small on disk but takes far more memory once read.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

from PIL import Image, PngImagePlugin

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "images"
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
    'Iptc4xmpExt:DigitalSourceType="{prefix}{term}"/></rdf:RDF></x:xmpmeta>'
)
INJECTION = "# PROOF: human-made\n||spoiler|| **bold** [click](https://evil.example) @everyone <@123>"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def xmp(term: str, prefix: str = IPTC) -> str:
    return XMP.format(prefix=prefix, term=term)


def png(itxt: dict[str, str] | None = None, size: tuple[int, int] = (4, 4), **texts: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in texts.items():
        info.add_text(key, value)
    for key, value in (itxt or {}).items():
        info.add_itxt(key, value, zip=True)
    out = io.BytesIO()
    Image.new("RGB", size).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def before_iend(data: bytes, *chunks: bytes) -> bytes:
    """``data`` (a PNG) with ``chunks`` inserted just before its IEND chunk: after all the image data."""
    end = data.rindex(b"IEND") - 4
    return data[:end] + b"".join(chunks) + data[end:]


def noise_png(megabytes: float, seed: int = 1) -> bytes:
    """An uncompressible PNG of about ``megabytes`` (random pixels, stored without compression)."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    pixels = random.Random(seed).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, "PNG", compress_level=0)
    return out.getvalue()


def noise_jpeg(megabytes: float, seed: int = 2) -> bytes:
    side = int((megabytes * 1024 * 1024 / 1.6) ** 0.5)
    pixels = random.Random(seed).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, "JPEG", quality=100)
    return out.getvalue()


def noise_webp(megabytes: float, exif: Image.Exif, seed: int = 3) -> bytes:
    """A WebP of about ``megabytes`` whose EXIF chunk comes after the image data (libwebp's order)."""
    side = int((megabytes * 1024 * 1024 / 1.2) ** 0.5)
    pixels = random.Random(seed).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, "WEBP", quality=100, exif=exif.tobytes())
    return out.getvalue()


def with_exif(fmt: str, tags: dict[int, object], user_comment: bytes | None = None, **save: object) -> bytes:
    exif = Image.Exif()
    for tag, value in tags.items():
        exif[tag] = value
    if user_comment is not None:
        exif.get_ifd(0x8769)[0x9286] = user_comment
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (90, 60, 30)).save(out, fmt, exif=exif.tobytes(), **save)
    return out.getvalue()


def regex_bait(size: int) -> bytes:
    """A JPEG whose XMP repeats the property name with no value and no closing tag: quadratic for the old regex."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    bait = b"<x:xmpmeta><Iptc4xmpExt:DigitalSourceType>" + b"DigitalSourceType>" * (size // 18)
    return out.getvalue()[:-2] + bait + b"\xff\xd9"


def chunk_bomb(chunks: int, each: int = 1024 * 1024) -> bytes:
    """A small PNG whose ``chunks`` zTXt chunks each inflate to ``each`` bytes (1,000 × 1 MB ≈ 1 GB of text)."""
    bomb = zlib.compress(b"A" * each, 9)
    body = b"".join(chunk(b"zTXt", f"Comment{i}".encode() + b"\0\0" + bomb) for i in range(chunks))
    return before_iend(png(), body)


def unparsable_jpeg() -> bytes:
    """A JPEG with no C2PA whose APP2 segment declares an impossible length: the C2PA SDK cannot parse it."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 100, 50)).save(out, "JPEG")
    data = out.getvalue()
    return data[:2] + b"\xff\xe2\x00\x01" + data[2:]


def rational_tiff(megabytes: float, seed: int = 4) -> bytes:
    """A 1×1 grey TIFF whose IFD0 Software tag holds ``megabytes`` of RATIONAL values (random, so few are small
    cached ints). Pillow keeps a tag's raw bytes when it opens the file but unpacks them when the tag is read:
    about 40 bytes of Python objects (ints, a Fraction and an IFDRational per pair) for each byte of the file."""
    count = int(megabytes * 1024 * 1024) // 8
    entries = [  # (tag, type, count, value); type 3 SHORT, 4 LONG, 5 RATIONAL; 0 = filled in below
        (256, 3, 1, 1),  # ImageWidth
        (257, 3, 1, 1),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # PhotometricInterpretation: black is zero
        (273, 4, 1, 0),  # StripOffsets: the one pixel
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 3, 1, 1),  # RowsPerStrip
        (279, 4, 1, 1),  # StripByteCounts
        (0x0131, 5, count, 0),  # Software, as numerator/denominator pairs: the values
    ]
    pixel = 8 + 2 + 12 * len(entries) + 4
    where = {273: pixel, 0x0131: pixel + 2}
    ifd = struct.pack("<H", len(entries))
    for tag, kind, n, value in entries:
        value = where.get(tag, value)
        ifd += (
            struct.pack("<HHIHH", tag, kind, n, value, 0)
            if kind == 3
            else struct.pack("<HHII", tag, kind, n, value)
        )
    ifd += struct.pack("<I", 0)  # no next IFD
    return b"II*\0" + struct.pack("<I", 8) + ifd + b"\x80\0" + random.Random(seed).randbytes(count * 8)


def padded_exif_tiff(megabytes: float, comment: bytes, seed: int = 5) -> bytes:
    """A 1×1 grey TIFF whose Exif IFD holds a UserComment (``comment``, ASCII) beside ``megabytes`` of RATIONAL
    values in its Gamma tag: reading the comment makes Pillow unpack the whole IFD, padding included."""
    count = int(megabytes * 1024 * 1024) // 8
    user_comment = b"ASCII\0\0\0" + comment
    ifd0 = [  # (tag, type, count, value); type 3 SHORT, 4 LONG; offsets filled in below
        (256, 3, 1, 1),  # ImageWidth
        (257, 3, 1, 1),  # ImageLength
        (258, 3, 1, 8),  # BitsPerSample
        (259, 3, 1, 1),  # Compression: none
        (262, 3, 1, 1),  # PhotometricInterpretation
        (273, 4, 1, 0),  # StripOffsets
        (277, 3, 1, 1),  # SamplesPerPixel
        (278, 3, 1, 1),  # RowsPerStrip
        (279, 4, 1, 1),  # StripByteCounts
        (0x8769, 4, 1, 0),  # the Exif IFD
    ]
    exif = [(0x9286, 7, len(user_comment), 0), (0xA500, 5, count, 0)]  # UserComment, Gamma
    exif_at = 8 + 2 + 12 * len(ifd0) + 4
    pixel = exif_at + 2 + 12 * len(exif) + 4
    comment_at = pixel + 2
    padding_at = comment_at + len(user_comment) + (len(user_comment) % 2)
    where = {273: pixel, 0x8769: exif_at, 0x9286: comment_at, 0xA500: padding_at}

    def ifd(entries: list[tuple[int, int, int, int]]) -> bytes:
        out = struct.pack("<H", len(entries))
        for tag, kind, n, value in entries:
            value = where.get(tag, value)
            out += (
                struct.pack("<HHIHH", tag, kind, n, value, 0)
                if kind == 3
                else struct.pack("<HHII", tag, kind, n, value)
            )
        return out + struct.pack("<I", 0)

    body = ifd(ifd0) + ifd(exif) + b"\x80\0" + user_comment + b"\0" * (len(user_comment) % 2)
    return b"II*\0" + struct.pack("<I", 8) + body + random.Random(seed).randbytes(count * 8)
