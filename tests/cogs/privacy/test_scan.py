"""The scan the privacy tests rely on finds an id wherever it is stored, down to the bytes of deleted rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cogs.privacy.scan import raw_traces, traces

USER = 123456789012345678


@pytest.mark.parametrize("secure_delete", [False, True])
def test_scan_finds_ids_as_numbers_inside_text_and_in_the_bytes(tmp_path: Path, secure_delete: bool) -> None:
    conn = sqlite3.connect(tmp_path / "x.db")
    conn.execute(f"PRAGMA secure_delete={'ON' if secure_delete else 'OFF'}")
    conn.execute("CREATE TABLE t (a INTEGER, b TEXT, c BLOB)")
    conn.executemany(
        "INSERT INTO t VALUES (?, ?, ?)",
        [(42, "x", None), (1, f"u{USER}", None), (2, "y", f"[{USER}]".encode()), (USER, "z", None)],
    )
    conn.commit()
    assert traces(conn, USER) == [("t", "a", USER), ("t", "b", f"u{USER}"), ("t", "c", f"[{USER}]".encode())]
    assert traces(conn, 42) == [("t", "a", 42)]
    assert len(raw_traces(tmp_path / "x.db", USER)) == 2  # as text and as an 8-byte integer
    conn.execute("DELETE FROM t WHERE a != 42")
    conn.commit()
    assert traces(conn, USER) == []
    conn.close()
    # deleted rows leave their bytes behind unless secure_delete zeroes them (Haikei turns it on)
    assert (raw_traces(tmp_path / "x.db", USER) == []) is secure_delete
