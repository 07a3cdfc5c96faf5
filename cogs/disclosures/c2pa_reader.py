"""C2PA Content Credentials through the C2PA SDK (c2pa-python), offline, summarised as signals (pure).

The SDK makes no network request with ``SETTINGS``: remote manifests and OCSP are not fetched, CAWG identity
assertions are not decoded (decoding one resolves its ``did:web`` issuer, a host the file chooses), and the
list of hosts the SDK may contact is empty. ``tests/cogs/disclosures/test_provenance_netns.py`` checks it in
an isolated network namespace.
"""

from __future__ import annotations

import io
import json
import logging
import re
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from cogs.disclosures.signals import AI_SOFTWARE, AI_SOURCE_TYPES, Signal, excerpt, source_term

log = logging.getLogger(__name__)

SETTINGS: dict[str, Any] = {
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
    "core": {
        "decode_identity_assertions": False,
        "allowed_network_hosts": [],
        "max_decompressed_manifest_size_in_mb": 32,
    },
}
UNTRUSTED = "signingCredential.untrusted"  # the signing certificate chain is on no trust list: not a failure
# The JUMBF description box of a C2PA manifest store: "jumd" + the store's UUID (c2pa 0011-0010-8000-00AA00389B71).
STORE_MARKER = b"jumd" + bytes.fromhex("6332706100110010800000aa00389b71")
MAX_MANIFESTS = 32  # manifests visited when walking ingredients
MAX_REASONS = 3
_URL = re.compile(r"https?://[^\s\"'<>]+")
# The plain-words categories of C2PA failure codes (disclosures.provenance.reason.*): what reason_of returns.
FailureReason = Literal["credential", "signature", "changed", "timestamp", "rules", "other"]
FAILURE_REASONS: tuple[FailureReason, ...] = get_args(FailureReason)


# ----- is there a manifest store at all? --------------------------------------------------------


def _jpeg_has_app11_jumbf(data: bytes) -> bool:
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        if marker in (0xDA, 0xD9):  # image data starts: no more metadata segments
            return False
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segment = (position + 4, position + 2 + length)
        if (
            marker == 0xEB
            and data[position + 4 : position + 6] == b"JP"
            and data.find(b"jumb", *segment) >= 0
        ):
            return True
        position += 2 + length
    return False


def has_manifest_store(data: bytes, mime: str, *, png_has_store: bool = False) -> bool:
    """Whether the file holds a C2PA manifest store (PNG ``caBX`` chunk, JPEG APP11 JUMBF, a JUMBF store box)."""
    if mime == "image/png":
        return png_has_store
    if mime == "image/jpeg" and _jpeg_has_app11_jumbf(data):
        return True
    if mime == "image/svg+xml" and data.find(b"c2pa:manifest") >= 0:
        return True
    return data.find(STORE_MARKER) >= 0


# ----- the manifest store's JSON -----------------------------------------------------------------


def reason_of(code: str) -> FailureReason:
    """The plain-words category of a C2PA failure code (a catalog key suffix)."""
    if code.startswith("signingCredential.") or code == "claimSignature.outsideValidity":
        return "credential"
    if code.startswith("claimSignature."):
        return "signature"
    if code.startswith("assertion.") and code.endswith(".mismatch") and "ash" in code:
        return "changed"  # a hash (data, boxes, BMFF, hashed URI) no longer matches what was signed
    if code.startswith("timeStamp."):
        return "timestamp"
    if code.startswith(("assertion.", "claim.", "manifest.", "ingredient.")):
        return "rules"
    return "other"


def _validation(store: dict[str, Any]) -> tuple[str, list[Signal]]:
    statuses = [s for s in store.get("validation_status") or [] if isinstance(s, dict)]
    codes = {str(s.get("code", "")) for s in statuses}
    state = str(store.get("validation_state") or "")
    if not state:
        state = "Invalid" if any(c != UNTRUSTED for c in codes) else "Valid"
    if state == "Valid" and UNTRUSTED in codes:  # signature intact, but nobody on a trust list vouches for it
        state = "Valid (untrusted signer)"
    reasons: dict[str, Signal] = {}
    if state == "Invalid":
        for status in statuses:
            code = str(status.get("code", ""))
            reason = reason_of(code)
            if code == UNTRUSTED or reason in reasons or len(reasons) >= MAX_REASONS:
                continue
            explanation = excerpt(str(status.get("explanation") or code), 160)
            reasons[reason] = Signal(
                "c2pa_invalid", {"reason": reason, "code": code, "explanation": explanation}
            )
    return state, list(reasons.values())


def _source_types(manifest: dict[str, Any]) -> list[str]:
    terms: list[str] = []
    for assertion in manifest.get("assertions") or []:
        if not isinstance(assertion, dict) or not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in (assertion.get("data") or {}).get("actions") or []:
            if isinstance(action, dict) and action.get("digitalSourceType"):
                terms.append(source_term(str(action["digitalSourceType"])))
    return list(dict.fromkeys(terms))


def _walk(manifests: dict[str, Any], active: str) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """The active manifest, then its ingredients' manifests breadth first: (manifest, where it was found)."""
    found: list[tuple[dict[str, Any], dict[str, str]]] = []
    queue: list[tuple[str, dict[str, str]]] = [(active, {"where": "active"})]
    seen: set[str] = set()
    while queue and len(found) < MAX_MANIFESTS:
        label, where = queue.pop(0)
        manifest = manifests.get(label)
        if label in seen or not isinstance(manifest, dict):
            continue
        seen.add(label)
        found.append((manifest, where))
        for ingredient in manifest.get("ingredients") or []:
            if isinstance(ingredient, dict) and ingredient.get("active_manifest"):
                place = {
                    "where": "ingredient",
                    "title": excerpt(str(ingredient.get("title") or ""), 80),
                    "relationship": excerpt(str(ingredient.get("relationship") or ""), 40),
                }
                queue.append((str(ingredient["active_manifest"]), place))
    return found


def summarise_c2pa(store: dict[str, Any]) -> list[Signal]:
    """The active manifest's generator, actions and validation (with the SDK's reasons when invalid), then every
    digital source type in it and in its ingredients' manifests, each with where it was found."""
    manifests = store.get("manifests") or {}
    if not isinstance(manifests, dict):
        manifests = {}
    label = str(store.get("active_manifest") or "")
    if label not in manifests:
        label = next(iter(manifests), "")
    active = manifests.get(label) or {}
    generator = str(active.get("claim_generator") or "")
    info = active.get("claim_generator_info") or []
    if isinstance(info, list) and info and isinstance(info[0], dict):
        generator = " ".join(str(info[0].get(k, "")) for k in ("name", "version")).strip() or generator
    actions: list[str] = []
    for assertion in active.get("assertions") or []:
        if isinstance(assertion, dict) and str(assertion.get("label", "")).startswith("c2pa.actions"):
            for action in (assertion.get("data") or {}).get("actions") or []:
                if isinstance(action, dict):
                    actions.append(str(action.get("action", "?")))
    state, reasons = _validation(store)
    signals = [
        Signal(
            "c2pa",
            {
                "generator": excerpt(generator, 120) or "?",
                "actions": excerpt(", ".join(dict.fromkeys(actions)), 200),
                "validation": state,
            },
            ai=bool(AI_SOFTWARE.search(generator)),
        ),
        *reasons,
    ]
    seen: set[tuple[str, ...]] = set()
    for manifest, where in _walk(manifests, label):
        for term in _source_types(manifest):
            key = (term, *where.values())
            if key not in seen:
                seen.add(key)
                signals.append(Signal("c2pa_source", {"value": term, **where}, ai=term in AI_SOURCE_TYPES))
    return signals


# ----- reading -------------------------------------------------------------------------------------


def read_c2pa(data: bytes, mime: str, *, png_has_store: bool = False) -> list[Signal]:
    """The C2PA signals of a file: none when it has no manifest store, ``c2pa_remote`` when it only points to
    one online (never fetched), ``c2pa_error`` when a store is present but the SDK cannot read it."""
    try:
        import c2pa
    except ImportError:  # pragma: no cover - declared dependency; tolerate a broken install
        log.warning("c2pa-python is not importable; skipping Content Credentials")
        return []
    try:
        context = c2pa.Context.from_dict(SETTINGS)
        reader = c2pa.Reader.try_create(mime, io.BytesIO(data), context=context)
        if reader is None:
            return []
        try:
            return summarise_c2pa(json.loads(reader.json()))
        finally:
            reader.close()
    except MemoryError:  # the worker's limit: answered "needed too much memory", never "no C2PA"
        raise
    except Exception as exc:  # the SDK raises its own error types for malformed or unsupported data
        message = str(exc)
        if message.startswith("Remote") or "RemoteManifest" in type(exc).__name__:
            url = _URL.search(message)
            host = urlsplit(url.group(0)).hostname if url else None
            return [Signal("c2pa_remote", {"host": excerpt(host or "?", 80)})]
        if not has_manifest_store(data, mime, png_has_store=png_has_store):
            return []  # the SDK failed on something else (a truncated file, an unusual JPEG): no C2PA here
        return [Signal("c2pa_error", {"error": excerpt(f"{type(exc).__name__}: {message}", 120)})]
