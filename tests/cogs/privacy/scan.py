"""Find a Discord id anywhere in a SQLite database: every table (virtual and shadow tables included) and every
column, as an integer and inside text; and in the file's raw bytes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def traces(conn: Any, user_id: int) -> list[tuple[str, str, Any]]:
    """(table, column, value) of every cell holding ``user_id`` as a number or as part of a text or blob."""
    found = []
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert tables, "no tables: wrong database?"
    for table in tables:
        try:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({_quote(table)})")]
        except sqlite3.DatabaseError:
            continue
        for column in columns:
            col = _quote(column)
            try:
                rows = conn.execute(
                    f"SELECT {col} FROM {_quote(table)} WHERE {col} = ? OR instr(CAST({col} AS TEXT), ?) > 0",
                    [user_id, str(user_id)],
                ).fetchall()
            except sqlite3.OperationalError:  # an FTS table's hidden columns cannot be read this way
                continue
            found += [(table, column, row[0]) for row in rows]
    return found


def raw_traces(path: Path, user_id: int) -> list[str]:
    """Where the id's text or its 8-byte big-endian integer form appears in the file (and its WAL) bytes."""
    found = []
    for file in (path, path.with_name(path.name + "-wal")):
        if not file.exists():
            continue
        data = file.read_bytes()
        for label, needle in (("text", str(user_id).encode()), ("int", user_id.to_bytes(8, "big"))):
            if needle in data:
                found.append(f"{file.name}: {label} at {data.index(needle)}")
    return found
