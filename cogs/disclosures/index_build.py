"""Building the title index of a big database in a child process, off the bot's start.

Building means reading every title and creating, then freeing, tens of megabytes of temporary objects; in the bot's
own process that would hold the interpreter for seconds while the bot connects, and leave its memory fragmented
(freed, but not returned to the system). A short-lived child process does it instead: it reads the database
(read-only, its own connection; SQLite's WAL lets it read beside the bot's writer), builds the compact index and
saves it to a file beside the database, which the bot loads: only the index's own buffers arrive in the bot's
memory. (The child's own peak, some 140 MB at 100,000 records, lasts the few seconds of the build.)
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import pickle
import sqlite3
import tempfile
from array import array
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import BinaryIO

from sqlite_utils import Database

from cogs.disclosures import store
from cogs.disclosures.search import TitleIndex


def database_file(db: Database) -> str:
    """The file of the database's main schema ("" for an in-memory database)."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or ""
    return ""


def build(db: Database) -> TitleIndex:
    """The index of every published record, read page by page."""
    index = TitleIndex.building()
    after = ""
    while page := store.index_page(db, after):
        index.add_rows(page)
        after = page[-1][0]
    return index.finish()


def build_to_file(database: str, out: str) -> int:
    """(In the child process.) Build the index of ``database`` and save it to ``out``; how many records."""
    conn = sqlite3.connect(f"{Path(database).as_uri()}?mode=ro", uri=True)
    try:
        index = build(Database(conn))
    finally:
        conn.close()
    with open(out, "wb") as fh, open(f"{out}.buffers", "wb") as buffers:
        _Saver(fh, buffers).dump(index)
    return len(index)


def load(path: Path) -> TitleIndex:
    with path.open("rb") as fh, open(f"{path}.buffers", "rb") as buffers:
        index = _Loader(fh, buffers).load()
    if not isinstance(index, TitleIndex):
        raise TypeError(f"{path} does not hold a title index")
    return index


BIG = 1 << 16  # bytes: arrays and buffers this big travel as raw bytes beside the pickle


class _Saver(pickle.Pickler):
    """Pickles the index, writing its big arrays and byte buffers raw to ``buffers`` (read straight back into
    new ones on load, without the intermediate copies plain pickling makes)."""

    def __init__(self, fh: BinaryIO, buffers: BinaryIO) -> None:
        super().__init__(fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.buffers = buffers

    def persistent_id(self, obj: object) -> tuple[str, int] | None:
        if isinstance(obj, array) and obj.itemsize * len(obj) >= BIG:
            obj.tofile(self.buffers)
            return (obj.typecode, len(obj))
        if isinstance(obj, bytearray) and len(obj) >= BIG:
            self.buffers.write(obj)
            return ("bytearray", len(obj))
        return None


class _Loader(pickle.Unpickler):
    def __init__(self, fh: BinaryIO, buffers: io.BufferedReader) -> None:
        super().__init__(fh)
        self.buffers = buffers

    def persistent_load(self, pid: tuple[str, int]) -> object:
        kind, length = pid
        if kind == "bytearray":
            data = bytearray(length)
            if self.buffers.readinto(data) != length:
                raise EOFError("the index's buffers end early")
            return data
        values = array(kind)
        values.fromfile(self.buffers, length)
        return values


async def build_elsewhere(database: str) -> TitleIndex:
    """Build the index of the database file ``database`` in a child process and load it here."""
    loop = asyncio.get_running_loop()
    # Beside the database (on its disk, writable wherever the database is), not in a RAM-backed /tmp.
    with tempfile.TemporaryDirectory(prefix=".haikei-index-", dir=Path(database).parent) as tmp:
        out = Path(tmp) / "titles.pickle"
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        try:
            await loop.run_in_executor(pool, build_to_file, database, str(out))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return await asyncio.to_thread(load, out)
