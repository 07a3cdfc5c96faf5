"""A big JSON record file read, validated and laid out by worker processes, each parsing slices of it itself.

The main process reads the file's bytes and only looks for where records seem to start: lines that open a
record with the same indent as the first one (``"\\n{"`` in a file written by ``records export``). It cuts the
file there into slices of about ``SLICE_BYTES`` and hands them to the ``workers`` processes in turn, started
while it read the file. A worker parses each slice as it comes, says when all of its slices parsed, then
validates and lays out each one (``transfer.prepare_rows``) while the main process writes, in file order.

A cut that is not between two records makes the slice before it fail to parse on its own: a record cut in
two is never valid JSON (records are objects or arrays, and JSON allows no line break inside a string or a
number). Then, or when the file is not laid out one record per line start at all, the file is read as a whole
by the main process instead (``transfer.prepared``), which also names the line where a file that is not valid
JSON goes wrong. Either way, every slice is parsed before the first batch is handed over: a file that cannot
be read stops the import before anything is written.
"""

from __future__ import annotations

import gc
import itertools
import json
import multiprocessing
import os
import queue
import runpy
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from cogs.disclosures import import_worker
from cogs.disclosures.transfer import Prepared, accepted_entries, iter_rows, prepare_rows, prepared

SLICE_BYTES = 1 << 20  # about 1,400 records of a file written by `records export`
BOM = b"\xef\xbb\xbf"
WAIT_S = 0.5  # how often the main process checks that no worker died while it waits
# Workers yield to the main process, which writes what they prepare: it is the one the import waits for (and
# a bot running beside the import keeps its share of the machine).
WORKER_NICENESS = 10
WORKER_SCRIPT = Path(import_worker.__file__)

# (slice number, line of its first byte, whether it is the last slice, its start and end in the file)
Slice = tuple[int, int, bool, int, int]


class Unsplittable(ValueError):
    """A slice is not whole records on its own (or the file is not valid JSON)."""


def json_slices(data: bytes, size: int) -> list[Slice] | None:
    """Where to cut a JSON array file into slices of whole records, each ``size`` bytes or a little more
    (to be checked by parsing them), or None when it does not look like an array with each record starting a
    line."""
    start = len(BOM) if data.startswith(BOM) else 0
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # lines ended by a lone CR: the whole-file reader counts them, a byte count would not
    position = _skip_space(data, start)
    if data[position : position + 1] != b"[":
        return None
    first = _skip_space(data, position + 1)
    opener = data[first : first + 1]
    line_start = data.rfind(b"\n", 0, first) + 1
    indent = data[line_start:first]
    if opener not in (b"{", b"[") or line_start == 0 or indent.strip(b" \t\r") != b"":
        return None
    marker = b"\n" + indent + opener
    cuts = [first]
    while (found := data.find(marker, cuts[-1] + size)) != -1:
        cuts.append(found + 1)
    ends = [*cuts[1:], len(data)]
    lines = [1 + data.count(b"\n", 0, cuts[0])]
    for previous, cut in itertools.pairwise(cuts):
        lines.append(lines[-1] + data.count(b"\n", previous, cut))
    last = len(cuts) - 1
    return [(n, lines[n], n == last, cut, end) for n, (cut, end) in enumerate(zip(cuts, ends, strict=True))]


def _skip_space(data: bytes, position: int) -> int:
    while data[position : position + 1] in (b" ", b"\t", b"\r", b"\n"):
        position += 1
    return position


def parse_slice(text: str, line: int, last: bool) -> list[tuple[int, Any]]:
    """The records of one slice with their lines (``line``: the line the slice starts on), read exactly as
    ``transfer.read_rows`` reads the whole array; :class:`Unsplittable` when the slice is not whole records
    (or the last slice does not close the array)."""
    decoder = json.JSONDecoder()
    rows: list[tuple[int, Any]] = []
    counted, size = 0, len(text)
    position = _skip_text_space(text, 0)
    while position < size:
        if text[position] == "]":
            if last:
                return rows
            raise Unsplittable("the array ends before the slice does")
        line, counted = line + text.count("\n", counted, position), position
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise Unsplittable(str(exc)) from None
        rows.append((line, value))
        position = _skip_text_space(text, position)
        if position < size and text[position] == ",":
            position = _skip_text_space(text, position + 1)
    if last:
        raise Unsplittable("the JSON array is not closed")
    return rows


def _skip_text_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def work(inbox: Connection, outbox: Any) -> None:
    """(A worker process, started by ``import_worker``.) Parse the slices sent as they come, say whether they
    all parsed, then prepare each in turn."""
    gc.disable()  # short-lived: every object it makes is freed by reference counting
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    parsed: list[tuple[int, list[tuple[int, Any]]]] = []
    problem = None
    try:
        while (header := inbox.recv()) is not None:
            number, line, last = header
            data = inbox.recv_bytes()
            if problem is None:  # after one, the rest is only read (the main process is still sending it)
                try:
                    parsed.append((number, parse_slice(data.decode("utf-8"), line, last)))
                except (Unsplittable, UnicodeDecodeError) as exc:
                    problem = str(exc)
        inbox.close()
        if problem is not None:
            outbox.put(("unsplittable", None, problem))
            return
        outbox.put(("parsed", None, None))
        parsed.reverse()
        while parsed:
            number, rows = parsed.pop()
            outbox.put(("batch", number, prepare_rows(rows)))
    except BaseException:
        outbox.put(("failed", None, traceback.format_exc()))
        raise


class _Workers:
    """The worker processes of one import and what they have sent, by slice number."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context(
            "spawn"
        )  # never fork a process that holds a database connection
        self.outbox: Any = context.Queue()
        self.processes: list[Any] = []
        self.inboxes: list[Connection] = []
        self.ready: dict[int, Prepared] = {}
        for _ in range(count):
            receive, send = context.Pipe(duplex=False)
            globals_ = {"inbox": receive, "outbox": self.outbox}
            process = context.Process(
                target=runpy.run_path,
                args=(str(WORKER_SCRIPT),),
                kwargs={"init_globals": globals_, "run_name": import_worker.RUN_NAME},
                daemon=True,
            )
            process.start()
            receive.close()
            self.processes.append(process)
            self.inboxes.append(send)

    def send(self, data: bytes, slices: list[Slice]) -> None:
        """Hand out the slices, one at a time to each worker in turn (each parses one while it gets the next)."""
        view = memoryview(data)
        try:
            for number, line, last, start, end in slices:
                inbox = self.inboxes[number % len(self.inboxes)]
                inbox.send((number, line, last))
                inbox.send_bytes(view[start:end])
            for inbox in self.inboxes:
                inbox.send(None)
                inbox.close()
        except OSError as exc:
            raise RuntimeError(f"an import worker process stopped ({exc})") from None
        finally:
            view.release()

    def _next(self) -> tuple[str, int | None, Any]:
        while True:
            try:
                return self.outbox.get(timeout=WAIT_S)
            except queue.Empty:
                for process in self.processes:
                    if process.exitcode not in (None, 0):
                        code = process.exitcode
                        raise RuntimeError(f"an import worker process stopped (exit code {code})") from None

    def _receive(self) -> str:
        kind, number, value = self._next()
        if kind == "failed":
            raise RuntimeError(f"an import worker process failed:\n{value}")
        if kind == "batch":
            assert number is not None
            self.ready[number] = value
        return kind

    def all_parsed(self) -> bool:
        """Wait until every worker parsed its slices: False as soon as one could not."""
        parsed = 0
        while parsed < len(self.processes):
            kind = self._receive()
            if kind == "unsplittable":
                return False
            parsed += kind == "parsed"
        return True

    def batch(self, number: int) -> Prepared:
        while number not in self.ready:
            self._receive()
        return self.ready.pop(number)

    def stop(self) -> None:
        for inbox in self.inboxes:
            inbox.close()
        for process in self.processes:
            if process.exitcode is None and process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join()
        self.outbox.close()


def prepared_file(
    path: Path, errors: list[tuple[int, str]], *, workers: int
) -> Iterator[tuple[list[tuple[int, str, None]], Any]]:
    """``transfer.prepared`` for a whole JSON or CSV file, the slices of a JSON array parsed in the worker
    processes (see the module's docstring); bad rows and repeated ids go to ``errors`` by line."""
    if path.suffix.lower() == ".json":
        pool = _Workers(workers)  # they start while the file is read
        try:
            data = path.read_bytes()
            slices = json_slices(data, SLICE_BYTES)
            if slices is not None and len(slices) > 1:
                pool.send(data, slices)
                del data
                if pool.all_parsed():
                    seen: dict[str, int] = {}
                    for number in range(len(slices)):
                        checked, tables = pool.batch(number)
                        yield accepted_entries(checked, seen, errors), tables
                    return
        finally:
            pool.stop()
    yield from prepared(iter_rows(path), errors, workers=workers)
