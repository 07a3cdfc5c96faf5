"""`python -m bot` as a real process against the emulator: registers commands, stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from emulator.emulator import Emulator

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def bot_env(emulator: Emulator, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "POLL_", "DATABASE_"))}
    env.update(
        DISCORD_TOKEN=emulator.token,
        DISCORD_API_BASE=emulator.api_base,
        DATABASE_PATH=str(tmp_path / "proc.db"),
        POLL_SECRET="p" * 32,
        PYTHONPATH=str(ROOT),
    )
    return env


async def test_sync_command_forces_a_sync_and_exits(emulator: Emulator, tmp_path: Path) -> None:
    for expected_puts in (1, 2):
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "sync",
            cwd=tmp_path,
            env=bot_env(emulator, tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
        assert proc.returncode == 0, output.decode()
        assert emulator.command_puts == expected_puts  # forced even though the tree did not change
    assert emulator.identify_count == 0  # it never connected to the gateway
    assert {"help", "about", "config"} <= {c["name"] for c in emulator.registered_commands()}


async def test_process_comes_up_registers_and_stops_on_sigterm(emulator: Emulator, tmp_path: Path) -> None:
    env = bot_env(emulator, tmp_path)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await emulator.wait_until(
            lambda: emulator.identify_count == 1 and emulator.registered_commands(),
            timeout=30,
            what="the bot process to identify and register commands",
        )
        names = {c["name"] for c in emulator.registered_commands()}
        assert {"help", "about", "config"} <= names
        result = await emulator.driver.command("about", user="alice")
        await result.wait(timeout=10)
        assert result.embeds
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), timeout=20)
        output = (await proc.stdout.read()).decode()
        assert code == 0, output
        assert "shutting down cleanly" in output
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
