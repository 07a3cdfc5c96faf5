"""Start and stop Haikei against the emulator (also used for restart tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from bot.client import Haikei
from bot.db import AsyncDatabase, open_database
from bot.extensions import EXTENSIONS
from bot.sandbox.emulator import Emulator
from bot.sandbox.harness import running
from bot.settings import Settings


@asynccontextmanager
async def running_haikei(
    settings: Settings, emulator: Emulator, *, extensions: Iterable[str] = EXTENSIONS
) -> AsyncIterator[Haikei]:
    """A fresh Haikei process-equivalent on ``settings.database_path``: connected, ready, closed on exit."""
    bot = Haikei(settings, AsyncDatabase(open_database(settings.database_path)), extensions=extensions)
    async with running(bot, emulator):
        yield bot
