"""Read AI-provenance signals from image bytes: C2PA, IPTC digital source type, generator text, EXIF.

Pure and synchronous (run it in a worker thread). Nothing here fetches anything: C2PA remote manifests and
OCSP are turned off, and PNG chunks are parsed by hand with capped decompression (no pixel decoding).
"""

from __future__ import annotations

import io
import json
import logging
import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from bot.text import clip

log = logging.getLogger(__name__)

IPTC_PREFIX = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI_SOURCE_TYPES = frozenset(
    {
        "trainedAlgorithmicMedia",
        "compositeWithTrainedAlgorithmicMedia",
        "compositeSynthetic",
        "algorithmicMedia",
    }
)
AI_SOFTWARE = re.compile(
    r"novelai|stable.?diffusion|midjourney|dall.?e|firefly|comfyui|automatic1111|invokeai|fooocus|leonardo|"
    r"openai|imagen|flux|niji",
    re.IGNORECASE,
)
_DST = re.compile(
    r"DigitalSourceType(?:\s*=\s*[\"']([^\"']+)[\"']|>\s*([^<\s]+)\s*<|\s+rdf:resource\s*=\s*[\"']([^\"']+)[\"'])"
)
MAX_TEXT = 1_000_000  # decompressed bytes read from any one text chunk
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
UNTRUSTED = "signingCredential.untrusted"  # C2PA status: the signing certificate chain is on no trust list
EXCERPT = 300


@dataclass(frozen=True)
class Signal:
    """One piece of provenance metadata. ``ai`` marks signals that claim or imply generation."""

    kind: str  # c2pa, c2pa_error, digital_source_type, png_parameters, comfyui, novelai, exif_software, exif_comment
    detail: dict[str, str] = field(default_factory=dict)
    ai: bool = False


def sniff_mime(data: bytes) -> str | None:
    """The image type from magic bytes (PNG, JPEG, WebP, GIF), or None."""
    if data.startswith(PNG_MAGIC):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def excerpt(text: str, limit: int = EXCERPT) -> str:
    return clip(" ".join(text.split()), limit)


# ----- C2PA ---------------------------------------------------------------------------------


def summarise_c2pa(manifest_store: dict[str, Any]) -> Signal:
    """The active manifest's generator, actions and digital source types, and the validation state."""
    manifests = manifest_store.get("manifests") or {}
    active = manifests.get(manifest_store.get("active_manifest") or "") or next(iter(manifests.values()), {})
    generator = active.get("claim_generator") or ""
    info = active.get("claim_generator_info") or []
    if isinstance(info, list) and info and isinstance(info[0], dict):
        generator = " ".join(str(info[0].get(k, "")) for k in ("name", "version")).strip() or generator
    actions: list[str] = []
    source_types: list[str] = []
    for assertion in active.get("assertions") or []:
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in (assertion.get("data") or {}).get("actions") or []:
            actions.append(str(action.get("action", "?")))
            dst = action.get("digitalSourceType")
            if dst:
                source_types.append(str(dst).removeprefix(IPTC_PREFIX))
    statuses = manifest_store.get("validation_status") or []
    codes = {str(s.get("code", "")) for s in statuses if isinstance(s, dict)}
    state = manifest_store.get("validation_state")
    if not state:
        state = "Invalid" if any("failure" in code for code in codes) else "Valid"
    if state == "Valid" and UNTRUSTED in codes:  # signature intact, but nobody on a trust list vouches for it
        state = "Valid (untrusted signer)"
    ai = any(t in AI_SOURCE_TYPES for t in source_types) or bool(AI_SOFTWARE.search(generator))
    return Signal(
        "c2pa",
        {
            "generator": generator or "?",
            "actions": ", ".join(dict.fromkeys(actions)),
            "source_types": ", ".join(dict.fromkeys(source_types)),
            "validation": str(state),
        },
        ai=ai,
    )


def read_c2pa(data: bytes, mime: str) -> Signal | None:
    """The C2PA manifest summary, None when there is none, a ``c2pa_error`` signal when unreadable."""
    try:
        import c2pa
    except ImportError:  # pragma: no cover - declared dependency; tolerate a broken install
        log.warning("c2pa-python is not importable; skipping Content Credentials")
        return None
    try:
        context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}})
        reader = c2pa.Reader.try_create(mime, io.BytesIO(data), context=context)
        if reader is None:
            return None
        try:
            return summarise_c2pa(json.loads(reader.json()))
        finally:
            reader.close()
    except Exception as exc:  # the SDK raises its own error types for malformed or unsupported data
        message = str(exc)
        if "ManifestNotFound" in type(exc).__name__ or "no JUMBF" in message:
            return None
        return Signal("c2pa_error", {"error": excerpt(f"{type(exc).__name__}: {message}", 120)})


# ----- XMP / IPTC ----------------------------------------------------------------------------


def digital_source_types(data: bytes) -> list[str]:
    """IPTC digital source type terms found in any XMP packet in the bytes."""
    text = data.decode("latin-1")
    terms = []
    for match in _DST.finditer(text):
        value = next(g for g in match.groups() if g)
        terms.append(value.removeprefix(IPTC_PREFIX))
    return list(dict.fromkeys(terms))


# ----- PNG text chunks ---------------------------------------------------------------------


def _inflate(payload: bytes) -> bytes:
    return zlib.decompressobj().decompress(payload, MAX_TEXT)


def png_chunks(data: bytes) -> tuple[dict[str, str], bytes | None]:
    """PNG text chunks (tEXt, zTXt, iTXt) as key → text, and the raw eXIf chunk if any."""
    texts: dict[str, str] = {}
    exif: bytes | None = None
    position = len(PNG_MAGIC)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        try:
            if kind == b"tEXt":
                key, _, value = body.partition(b"\0")
                texts[key.decode("latin-1")] = value.decode("latin-1")
            elif kind == b"zTXt":
                key, _, rest = body.partition(b"\0")
                texts[key.decode("latin-1")] = _inflate(rest[1:]).decode("latin-1")
            elif kind == b"iTXt":
                key, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                _, _, rest = rest.partition(b"\0")  # language tag
                _, _, value = rest.partition(b"\0")  # translated keyword
                texts[key.decode("latin-1")] = (_inflate(value) if compressed else value).decode(
                    "utf-8", "replace"
                )
            elif kind == b"eXIf":
                exif = body
            elif kind == b"IEND":
                break
        except (zlib.error, IndexError, UnicodeDecodeError):
            log.debug("Skipping a malformed %r chunk", kind)
    return texts, exif


def generator_signals(texts: dict[str, str]) -> list[Signal]:
    """AUTOMATIC1111, ComfyUI and NovelAI traces in PNG text chunks."""
    signals: list[Signal] = []
    if "parameters" in texts:
        signals.append(Signal("png_parameters", {"excerpt": excerpt(texts["parameters"])}, ai=True))
    for key in ("prompt", "workflow"):
        if key in texts:
            signals.append(Signal("comfyui", {"key": key}, ai=True))
    software = texts.get("Software", "")
    if "novelai" in software.lower() or ("Comment" in texts and '"n_samples"' in texts["Comment"]):
        parts = [f"Software={excerpt(software, 60)}"] if software else []
        if texts.get("Comment"):
            parts.append(f"Comment={excerpt(texts['Comment'], 160)}")
        signals.append(Signal("novelai", {"detail": "; ".join(parts)}, ai=True))
    return signals


# ----- EXIF ----------------------------------------------------------------------------------

SOFTWARE_TAG = 0x0131
EXIF_IFD = 0x8769
USER_COMMENT_TAG = 0x9286


def _user_comment(raw: Any) -> str:
    if isinstance(raw, str):
        return raw.strip("\0 ")
    if not isinstance(raw, bytes):
        return ""
    prefix, body = raw[:8], raw[8:]
    if prefix.startswith(b"UNICODE"):
        encoding = "utf-16-be" if body[:1] == b"\0" else "utf-16-le"
        return body.decode(encoding, "replace").strip("\0 ")
    if prefix.startswith(b"ASCII") or prefix == b"\0" * 8:
        return body.decode("utf-8", "replace").strip("\0 ")
    return raw.decode("utf-8", "replace").strip("\0 ")


def exif_signals(exif: Image.Exif) -> list[Signal]:
    """EXIF Software (flagged when it names a generator) and UserComment (A1111 writes settings there)."""
    signals = []
    software = str(exif.get(SOFTWARE_TAG) or "").strip("\0 ")
    if software:
        signals.append(
            Signal("exif_software", {"value": excerpt(software, 120)}, ai=bool(AI_SOFTWARE.search(software)))
        )
    try:
        comment = _user_comment(exif.get_ifd(EXIF_IFD).get(USER_COMMENT_TAG))
    except Exception:  # malformed IFDs are common; a missing comment is not a signal
        comment = ""
    if comment:
        ai = "Steps:" in comment or "Negative prompt:" in comment or bool(AI_SOFTWARE.search(comment))
        signals.append(Signal("exif_comment", {"excerpt": excerpt(comment)}, ai=ai))
    return signals


def _exif_from(data: bytes, mime: str, png_exif: bytes | None) -> Image.Exif | None:
    exif = Image.Exif()
    if png_exif is not None:
        exif.load(png_exif)
        return exif
    if mime in ("image/jpeg", "image/webp"):
        with Image.open(io.BytesIO(data)) as image:  # header only: no pixels are decoded
            return image.getexif()
    return None


def read_signals(data: bytes, mime: str | None = None) -> list[Signal]:
    """Every provenance signal found in an image file's bytes (empty: none found, which proves nothing)."""
    mime = sniff_mime(data) or mime or ""
    signals: list[Signal] = []
    if mime in ("image/png", "image/jpeg", "image/webp", "image/gif"):
        c2pa_signal = read_c2pa(data, mime)
        if c2pa_signal is not None:
            signals.append(c2pa_signal)
    texts, png_exif = png_chunks(data) if mime == "image/png" else ({}, None)
    terms = digital_source_types(data) + [
        t for text in texts.values() for t in digital_source_types(text.encode())
    ]
    for term in dict.fromkeys(terms):
        signals.append(Signal("digital_source_type", {"value": term}, ai=term in AI_SOURCE_TYPES))
    signals += generator_signals(texts)
    try:
        exif = _exif_from(data, mime, png_exif)
    except Exception as exc:  # Pillow raises many types on damaged headers
        log.debug("EXIF unreadable: %s", exc)
        exif = None
    if exif is not None:
        signals += exif_signals(exif)
    return signals
