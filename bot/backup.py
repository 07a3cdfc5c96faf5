"""`haikei backup` / `haikei restore`: a consistent copy of the main database, taken while the bot runs.

A backup is SQLite's online backup API copying the whole database in one step, inside one read transaction:
the copy is the database as it was when that step began, every commit before it included, and the bot keeps
writing meanwhile (WAL readers do not block the writer). It covers the main database only: the ballot-key
file of secret polls (``BALLOT_KEYS_PATH``) is left out on purpose, and restore never touches it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from bot.upgrades import MIGRATIONS_TABLE, SchemaStatus, schema_status

SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(Exception):
    """Why a backup or restore was refused or failed, worded for the operator."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    seconds: float


@dataclass(frozen=True)
class RestoreReport:
    target: Path
    kept: Path | None  # where the database that was replaced now is
    status: SchemaStatus


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(16) == SQLITE_HEADER
    except OSError:
        return False


def connect_for_reading(path: Path) -> sqlite3.Connection:
    """A connection that cannot write ``path`` (which must exist: connecting would create it).

    Not ``mode=ro``: a read-only connection to a WAL database leaves its ``-wal``/``-shm`` files behind, owned
    by whoever ran the command; an ordinary one removes them when it is the last to close.
    """
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    conn = sqlite3.connect(str(path), timeout=30)
    conn.execute("PRAGMA query_only=ON")
    return conn


def integrity_problems(conn: sqlite3.Connection, *, quick: bool = False) -> list[str]:
    """What ``PRAGMA integrity_check`` (or ``quick_check``) found; empty when the database is sound."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}(20)").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def database_in_use(path: Path) -> bool:
    """True when another connection (the bot, or another haikei command) has ``path`` open.

    The bot keeps its database open in WAL mode from start to exit. Leaving WAL mode needs every other
    connection gone, so asking for it (without waiting) tells whether any is left; when nobody has the file
    open this converts it to a rollback journal, which the bot undoes at its next start.
    """
    if not path.exists():
        return False
    try:
        conn = sqlite3.connect(str(path), timeout=0, isolation_level=None)
        try:
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise BackupError(f"cannot open {path}: {exc}") from exc
    except sqlite3.DatabaseError:
        return False  # not a database (damaged): nothing can be using it as one
    return str(mode).lower() == "wal"


def _copy(source: sqlite3.Connection, dest: Path) -> None:
    """Copy ``source`` into ``dest`` with the online backup API, in one step (one consistent snapshot)."""
    dest.unlink(missing_ok=True)
    target = sqlite3.connect(str(dest))
    try:
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        problems = integrity_problems(target)
        if problems:
            raise BackupError(f"the copy failed its integrity check: {'; '.join(problems)}")
    finally:
        target.close()
    _harden(dest)


def _harden(path: Path) -> None:
    """Only the owner may read it (it holds member ids and votes); flushed to disk."""
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _refuse_special(path: Path, *, database: Path, key_file: Path, what: str) -> None:
    resolved = path.resolve()
    live = database.resolve()
    forbidden = {live, key_file.resolve(), Path(f"{live}-wal"), Path(f"{live}-shm")}
    if resolved in forbidden:
        raise BackupError(f"{what} {path} is the live database or the ballot-key file")


def backup(database: Path, dest: Path, *, key_file: Path, into_directory: bool = False) -> BackupReport:
    """Copy the live ``database`` to ``dest``: a file, or a directory (made if need be, when
    ``into_directory``) to put a timestamped ``haikei-YYYYMMDD-HHMMSS.db`` in."""
    if into_directory or dest.is_dir():
        dest = dest / f"haikei-{stamp()}.db"
    _refuse_special(dest, database=database, key_file=key_file, what="the backup path")
    if dest.exists() and not is_sqlite_file(dest):
        raise BackupError(f"{dest} exists and is not an SQLite database: refusing to overwrite it")
    if not database.is_file():
        raise BackupError(f"there is no database at {database}: nothing to back up")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    started = time.monotonic()
    source = connect_for_reading(database)
    try:
        _copy(source, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    os.replace(partial, dest)  # the previous backup of that name stays whole until the new one is
    _sync_dir(dest.parent)
    return BackupReport(dest, dest.stat().st_size, time.monotonic() - started)


def check_backup(path: Path) -> SchemaStatus:
    """Refuse a file that is not a sound Haikei database this version can run."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    if not is_sqlite_file(path):
        raise BackupError(f"{path} is not an SQLite database")
    conn = connect_for_reading(path)
    try:
        problems = integrity_problems(conn)
        if problems:
            raise BackupError(f"{path} failed its integrity check: {'; '.join(problems)}")
        db = Database(conn)
        if MIGRATIONS_TABLE not in db.table_names():
            raise BackupError(f"{path} is not a Haikei database (no {MIGRATIONS_TABLE} table)")
        status = schema_status(db)
    finally:
        conn.close()
    if status.unknown:
        raise BackupError(
            f"{path} was written by a newer Haikei (migrations {', '.join(status.unknown)} are unknown here);"
            " migrations only go forward: upgrade Haikei, then restore"
        )
    return status


def restore(source: Path, database: Path, *, key_file: Path) -> RestoreReport:
    """Replace ``database`` with the backup ``source``; the replaced database is kept beside it."""
    _refuse_special(source, database=database, key_file=key_file, what="the backup")
    status = check_backup(source)
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_name(database.name + ".restoring")
    conn = connect_for_reading(source)
    try:
        _copy(conn, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        conn.close()
    _give_to_directory_owner(partial)
    kept = None
    try:
        if database_in_use(database):
            raise BackupError(
                f"{database} is in use: stop the bot first (systemctl stop haikei, or docker compose stop),"
                " then restore"
            )
        if database.exists():
            kept = database.with_name(f"{database.stem}.before-restore-{stamp()}{database.suffix}")
            os.replace(database, kept)
        for suffix in ("-wal", "-shm"):  # never let the old database's log be replayed into the restored one
            leftover = Path(f"{database}{suffix}")
            if leftover.exists():
                os.replace(leftover, Path(f"{kept or database}{suffix}.old"))
        os.replace(partial, database)
    finally:
        partial.unlink(missing_ok=True)
    _sync_dir(database.parent)
    return RestoreReport(database, kept, status)


def _give_to_directory_owner(path: Path) -> None:
    """Run as root (``sudo haikei restore``), the restored file goes to whoever owns the data directory (the
    bot's user), so the bot can still write it."""
    if os.geteuid() != 0:
        return
    owner = path.parent.stat()
    if owner.st_uid != 0:
        os.chown(path, owner.st_uid, owner.st_gid)
