"""PNG text chunks (tEXt, zTXt, iTXt), the eXIf chunk and the C2PA ``caBX`` chunk, read by hand (pure).

The work is bounded whatever the file says: decompressed text is capped per chunk and per file, the number of
chunks walked is capped, and reading stops at a cap with a ``limit`` signal so the reply can say so.
"""

from __future__ import annotations

import logging
import struct
import zlib
from dataclasses import dataclass, field

from cogs.disclosures.signals import Signal

log = logging.getLogger(__name__)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_CHUNK_TEXT = 1024 * 1024  # decompressed bytes kept from any one text chunk
MAX_TOTAL_TEXT = 4 * 1024 * 1024  # decompressed text bytes read from one file, all chunks together
MAX_CHUNKS = 20_000  # chunks walked in one file (a real 25 MB PNG has a few thousand)
MAX_KEY = 80  # the PNG spec allows 79 bytes of keyword
TEXT_KINDS = frozenset({b"tEXt", b"zTXt", b"iTXt"})


@dataclass
class PngMeta:
    texts: dict[str, str] = field(default_factory=dict)
    exif: bytes | None = None
    has_c2pa: bool = False
    limits: list[Signal] = field(default_factory=list)


class _Budget:
    def __init__(self, total: int) -> None:
        self.left = total
        self.hit = False

    def inflate(self, payload: bytes) -> bytes:
        """At most min(per-chunk cap, what is left) decompressed bytes; notes when the file's budget ran out."""
        room = min(MAX_CHUNK_TEXT, self.left)
        inflater = zlib.decompressobj()
        out = inflater.decompress(payload, room)
        if inflater.unconsumed_tail and room < MAX_CHUNK_TEXT:
            self.hit = True
        self.left -= len(out)
        return out

    def raw(self, value: bytes) -> bytes:
        room = min(MAX_CHUNK_TEXT, self.left)
        if len(value) > room and room < MAX_CHUNK_TEXT:
            self.hit = True
        value = value[:room]
        self.left -= len(value)
        return value


def _text_chunk(kind: bytes, body: bytes, budget: _Budget) -> tuple[str, str] | None:
    nul = body.find(b"\0", 0, MAX_KEY)
    if nul <= 0:
        return None  # no keyword: not a valid text chunk
    key = body[:nul].decode("latin-1")
    rest = body[nul + 1 :]
    if kind == b"tEXt":
        return key, budget.raw(rest).decode("latin-1")
    if kind == b"zTXt":
        return key, budget.inflate(rest[1:]).decode("latin-1")
    compressed = rest[:1] == b"\x01"
    rest = rest[2:]
    for _ in range(2):  # language tag, translated keyword
        end = rest.find(b"\0")
        if end < 0:
            return None
        rest = rest[end + 1 :]
    value = budget.inflate(rest) if compressed else budget.raw(rest)
    return key, value.decode("utf-8", "replace")


def read_png(data: bytes) -> PngMeta:
    """Text chunks as key → text (first of each key), the raw eXIf chunk, whether a ``caBX`` chunk is present."""
    meta = PngMeta()
    budget = _Budget(MAX_TOTAL_TEXT)
    position = len(PNG_MAGIC)
    chunks = 0
    while position + 8 <= len(data):
        chunks += 1
        if chunks > MAX_CHUNKS:
            meta.limits.append(Signal("limit_chunks", {"limit": str(MAX_CHUNKS)}))
            break
        (length,) = struct.unpack_from(">I", data, position)
        kind = data[position + 4 : position + 8]
        start = position + 8
        position = start + length + 4
        if kind in TEXT_KINDS:
            if budget.left <= 0:
                budget.hit = True
                break
            try:
                parsed = _text_chunk(kind, data[start : start + length], budget)
            except zlib.error:
                log.debug("Skipping a malformed %r chunk", kind)
                continue
            if parsed is not None:
                meta.texts.setdefault(*parsed)
        elif kind == b"eXIf" and meta.exif is None:
            meta.exif = data[start : start + min(length, MAX_CHUNK_TEXT)]
        elif kind == b"caBX":
            meta.has_c2pa = True
        elif kind == b"IEND":
            break
    if budget.hit:
        meta.limits.append(Signal("limit_text", {"limit": str(MAX_TOTAL_TEXT // (1024 * 1024))}))
    return meta
