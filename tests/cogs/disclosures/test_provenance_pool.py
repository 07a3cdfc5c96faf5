"""The reader pool: files are read in worker processes that have a memory limit, are killed at the time limit
(while other reads go on), and are all gone after ``close()``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from cogs.disclosures.provenance import read_signals
from cogs.disclosures.reader_pool import ReaderPool
from tests.cogs.disclosures.image_files import chunk_bomb, fixture, regex_bait

HANG = [sys.executable, "-m", "tests.cogs.disclosures.hang_worker"]


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def address_space_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max address space"):
            return line.split()[3]
    raise AssertionError("no address space line")


async def test_a_worker_reads_what_the_library_reads_and_has_a_memory_limit() -> None:
    pool = ReaderPool(workers=1, memory_mb=768)
    try:
        data = fixture("comfyui-exif.webp")
        result = await pool.read(data, "image/webp")
        assert result.error is None and result.signals == read_signals(data)
        again = await pool.read(fixture("invokeai-dream.png"), "image/png")
        assert [s.kind for s in again.signals] == ["invokeai"]
        [pid] = pool.pids  # reused, not one process per file
        assert address_space_limit(pid) == str(768 * 1024 * 1024)
        os.kill(pid, signal.SIGKILL)  # a worker that died between files is replaced, not used
        replaced = await pool.read(data, "image/webp")
        assert replaced.signals == result.signals and pool.pids != [pid]
        [pid] = pool.pids
    finally:
        pool.close()
    assert pool.pids == [] and not alive(pid)
    assert (await pool.read(data, "image/webp")).error == "failed"  # a closed pool reads nothing


async def test_hostile_files_stay_small_and_fast_in_the_worker() -> None:
    pool = ReaderPool(workers=1, timeout=20)
    try:
        bomb = await pool.read(chunk_bomb(1000), "image/png")  # 1 GB of text once inflated
        assert [s.kind for s in bomb.signals] == ["limit_text"]
        assert 0 < bomb.maxrss_kb < 128 * 1024  # the worker's peak resident memory, in KiB
        started = time.perf_counter()
        bait = await pool.read(regex_bait(8 * 1024 * 1024), "image/jpeg")
        assert bait.error is None and bait.signals == []
        assert time.perf_counter() - started < 5
    finally:
        pool.close()


async def test_a_runaway_worker_is_killed_at_the_time_limit_while_other_reads_go_on() -> None:
    hanging = ReaderPool(workers=1, timeout=1.5, argv=HANG)
    working = ReaderPool(workers=1)
    try:
        started = time.perf_counter()
        stuck = asyncio.create_task(hanging.read(b"\x89PNG\r\n\x1a\n", "image/png"))
        other = await working.read(fixture("invokeai-metadata.png"), "image/png")
        assert [s.kind for s in other.signals] == ["invokeai"] and not stuck.done()
        [runaway] = hanging.pids
        result = await stuck
        elapsed = time.perf_counter() - started
        assert result.error == "timeout" and 1.5 <= elapsed < 6
        assert not alive(runaway) and hanging.pids == []
        # The next file gets a fresh worker (which hangs too here, and is killed too).
        assert (await hanging.read(b"GIF89a", "image/gif")).error == "timeout"
    finally:
        hanging.close()
        working.close()
    assert hanging.pids == [] and working.pids == []
