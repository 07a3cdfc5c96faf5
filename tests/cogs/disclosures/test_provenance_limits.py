"""Hostile files: the reader's work and memory stay bounded, and a cut-short read says so."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import AsyncIterator

import pytest

from cogs.disclosures.image_check import READ_SIZE, TooLarge, read_capped
from cogs.disclosures.metadata_text import MAX_DST_HITS, digital_source_types
from cogs.disclosures.png_text import MAX_CHUNKS, MAX_TOTAL_TEXT, read_png
from cogs.disclosures.provenance import read_signals
from tests.cogs.disclosures.image_files import before_iend, chunk, chunk_bomb, png, regex_bait, xmp


def test_regex_bait_is_read_in_linear_time() -> None:
    # 54 KB of this held the old reader (and, through the interpreter lock, the bot) for 7 s; 4 MB would have
    # taken hours. A linear scan reads it in milliseconds.
    bait = regex_bait(4 * 1024 * 1024)
    started = time.perf_counter()
    assert read_signals(bait) == []
    assert time.perf_counter() - started < 1.0


def test_bait_before_a_real_value_costs_a_bounded_number_of_looks() -> None:
    real = xmp("trainedAlgorithmicMedia").encode()
    assert digital_source_types(b"DigitalSourceType " * 10 + real) == ["trainedAlgorithmicMedia"]
    # Past MAX_DST_HITS occurrences the scan stops: the work per file is bounded whatever it holds.
    assert digital_source_types(b"DigitalSourceType " * MAX_DST_HITS + real) == []


def test_chunk_bomb_is_cut_off_and_says_so() -> None:
    bomb = chunk_bomb(1000)  # about 1 MB of file, 1 GB of text once inflated
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        meta = read_png(bomb)
        signals = read_signals(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(len(text) for text in meta.texts.values()) <= MAX_TOTAL_TEXT
    assert (
        len(meta.texts) <= 5
    )  # four 1 MB chunks (and the start of a fifth) fit the budget; the rest are not read
    assert peak < 64 * 1024 * 1024  # the old reader kept all of it: about 1 GB
    assert [(s.kind, s.detail) for s in signals] == [("limit_text", {"limit": str(MAX_TOTAL_TEXT // 2**20)})]


def test_signals_before_the_budget_runs_out_are_still_reported() -> None:
    early = png(parameters="a fox\nSteps: 20")
    signals = read_signals(before_iend(early, chunk_bomb(8)[8:-12]))
    assert [s.kind for s in signals] == ["png_parameters", "limit_text"]


def test_a_flood_of_tiny_chunks_stops_at_the_chunk_cap() -> None:
    flood = before_iend(png(), chunk(b"tIME", b"\0" * 7) * (MAX_CHUNKS + 10))
    started = time.perf_counter()
    signals = read_signals(flood)
    assert time.perf_counter() - started < 2.0
    assert [(s.kind, s.detail) for s in signals] == [("limit_chunks", {"limit": str(MAX_CHUNKS)})]


def test_malformed_text_chunks_are_skipped() -> None:
    no_keyword = chunk(b"tEXt", b"x" * 200)  # no NUL within the keyword's 79 bytes
    bad_zlib = chunk(b"zTXt", b"Comment\0\0not zlib at all")
    short_itxt = chunk(b"iTXt", b"parameters\0\x01\0")
    assert read_signals(before_iend(png(), no_keyword, bad_zlib, short_itxt)) == []


class _EndlessBody:
    def __init__(self) -> None:
        self.served = 0

    async def iter_chunked(self, size: int) -> AsyncIterator[bytes]:
        while True:
            self.served += size
            yield b"x" * size


class _Response:
    content_length = None  # no length announced (chunked transfer): only the running count protects us

    def __init__(self) -> None:
        self.content = _EndlessBody()


async def test_a_download_stops_as_soon_as_it_passes_the_cap() -> None:
    response = _Response()
    with pytest.raises(TooLarge):
        await read_capped(response, 4 * 1024 * 1024)  # type: ignore[arg-type]
    assert response.content.served <= 4 * 1024 * 1024 + READ_SIZE
