"""A file that needs more memory than a reader worker may have: the worker answers ``memory`` (it does not crash
and is not reported as ``failed``), exits, and the pool reads the next file with a fresh worker.

The file is ``rational_tiff``: 8 MB on disk whose Software tag Pillow unpacks into about 40 times as much memory
of Python objects. Measured (worker peak resident memory, ``maxrss_kb``): an ordinary file ~34 MB; this file,
with room to finish, ~345 MB. In address space (the limit), the worker needs ~76 MB to start and read an
ordinary file, 100 MB to get as far as the tag (the file, Pillow's copies of its raw bytes), and over 360 MB to
unpack it: it answers ``memory`` with any limit from 100 to 360 MB. ``LOW_MB`` sits about halfway in ratio, so
memory, not speed, decides the outcome. The readers' broad ``except Exception`` blocks let MemoryError through,
so running out of memory is never reported as "nothing found" (the last test).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from cogs.disclosures.provenance import read_signals
from cogs.disclosures.reader_pool import DEFAULT_MEMORY_MB, ReaderPool
from tests.cogs.disclosures.image_files import fixture, padded_exif_tiff, rational_tiff

LOW_MB = 192  # the worker's address-space limit in these tests
ROOMY_MB = 1024  # enough for the padded file to be read to the end
PADDED_MB = 8
TIMEOUT = 120.0  # seconds; never reached: the limit under test is memory, not time
ORDINARY = "comfyui-exif.webp"


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


async def test_a_file_that_needs_too_much_memory_is_answered_memory_and_the_worker_is_replaced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="cogs.disclosures.reader_pool")
    ordinary = fixture(ORDINARY)
    padded = rational_tiff(PADDED_MB)
    pool = ReaderPool(workers=1, memory_mb=LOW_MB, timeout=TIMEOUT)
    try:
        before = await pool.read(ordinary, "image/webp")
        assert before.error is None and before.signals == read_signals(ordinary)
        assert [s.kind for s in before.signals] == ["comfyui_exif", "comfyui_exif"]
        assert 0 < before.maxrss_kb < LOW_MB * 1024 // 3  # the worker's baseline leaves room under the limit
        [first] = pool.pids

        result = await pool.read(padded, "image/tiff")  # read by the same (reused) worker
        assert result.error == "memory" and result.signals == []
        assert 0 < result.maxrss_kb <= LOW_MB * 1024  # the worker answered; it had grown up to its limit

        after = await pool.read(ordinary, "image/webp")  # the same pool, a fresh worker
        assert after.error is None and after.signals == before.signals
        [second] = pool.pids
        assert second != first and not alive(first)  # the exhausted worker was discarded, not reused
        assert after.maxrss_kb < LOW_MB * 1024 // 3  # a new process: its peak is an ordinary file's again
    finally:
        pool.close()
    assert pool.pids == [] and not alive(second)
    # The worker answered: nothing stopped without answering (a crash) or ran out of time.
    assert [r.getMessage() for r in caplog.records] == []


async def test_the_same_file_is_read_to_the_end_when_the_limit_allows_it() -> None:
    pool = ReaderPool(workers=1, memory_mb=ROOMY_MB, timeout=TIMEOUT)
    try:
        result = await pool.read(rational_tiff(PADDED_MB), "image/tiff")
    finally:
        pool.close()
    assert result.error is None and [s.kind for s in result.signals] == ["exif_software"]
    # It is memory that stops it under LOW_MB: its peak resident memory alone is over that whole address space.
    assert result.maxrss_kb > LOW_MB * 1024


A1111 = b"a cat, Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model: sd15"


async def test_padding_cannot_hide_ai_metadata_behind_a_silent_out_of_memory() -> None:
    """An AUTOMATIC1111 comment beside 16 MB of padding in the same Exif IFD: at the deployed limit the worker
    cannot unpack the IFD, and the member must be told so — never "no AI-related metadata found"."""
    small = padded_exif_tiff(0.01, A1111)
    assert [(s.kind, s.ai) for s in read_signals(small, "image/tiff")] == [("exif_comment", True)]
    pool = ReaderPool(workers=1, memory_mb=DEFAULT_MEMORY_MB, timeout=TIMEOUT)
    try:
        result = await pool.read(padded_exif_tiff(16, A1111), "image/tiff")
        assert result.error == "memory" and result.signals == []
    finally:
        pool.close()
