"""Fixtures that run the real Haikei client against the local Discord emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import Settings
from emulator.emulator import Emulator
from tests.e2e.helpers import running_haikei


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    # Discord's IDENTIFY window is 5 s per bucket; a short one keeps restarts fast (Haikei is told it).
    emu = Emulator(identify_interval=0.1)
    await emu.start(host="127.0.0.1", port=0)
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
def settings(tmp_path: Path, emulator: Emulator) -> Settings:
    return Settings(
        discord_token=emulator.token,
        discord_api_base=emulator.api_base,
        database_path=tmp_path / "haikei.db",
        poll_secret="test-secret-" + "x" * 32,
        feed_allow_hosts=frozenset({"127.0.0.1", "localhost"}),
    )


@pytest.fixture
async def haikei(settings: Settings, emulator: Emulator):
    """The bot with every extension, connected and ready; closed after the test."""
    async with running_haikei(settings, emulator) as bot:
        yield bot
