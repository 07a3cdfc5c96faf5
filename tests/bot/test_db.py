import asyncio
import threading
from pathlib import Path

from bot import guild_settings
from bot.db import AsyncDatabase, apply_migrations, open_database
from bot.migrations import core


def test_migrations_apply_once(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.db")
    first = apply_migrations(db, core)
    assert first == ["core:0001_guild_settings", "core:0002_meta", "core:0003_leases", "core:0004_privacy"]
    assert apply_migrations(db, core) == []
    assert {"guild_settings", "meta", "leases", "guild_removals", "privacy_log"} <= set(db.table_names())


def test_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = open_database(tmp_path / "w.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_guild_settings_roundtrip(db) -> None:
    assert guild_settings.get(db, 1)["mod_role_id"] is None
    guild_settings.set_role(db, 1, "mod_role_id", 42)
    guild_settings.set_role(db, 1, "poller_role_id", 7)
    row = guild_settings.get(db, 1)
    assert (row["mod_role_id"], row["poller_role_id"]) == (42, 7)
    guild_settings.set_meta(db, "k", "v")
    assert guild_settings.get_meta(db, "k") == "v"
    assert guild_settings.get_meta(db, "missing") is None


def _write_and_name_thread(db, i: int) -> str:
    guild_settings.set_meta(db, f"k{i}", str(i))
    return threading.current_thread().name


async def test_async_database_runs_on_its_own_thread_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    adb = AsyncDatabase(open_database(path))
    await adb.migrate(core)
    names = await asyncio.gather(*(adb.run(_write_and_name_thread, i) for i in range(20)))
    assert {name.split("_")[0] for name in names} == {"sqlite"}
    assert threading.current_thread().name not in names
    await adb.close()
    reopened = open_database(path)
    assert reopened["meta"].count == 20
