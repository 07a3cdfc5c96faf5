"""The whole sandbox: real Haikei on the emulator, demo feed filling #alerts, clean start and stop."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from bot.settings import Settings
from cogs.alerts import recommended
from emulator.bootstrap import (
    banner,
    bot_settings,
    open_sandbox,
    reset_database,
    run_sandbox,
    write_demo_feed_list,
)
from emulator.demo_world import SECOND_SERVER
from emulator.emulator import Emulator
from emulator.web.personas import personas


def settings_in(tmp_path: Path, **changes: object) -> Settings:
    base = Settings(
        database_path=tmp_path / "haikei.db", sandbox_database_path=tmp_path / "sandbox.db", sandbox_port=0
    )
    return base.with_overrides(**changes)


def test_reset_database_never_touches_the_production_database(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    for name in (
        "sandbox.db",
        "sandbox.db-wal",
        "sandbox-ballot-keys.db",
        "haikei.db",
        "haikei-ballot-keys.db",
    ):
        (tmp_path / name).write_text("x")
    reset_database(settings)
    assert not (tmp_path / "sandbox.db").exists() and not (tmp_path / "sandbox.db-wal").exists()
    assert not (tmp_path / "sandbox-ballot-keys.db").exists()
    assert (tmp_path / "haikei.db").exists() and (tmp_path / "haikei-ballot-keys.db").exists()
    with pytest.raises(ValueError, match="must differ"):
        reset_database(settings.with_overrides(sandbox_database_path=tmp_path / "haikei.db"))


def test_bot_settings_point_at_the_emulator_and_the_sandbox_database(tmp_path: Path) -> None:
    emulator = Emulator(token="tok")
    emulator.port = 4321
    settings = settings_in(tmp_path, feed_allow_hosts=frozenset({"example.org"}), dev_guild_id=5)
    got = bot_settings(settings, emulator, tmp_path / "feeds.toml")
    assert got.discord_token == "tok"
    assert got.discord_api_base == "http://127.0.0.1:4321/api/v10"
    assert got.database_path == tmp_path / "sandbox.db"
    assert got.feed_allow_hosts == {"example.org", "127.0.0.1"}
    assert got.dev_guild_id is None
    assert got.feed_poll_seconds < settings.feed_poll_seconds
    assert got.recommended_feeds_path == tmp_path / "feeds.toml"
    assert got.ballot_keys_path == tmp_path / "sandbox-ballot-keys.db"


def test_demo_feed_list_is_the_only_recommended_feed(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    path = write_demo_feed_list(settings, "http://127.0.0.1:9/feed.xml")
    feeds = recommended.load(path)
    assert [(f.url, f.language) for f in feeds] == [("http://127.0.0.1:9/feed.xml", "en")]


def test_banner_says_local_sandbox_url_and_how_to_go_live() -> None:
    text = banner("http://127.0.0.1:8080")
    assert "http://127.0.0.1:8080" in text
    assert "no connection to Discord" in text
    assert "DISCORD_TOKEN" in text


async def test_alert_channel_fills_from_the_demo_feed_within_seconds(tmp_path: Path) -> None:
    async with open_sandbox(settings_in(tmp_path)) as sandbox:
        emulator = sandbox.emulator
        assert all(f.url == sandbox.demo.feed_url for f in sandbox.bot.get_cog("Alerts").recommended)
        result = await (
            await emulator.driver.command("alerts channel", {"channel": "alerts"}, user="mod")
        ).wait()
        started = time.monotonic()
        await (await emulator.driver.click(result, "alerts:subrec", user="mod")).wait()
        first = await emulator.wait_for_message("alerts", timeout=30)
        elapsed = time.monotonic() - started
        assert "Demo" in first["embeds"][0]["title"]
        assert elapsed < 30
        assert not emulator.limit_violations


async def test_second_server_is_moderated_by_rin_who_sees_moderator_commands_but_is_no_curator(
    tmp_path: Path,
) -> None:
    async with open_sandbox(settings_in(tmp_path)) as sandbox:
        emulator, driver = sandbox.emulator, sandbox.emulator.driver
        second = emulator.world.get_guild(SECOND_SERVER)
        assert sandbox.bot.get_guild(second.id) is not None  # GUILD_CREATE at READY
        assert {emulator.world.users[m].username for m in second.members} == {"Haikei", "rin", "alice", "kai"}
        # Discord's client hides moderator commands from members, in either server
        for user, where in (("alice", "general"), ("alice", SECOND_SERVER), ("kai", SECOND_SERVER)):
            assert "alerts" not in driver.visible_commands(user, where)
            assert "help" in driver.visible_commands(user, where)
        assert "alerts" in driver.visible_commands("mod", "general")
        assert "alerts" in driver.visible_commands("rin", SECOND_SERVER)
        channel = emulator.world.channel("general", SECOND_SERVER)
        result = await (await driver.command("help", user="rin", channel=channel)).wait()
        assert result.ephemeral and result.embeds
        summaries = [p["summary"] for p in personas(emulator.world, sandbox.web.curators)]
        assert "rin — moderator of Second Server, not a curator" in summaries
        assert "mod — moderator of Haikei Test Server, curator (the bot's owner)" in summaries


async def test_run_sandbox_stops_cleanly_on_sigterm(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="emulator.bootstrap")
    banner_seen = asyncio.Event()

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "Haikei sandbox: open http://127.0.0.1:" in record.getMessage():
                banner_seen.set()

    watcher = Watch()
    logging.getLogger("emulator.bootstrap").addHandler(watcher)
    try:
        task = asyncio.create_task(run_sandbox(settings_in(tmp_path)))
        await asyncio.wait_for(banner_seen.wait(), 60)
        os.kill(os.getpid(), signal.SIGTERM)
        assert await asyncio.wait_for(task, 30) == 0
    finally:
        logging.getLogger("emulator.bootstrap").removeHandler(watcher)
    assert (tmp_path / "sandbox.db").exists()
    assert not (tmp_path / "haikei.db").exists()


async def test_run_sandbox_reports_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert await asyncio.wait_for(run_sandbox(settings_in(tmp_path, sandbox_port=port)), 60) == 2
