"""Run the `haikei` console script as a process, with only the settings a test gives it."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
HAIKEI = Path(sys.executable).with_name("haikei")  # installed by `pip install -e .` ([project.scripts])
SETTING_PREFIXES = ("DISCORD_", "POLL_", "DATABASE_", "BALLOT_", "FEED_", "CURATOR_", "LOG_", "SANDBOX_")


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def env_for(settings: Settings | None = None, **extra: str) -> dict[str, str]:
    """The process environment minus any Haikei setting, plus ``settings``' token, API and paths."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_PREFIXES)}
    env["PYTHONPATH"] = str(ROOT)
    env["FEED_RECOMMENDED_FILE"] = str(ROOT / "data" / "feeds.toml")
    if settings is not None:
        if settings.discord_token:
            env["DISCORD_TOKEN"] = settings.discord_token
        env["DISCORD_API_BASE"] = settings.discord_api_base
        env["DATABASE_PATH"] = str(settings.database_path)
        env["BALLOT_KEYS_PATH"] = str(settings.ballot_keys_path)
    return env | extra


async def haikei(*args: str, cwd: Path, env: dict[str, str], timeout: float = 60) -> Ran:
    """``haikei ARGS`` as its own process (asynchronously: the emulator keeps serving meanwhile)."""
    proc = await asyncio.create_subprocess_exec(
        str(HAIKEI),
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    return Ran(proc.returncode, out.decode(), err.decode())
