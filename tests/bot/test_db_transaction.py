"""``bot.db.transaction``: one write transaction that waits for another process's write lock instead of failing,
savepoints when nested, and nothing half-written after an error."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.db import open_database, transaction


@pytest.fixture
def path(tmp_path: Path) -> Path:
    db = open_database(tmp_path / "t.db")
    db.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER)")
    db.execute("INSERT INTO counter VALUES (1, 0)")
    db.conn.commit()
    db.conn.close()
    return tmp_path / "t.db"


def value(db: Database) -> int:
    return int(db.execute("SELECT value FROM counter WHERE id = 1").fetchone()[0])


def test_a_read_then_write_waits_for_another_writer_instead_of_failing(path: Path) -> None:
    """With a deferred BEGIN, a transaction that read before another connection committed fails its first write
    at once ("database is locked"); BEGIN IMMEDIATE takes the lock first, so the second writer waits."""
    first, second = open_database(path), open_database(path)
    holding, go_on = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def other_process() -> None:
        try:
            with transaction(second):
                current = value(second)
                holding.set()
                go_on.wait(5)
                second.execute("UPDATE counter SET value = ? WHERE id = 1", [current + 1])
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=other_process)
    thread.start()
    assert holding.wait(5)
    # this one starts while the other holds the write lock: it waits (busy_timeout), then reads the new value
    releaser = threading.Timer(0.2, go_on.set)  # the other process finishes its write a moment later
    releaser.start()
    with transaction(first):
        first.execute("UPDATE counter SET value = ? WHERE id = 1", [value(first) + 10])
    thread.join(5)
    releaser.join()
    assert errors == []
    assert value(first) == 11  # both increments landed: neither write was lost or refused


def test_an_error_leaves_nothing_half_written_and_nesting_uses_savepoints(path: Path) -> None:
    db = open_database(path)
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("UPDATE counter SET value = 5 WHERE id = 1")
        db.table("counter").insert({"id": 2, "value": 1})  # a sqlite-utils write inside: a savepoint
        raise RuntimeError("fails half-way")
    assert value(db) == 0 and db.table("counter").count == 1 and not db.conn.in_transaction
    with transaction(db):
        db.execute("UPDATE counter SET value = 1 WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError), transaction(db):  # nested: only the savepoint goes
            db.execute("INSERT INTO counter VALUES (1, 9)")
    assert value(db) == 1
