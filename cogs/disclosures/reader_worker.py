"""The image reader's own process: ``python -P …/cogs/disclosures/reader_worker.py [--memory-mb N]``.

Reads requests from stdin and answers on stdout, one at a time, until stdin closes (the bot exited or closed
the pool). A request is ``>II`` (MIME length, data length), the MIME type, the file's bytes; an answer is
``>I`` (length) then JSON: ``{"signals": [...], "maxrss_kb": n}`` or ``{"error": "memory"|"failed", ...}``.

The process has an address-space limit (a crafted file cannot take the machine's memory), runs at a lower
priority than the bot, and refuses every socket operation made from Python. The C2PA SDK's own native code is
kept offline by its settings (``c2pa_reader.SETTINGS``). The bot kills this process when a file takes too long.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import resource
import struct
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO, Literal, TypedDict, get_args

REQUEST = struct.Struct(">II")
ANSWER = struct.Struct(">I")
MAX_MIME = 256
DEFAULT_MEMORY_MB = 512  # a 25 MB file peaks near 150 MB of address space
# Why a file was not read (a disclosures.provenance.read_* suffix): a worker's answer says memory or failed,
# the pool (reader_pool.ReadResult) adds timeout and failed.
ReadError = Literal["memory", "failed", "timeout"]
READ_ERRORS: tuple[ReadError, ...] = get_args(ReadError)
SOCKET_EVENTS = frozenset(
    {
        "socket.__new__",
        "socket.bind",
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "socket.sendmsg",
    }
)

log = logging.getLogger("cogs.disclosures.reader_worker")


class Answer(TypedDict, total=False):
    """The worker's answer about one file (sent as JSON)."""

    signals: list[dict[str, Any]]
    error: ReadError
    maxrss_kb: int


def reader_modules_only() -> None:
    """Make ``cogs.disclosures.*`` importable without running the package's ``__init__``, which loads the whole
    Discord cog (discord.py, the database layer…): this process needs only the pure reader modules."""
    root = Path(__file__).resolve().parents[2]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    for name, path in (("cogs", root / "cogs"), ("cogs.disclosures", root / "cogs" / "disclosures")):
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [str(path)]
            sys.modules[name] = package


def limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _no_sockets(event: str, args: Any) -> None:
    if event in SOCKET_EVENTS:
        raise PermissionError("the image reader has no network access")


def peak_rss_kb() -> int:
    """This process's peak resident memory (VmHWM, which, unlike ru_maxrss, does not carry the bot's over exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _read_exact(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def answer(data: bytes, mime: str) -> tuple[Answer, bool]:
    """The JSON answer for one file, and whether this process must exit after sending it."""
    from cogs.disclosures.provenance import read_signals

    try:
        signals = read_signals(data, mime or None)
    except MemoryError:
        return {"error": "memory"}, True  # the heap may be in a bad state: start afresh
    except Exception:
        log.exception("The image reader failed on a %s file of %d bytes", mime or "?", len(data))
        return {"error": "failed"}, False
    return {"signals": [s.to_json() for s in signals]}, False


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    while True:
        header = _read_exact(requests, REQUEST.size)
        if header is None:
            return
        mime_length, size = REQUEST.unpack(header)
        if mime_length > MAX_MIME:
            return
        mime = _read_exact(requests, mime_length)
        data = _read_exact(requests, size)
        if mime is None or data is None:
            return
        reply, fatal = answer(data, mime.decode("ascii", "replace"))
        del data
        reply["maxrss_kb"] = peak_rss_kb()
        body = json.dumps(reply).encode()
        answers.write(ANSWER.pack(len(body)) + body)
        answers.flush()
        if fatal:
            return


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s", stream=sys.stderr)
    reader_modules_only()
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything else written to stdout (a stray print, native code) goes to stderr, not answers
    sys.stdout = sys.stderr
    limit_memory(args.memory_mb)
    with contextlib.suppress(OSError):
        os.nice(5)  # the bot's event loop comes first on a small machine
    sys.addaudithook(_no_sockets)
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # headers only, never pixels: a large photo must still show its EXIF
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
