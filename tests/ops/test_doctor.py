"""`haikei doctor` as a process against the emulator, and its checks one by one."""

from __future__ import annotations

import socket
from pathlib import Path

import discord
import pytest

from bot.client import Haikei
from bot.db import AsyncDatabase, apply_migrations, open_database
from bot.doctor import FAIL, OK, WARN, bot_intents, check_database, check_fonts, intent_findings
from bot.settings import Settings
from bot.upgrades import migration_sets
from emulator.emulator import Emulator
from tests.ops.support import env_for, haikei

pytestmark = pytest.mark.e2e


def migrated(path: Path) -> Path:
    db = open_database(path)
    apply_migrations(db, *migration_sets())
    db.conn.close()
    return path


def discord_requests(emulator: Emulator) -> list[str]:
    return [r.path for r in emulator.requests if r.path.endswith(("/users/@me", "/applications/@me"))]


async def test_healthy_install_passes_every_check(
    emulator: Emulator, settings: Settings, tmp_path: Path
) -> None:
    migrated(settings.database_path)
    ran = await haikei("doctor", cwd=tmp_path, env=env_for(settings))
    assert ran.code == 0, ran.out
    lines = ran.out.splitlines()
    bot_name = emulator.world.bot.username
    assert f"ok    token     Discord accepts the token: logged in as {bot_name}" in ran.out
    assert any(line.startswith("ok    intents   Haikei needs no privileged intent") for line in lines)
    assert any(line.startswith("ok    database") and "integrity_check ok" in line for line in lines)
    assert any(line.startswith("ok    database") and "migrations applied" in line for line in lines)
    assert any(line.startswith("ok    fonts     charts load ChartSansLatin") for line in lines)
    assert not any(line.startswith(FAIL) for line in lines)
    assert discord_requests(emulator) == ["/api/v10/users/@me", "/api/v10/applications/@me"]


async def test_a_refused_token_is_named_with_its_fix(
    emulator: Emulator, settings: Settings, tmp_path: Path
) -> None:
    ran = await haikei("doctor", cwd=tmp_path, env=env_for(settings, DISCORD_TOKEN="not-the-token"))
    assert ran.code == 1
    assert "FAIL  token     Discord refused DISCORD_TOKEN (401 Unauthorized)" in ran.out
    assert "Reset Token" in ran.out
    assert "warn  database  " in ran.out and "does not exist yet" in ran.out  # the bot never ran here
    assert ran.out.rstrip().endswith("1 problem to fix.")


async def test_quick_stays_offline(emulator: Emulator, settings: Settings, tmp_path: Path) -> None:
    migrated(settings.database_path)
    ran = await haikei("doctor", "--quick", cwd=tmp_path, env=env_for(settings))
    assert ran.code == 0, ran.out
    assert discord_requests(emulator) == []
    assert "integrity_check" not in ran.out and "token" not in ran.out
    assert "migrations applied" in ran.out


async def test_an_unreachable_api_and_a_broken_database_fail(settings: Settings, tmp_path: Path) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.database_path.write_bytes(b"not a database at all" * 100)
    env = env_for(settings, DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10")
    ran = await haikei("doctor", cwd=tmp_path, env=env)
    assert ran.code == 1
    assert f"FAIL  discord   cannot reach http://127.0.0.1:{port}/api/v10" in ran.out
    assert "is not an SQLite database" in ran.out and "haikei restore FILE" in ran.out
    assert ran.out.rstrip().endswith("2 problems to fix.")


async def test_bad_settings_are_reported_not_raised(tmp_path: Path) -> None:
    ran = await haikei("doctor", cwd=tmp_path, env=env_for(DISCORD_TOKEN="x", LOG_LEVEL="loud"))
    assert ran.code == 1
    assert "FAIL  settings  LOG_LEVEL must be one of" in ran.out
    assert "ok    fonts" in ran.out  # the checks that need no settings still ran


def test_database_findings(tmp_path: Path) -> None:
    path = migrated(tmp_path / "h.db")
    db = open_database(path)
    db.execute("DELETE FROM _sqlite_migrations WHERE migration_set = 'polls'")
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('core', '0999_future', '2030')"
    )
    db.conn.commit()
    db.conn.close()
    found = {(f.status, f.detail.split(":")[0]) for f in check_database(path)}
    assert (FAIL, "written by a newer Haikei") in found
    db = open_database(path)
    db.execute("DELETE FROM _sqlite_migrations WHERE name = '0999_future'")
    db.conn.commit()
    db.conn.close()
    [integrity, pending] = check_database(path)
    assert integrity.status == OK
    assert (
        pending.status == WARN and "polls:0001_polls, polls:0002_unordered_secret_ballots" in pending.detail
    )
    assert "next start" in pending.fix


def test_a_damaged_database_fails_its_integrity_check(tmp_path: Path) -> None:
    db = open_database(tmp_path / "d.db")
    db["t"].insert_all(({"id": i, "text": "x" * 200} for i in range(2000)), pk="id")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    data = bytearray((tmp_path / "d.db").read_bytes())
    data[4096 * 3 : 4096 * 3 + 64] = b"\xff" * 64  # a b-tree page header overwritten
    (tmp_path / "d.db").write_bytes(bytes(data))
    [finding] = [f for f in check_database(tmp_path / "d.db") if f.status == FAIL]
    assert finding.detail.startswith(("integrity_check:", "cannot read"))
    assert "restore" in finding.fix


def test_fonts_missing_or_unable_to_draw(tmp_path: Path) -> None:
    [missing] = check_fonts([tmp_path / "nope.ttf"])
    assert missing.status == FAIL and "nope.ttf does not load" in missing.detail
    [ok] = check_fonts()
    assert ok.status == OK
    from bot.chart_text import FONT_PATHS

    [latin_only] = check_fonts(FONT_PATHS[:1])  # the kana and kanji of the sample are in the other font
    assert latin_only.status == FAIL and "cannot draw" in latin_only.detail


def test_intents_needed_must_be_enabled() -> None:
    members = discord.Intents.default()
    members.members = True
    [off] = intent_findings(members, 0)
    assert off.status == FAIL and "Server Members Intent" in off.detail and "Privileged Gateway" in off.fix
    assert intent_findings(members, 1 << 15)[0].status == OK  # "limited" (under 100 servers) counts
    [unused] = intent_findings(bot_intents(), 1 << 18)
    assert unused.status == OK and "enabled but unused: Message Content Intent" in unused.detail


async def test_doctor_checks_the_intents_the_bot_really_uses(settings: Settings) -> None:
    bot = Haikei(settings, AsyncDatabase(open_database(None)))
    try:
        assert bot.intents.value == bot_intents().value
    finally:
        await bot.db.close()
