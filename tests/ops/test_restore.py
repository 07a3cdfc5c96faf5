"""What backup and restore refuse, and what they keep (the functions behind `haikei backup` / `haikei restore`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.backup import BackupError, backup, database_in_use, restore
from bot.db import apply_migrations, open_database
from bot.upgrades import migration_sets


def make_database(path: Path, *values: str) -> Path:
    db = open_database(path)
    apply_migrations(db, *migration_sets())
    for value in values:
        db["meta"].insert({"key": value, "value": value})
    db.conn.close()
    return path


def keys_of(path: Path) -> set[str]:
    db = open_database(path)
    try:
        return {row[0] for row in db.execute("SELECT key FROM meta")}
    finally:
        db.conn.close()


def test_backup_into_a_directory_names_the_file_and_refuses_odd_targets(tmp_path: Path) -> None:
    live = make_database(tmp_path / "haikei.db", "a")
    key_file = tmp_path / "haikei-ballot-keys.db"
    done = backup(live, tmp_path / "backups" / "x.db", key_file=key_file)  # parent directories are made
    assert done.path.is_file() and done.path.stat().st_mode & 0o077 == 0
    in_dir = backup(live, tmp_path / "backups", key_file=key_file)
    assert re.fullmatch(r"haikei-\d{8}-\d{6}\.db", in_dir.path.name)
    assert not list((tmp_path / "backups").glob("*.partial")) and not list(tmp_path.glob("backups/*-wal"))
    for target in (live, key_file, Path(f"{live}-wal")):
        with pytest.raises(BackupError, match="live database or the ballot-key file"):
            backup(live, target, key_file=key_file)
    notes = tmp_path / "notes.txt"
    notes.write_text("precious")
    with pytest.raises(BackupError, match="not an SQLite database: refusing to overwrite"):
        backup(live, notes, key_file=key_file)
    assert notes.read_text() == "precious"
    with pytest.raises(BackupError, match="nothing to back up"):
        backup(tmp_path / "missing.db", tmp_path / "b.db", key_file=key_file)


def test_restore_refuses_what_it_cannot_run(tmp_path: Path) -> None:
    live = make_database(tmp_path / "haikei.db", "live")
    key_file = tmp_path / "haikei-ballot-keys.db"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"nope" * 1000)
    foreign = tmp_path / "foreign.db"
    foreign_db = open_database(foreign)
    foreign_db["t"].insert({"x": 1})
    foreign_db.conn.close()
    newer = make_database(tmp_path / "newer.db")
    newer_db = open_database(newer)
    newer_db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('polls', '9999_next', 'x')"
    )
    newer_db.conn.commit()
    newer_db.conn.close()
    for source, reason in (
        (junk, "not an SQLite database"),
        (foreign, "not a Haikei database"),
        (newer, "written by a newer Haikei .*polls:9999_next.*upgrade Haikei, then restore"),
        (tmp_path / "absent.db", "does not exist"),
        (key_file, "live database or the ballot-key file"),
    ):
        with pytest.raises(BackupError, match=reason):
            restore(source, live, key_file=key_file)
    assert keys_of(live) == {"live"} and not list(tmp_path.glob("*.before-restore-*"))
    assert not list(tmp_path.glob("*.restoring"))


def test_an_open_database_is_in_use_and_restore_leaves_it_alone(tmp_path: Path) -> None:
    live = make_database(tmp_path / "haikei.db", "live")
    saved = backup(live, tmp_path / "saved.db", key_file=tmp_path / "k.db").path
    bot = open_database(live)  # what the running bot holds from start to exit
    try:
        assert database_in_use(live)
        with pytest.raises(BackupError, match="in use: stop the bot first"):
            restore(saved, live, key_file=tmp_path / "k.db")
        bot["meta"].insert({"key": "still-writable", "value": "1"})
    finally:
        bot.conn.close()
    assert not database_in_use(live) and not database_in_use(tmp_path / "never-made.db")
    assert keys_of(live) == {"live", "still-writable"}


def test_restore_over_a_crashed_database_keeps_its_unflushed_writes(tmp_path: Path) -> None:
    """A crash leaves committed writes in the -wal file only: the kept database must still have them."""
    live = make_database(tmp_path / "run" / "haikei.db", "before")
    saved = backup(live, tmp_path / "saved.db", key_file=tmp_path / "k.db").path
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    bot = open_database(live)
    try:
        bot["meta"].insert({"key": "after", "value": "1"})
        for suffix in ("", "-wal"):  # the files as a killed process leaves them
            shutil.copyfile(f"{live}{suffix}", crashed / f"haikei.db{suffix}")
    finally:
        bot.conn.close()
    assert (crashed / "haikei.db-wal").stat().st_size > 0
    done = restore(saved, crashed / "haikei.db", key_file=tmp_path / "k.db")
    assert keys_of(crashed / "haikei.db") == {"before"}
    assert done.kept is not None and keys_of(done.kept) == {"before", "after"}
    assert sorted(p.name for p in crashed.iterdir()) == sorted(["haikei.db", done.kept.name])
