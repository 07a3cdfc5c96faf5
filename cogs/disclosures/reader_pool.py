"""Read image files in worker processes (``reader_worker.py``) with a time limit that kills a runaway worker.

A crafted file cannot stall the bot: the reading happens in another process (the event loop only waits on a
thread that waits on a pipe), a worker that takes longer than ``timeout`` is killed (SIGKILL), and each
worker has a memory limit. Workers are started on first use, reused, and all killed by ``close()``, which the
cog calls when it unloads.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from cogs.disclosures.reader_worker import ANSWER, DEFAULT_MEMORY_MB, MAX_MIME, REQUEST, ReadError
from cogs.disclosures.signals import Signal

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]  # the directory that holds the ``cogs`` package
WORKER = Path(__file__).with_name("reader_worker.py")
MAX_ANSWER = 4 * 1024 * 1024
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class ReadResult:
    """What a worker found in one file; ``error`` (a ``ReadError``) when it found nothing."""

    signals: list[Signal] = field(default_factory=list)
    error: ReadError | None = None
    maxrss_kb: int = 0


class _WorkerGone(Exception):
    """The worker closed its pipe (it was killed, crashed or exited) before answering."""


class _Job:
    def __init__(self, proc: subprocess.Popen[bytes] | None) -> None:
        self.proc = proc
        self.killed = False


class ReaderPool:
    def __init__(
        self,
        *,
        workers: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int = DEFAULT_MEMORY_MB,
        argv: Sequence[str] | None = None,
    ) -> None:
        self.timeout = timeout
        self.argv = list(argv or [sys.executable, "-P", str(WORKER)])
        self.argv += ["--memory-mb", str(memory_mb)]
        self._slots = asyncio.Semaphore(workers)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="image-reader")
        self._idle: list[subprocess.Popen[bytes]] = []
        self._procs: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()
        self._closed = False

    @property
    def pids(self) -> list[int]:
        """Process ids of the workers alive now."""
        with self._lock:
            return [p.pid for p in self._procs if p.poll() is None]

    # ----- worker side (runs on the pool's threads) ----------------------------------------------
    def _spawn(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            close_fds=True,
            env={**os.environ, "MALLOC_ARENA_MAX": "2"},  # few malloc arenas: less address space reserved
        )
        with self._lock:
            self._procs.add(proc)
        return proc

    def _exchange(self, job: _Job, data: bytes, mime: bytes) -> dict[str, Any]:
        if job.proc is None:
            job.proc = self._spawn()
        proc = job.proc
        try:
            if job.killed or self._closed:
                raise _WorkerGone
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(REQUEST.pack(len(mime), len(data)) + mime)
            proc.stdin.write(data)
            proc.stdin.flush()
            header = proc.stdout.read(ANSWER.size)
            if len(header) < ANSWER.size:
                raise _WorkerGone
            (length,) = ANSWER.unpack(header)
            body = proc.stdout.read(length) if length <= MAX_ANSWER else b""
            if len(body) < length or not body:
                raise _WorkerGone
            return dict(json.loads(body))
        except BaseException:
            self._discard(proc)
            raise

    def _discard(self, proc: subprocess.Popen[bytes]) -> None:
        """Kill a worker and release its pipes (safe to call twice)."""
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        for pipe in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError, ValueError):
                if pipe is not None:
                    pipe.close()
        with self._lock:
            self._procs.discard(proc)

    # ----- event-loop side ---------------------------------------------------------------------
    def _release(self, proc: subprocess.Popen[bytes]) -> None:
        if self._closed:
            self._discard(proc)  # already killed by close(): reaping it is immediate
        else:
            self._executor.submit(self._discard, proc)

    def _take_idle(self) -> subprocess.Popen[bytes] | None:
        while self._idle:
            proc = self._idle.pop()
            if proc.poll() is None:
                return proc
            self._release(proc)
        return None

    def _kill(self, job: _Job) -> None:
        job.killed = True
        if job.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                job.proc.kill()  # the thread waiting on its pipe sees EOF and discards it

    async def read(self, data: bytes, mime: str | None) -> ReadResult:
        """The signals in one file, read by a worker within ``timeout`` seconds (or a ``ReadResult`` error)."""
        if self._closed:
            return ReadResult(error="failed")
        mime_bytes = (mime or "").encode("ascii", "replace")[:MAX_MIME]
        async with self._slots:
            reused = self._take_idle()
            result = await self._attempt(reused, data, mime_bytes)
            if result is None and reused is not None and not self._closed:
                result = await self._attempt(None, data, mime_bytes)  # the idle worker had died: a fresh one
        return result or ReadResult(error="failed")

    async def _attempt(
        self, proc: subprocess.Popen[bytes] | None, data: bytes, mime: bytes
    ) -> ReadResult | None:
        """One worker's answer; None when the worker went away without answering (crashed, killed, exited)."""
        job = _Job(proc)
        future = asyncio.get_running_loop().run_in_executor(self._executor, self._exchange, job, data, mime)
        try:
            reply = await asyncio.wait_for(asyncio.shield(future), self.timeout)
        except TimeoutError:
            self._kill(job)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(future, 10)
            log.warning("An image took over %.0f s to read; its reader was killed", self.timeout)
            return ReadResult(error="timeout")
        except asyncio.CancelledError:
            self._kill(job)
            raise
        except (OSError, ValueError, _WorkerGone) as exc:
            log.warning("The image reader stopped without answering: %r", exc)
            return None
        error = reply.get("error")
        maxrss = int(reply.get("maxrss_kb") or 0)
        assert job.proc is not None
        if error == "memory" or self._closed:
            self._release(job.proc)
        else:
            self._idle.append(job.proc)
        if error:
            return ReadResult(
                error=cast(ReadError, str(error)), maxrss_kb=maxrss
            )  # the worker's Answer.error
        return ReadResult([Signal.from_json(s) for s in reply.get("signals") or []], maxrss_kb=maxrss)

    def close(self) -> None:
        """Kill every worker now (busy ones too: their checks end as failed). The pool reads nothing after."""
        self._closed = True
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        for proc in self._idle:
            self._discard(proc)
        self._idle.clear()
        self._executor.shutdown(wait=False, cancel_futures=True)
