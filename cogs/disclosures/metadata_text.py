"""Text metadata signals: IPTC digital source type in XMP, generator traces in PNG text and EXIF (pure).

Every scan here is linear in the input and bounded: XMP is found with ``bytes.find`` and each occurrence is
examined in a fixed-size window (a regular expression over the whole file was quadratic on crafted input).
"""

from __future__ import annotations

import re
from typing import Any

from PIL import Image

from cogs.disclosures.signals import AI_SOFTWARE, Signal, excerpt, source_term

DST_NAME = b"DigitalSourceType"
MAX_DST_HITS = 64  # occurrences of the property name examined per input
DST_WINDOW = 512  # bytes examined after each occurrence
# What may follow the property name: an attribute value, an rdf:resource, or element text. Bounded quantifiers
# inside a bounded window: each match costs at most a few hundred steps, whatever the file holds.
_DST_VALUE = re.compile(
    rb"""\s*=\s*["']([^"'<>]{1,300})["']"""
    rb"""|\s+rdf:resource\s*=\s*["']([^"'<>]{1,300})["']"""
    rb"""|[^<>]{0,200}?>\s*([^<\s]{1,300})\s*<"""
)

INVOKEAI_KEYS = ("invokeai_metadata", "invokeai_graph", "Dream", "sd-metadata")
COMFYUI_KEYS = ("prompt", "workflow")
SOFTWARE_TAG = 0x0131
EXIF_IFD = 0x8769
USER_COMMENT_TAG = 0x9286
EXIF_TEXT_TAGS = {0x010E: "ImageDescription", 0x010F: "Make", 0x0110: "Model"}
_COMFY_LABEL = re.compile(r"\s*(workflow|prompt)\s*:\s*\{", re.IGNORECASE)


def digital_source_types(data: bytes) -> list[str]:
    """IPTC digital source type terms in any XMP in ``data`` (first ``MAX_DST_HITS`` occurrences)."""
    terms: list[str] = []
    position = 0
    for _ in range(MAX_DST_HITS):
        position = data.find(DST_NAME, position)
        if position < 0:
            break
        position += len(DST_NAME)
        match = _DST_VALUE.match(data, position, position + DST_WINDOW)
        if match:
            value = next(g for g in match.groups() if g)
            terms.append(source_term(value.decode("utf-8", "replace")))
    return list(dict.fromkeys(terms))


# ----- PNG text chunks -------------------------------------------------------------------------


def generator_signals(texts: dict[str, str]) -> list[Signal]:
    """AUTOMATIC1111, ComfyUI, NovelAI and InvokeAI traces in PNG text chunks."""
    signals: list[Signal] = []
    if "parameters" in texts:
        signals.append(Signal("png_parameters", {"excerpt": excerpt(texts["parameters"])}, ai=True))
    for key in COMFYUI_KEYS:
        if key in texts:
            signals.append(Signal("comfyui", {"key": key}, ai=True))
    software = texts.get("Software", "")
    if "novelai" in software.lower() or ("Comment" in texts and '"n_samples"' in texts["Comment"]):
        parts = [f"Software={excerpt(software, 60)}"] if software else []
        if texts.get("Comment"):
            parts.append(f"Comment={excerpt(texts['Comment'], 160)}")
        signals.append(Signal("novelai", {"detail": "; ".join(parts)}, ai=True))
    for key in INVOKEAI_KEYS:
        if key in texts:
            signals.append(Signal("invokeai", {"key": key}, ai=True))
    return signals


# ----- EXIF ----------------------------------------------------------------------------------------


def _text(raw: Any) -> str:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return str(raw or "").strip("\0 ")


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


def comfyui_key(text: str) -> str | None:
    """``workflow`` or ``prompt`` when ``text`` is ComfyUI's JSON (as its EXIF savers write it), else None."""
    label = _COMFY_LABEL.match(text[:64])
    if label:
        return label.group(1).lower()
    if text.lstrip().startswith("{"):
        if '"class_type"' in text:
            return "prompt"
        if '"nodes"' in text and '"links"' in text:
            return "workflow"
    return None


def _exif_texts(exif: Image.Exif) -> list[tuple[str, str]]:
    """(tag name, text) for the EXIF fields generators write to: IFD0 text tags and UserComment (either IFD)."""
    found = [(name, _text(exif.get(tag))) for tag, name in EXIF_TEXT_TAGS.items()]
    comments = [exif.get(USER_COMMENT_TAG)]  # some savers put it in IFD0 instead of the Exif IFD
    try:
        comments.append(exif.get_ifd(EXIF_IFD).get(USER_COMMENT_TAG))
    except MemoryError:  # the worker's limit: a padded IFD must not read as "no comment"
        raise
    except Exception:  # malformed IFDs are common; a missing comment is not a signal
        pass
    found += [("UserComment", _user_comment(raw)) for raw in comments if raw]
    return [(name, text) for name, text in found if text]


def exif_signals(exif: Image.Exif) -> list[Signal]:
    """EXIF Software (a signal when it names a generator, context otherwise), ComfyUI JSON in IFD0 text tags,
    and UserComment (AUTOMATIC1111 writes its settings there)."""
    signals = []
    software = _text(exif.get(SOFTWARE_TAG))
    if software:
        ai = bool(AI_SOFTWARE.search(software))
        signals.append(Signal("exif_software", {"value": excerpt(software, 120)}, ai=ai, context=not ai))
    comment_seen = False
    for name, text in _exif_texts(exif):
        key = comfyui_key(text)
        if key:
            signals.append(Signal("comfyui_exif", {"tag": name, "key": key}, ai=True))
        elif name == "UserComment" and not comment_seen:
            comment_seen = True
            ai = "Steps:" in text or "Negative prompt:" in text or bool(AI_SOFTWARE.search(text))
            signals.append(Signal("exif_comment", {"excerpt": excerpt(text)}, ai=ai, context=not ai))
    return signals
