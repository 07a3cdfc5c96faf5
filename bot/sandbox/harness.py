"""``running(bot, emulator)``: start any ``commands.Bot`` against a started Emulator, wait for READY, clean up.

Shared by the sandbox's own tests, feature end-to-end tests and benchmarks so none of them re-implement
the start/ready/shutdown dance (and none leaks a bot task into the next test).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import discord

from bot.endpoint import discover_gateway, set_api_base
from bot.sandbox.emulator import Emulator

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def running(
    bot: discord.Client,
    emulator: Emulator,
    *,
    ready_timeout: float = 10.0,
    fast_ready: bool = True,
    sync: bool = False,
) -> AsyncIterator[discord.Client]:
    """Point ``bot`` at ``emulator`` (which must be started), run it, yield once it is ready.

    ``fast_ready`` shortens discord.py's ``guild_ready_timeout`` (2 s wait after the last GUILD_CREATE)
    because the emulator sends every guild at once; ``sync=True`` runs ``bot.tree.sync()`` after ready.
    Ready means every shard of the bot is ready (an ``AutoShardedBot`` dispatches ``ready`` once, after the
    last shard's servers arrived). A bot that paces its IDENTIFYs itself (an ``identify_interval`` attribute,
    as Haikei has) is told the emulator's interval, which tests shorten from Discord's 5 s.
    """
    if emulator.port == 0:
        raise RuntimeError("start the emulator first: await emulator.start()")
    set_api_base(emulator.api_base)
    await discover_gateway(emulator.api_base, emulator.token)
    if fast_ready and bot._connection.guild_ready_timeout > 0.05:
        bot._connection.guild_ready_timeout = 0.05
    if hasattr(bot, "identify_interval"):
        bot.identify_interval = emulator.identify_interval
    task = asyncio.create_task(bot.start(emulator.token), name="sandbox-bot")
    ready = asyncio.create_task(bot.wait_until_ready())
    try:
        done, _ = await asyncio.wait(
            {task, ready}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if task in done:
            task.result()  # re-raise why the bot stopped
            raise RuntimeError("bot.start() returned before the bot became ready")
        if ready not in done:
            raise TimeoutError(
                f"bot not ready within {ready_timeout}s (identifies: {emulator.identify_count},"
                f" refused: {emulator.gateway.identify_refused})"
            )
        if sync:
            await bot.tree.sync()  # type: ignore[attr-defined]
        yield bot
    finally:
        ready.cancel()
        if not bot.is_closed():
            await bot.close()
        try:
            await asyncio.wait_for(task, timeout=5)
        except (asyncio.CancelledError, TimeoutError):
            task.cancel()
        except Exception:
            log.exception("bot task ended with an error")
