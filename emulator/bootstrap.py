"""The one module of the emulator that starts Haikei's core: the sandbox, and ``running`` for any bot.

``running(bot, emulator)`` points any ``discord.Client`` at a started Emulator, waits for READY and cleans up
(shared by the emulator's tests, feature end-to-end tests and benchmarks). ``run_sandbox`` starts the emulator,
the demo feed, the real Haikei bot and the browser page, all on loopback: the same code path as production
(``bot.client.Haikei`` with every extension); only ``DISCORD_API_BASE`` points at the local emulator. The sandbox
has its own database file, reset on each start because the emulated server's ids are new every run.

Everything else in ``emulator`` is independent of the bot (it imports neither ``bot`` nor ``cogs``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import discord
from discord import app_commands

from bot.client import Haikei
from bot.db import AsyncDatabase, open_database
from bot.endpoint import discover_gateway, set_api_base
from bot.settings import Settings
from emulator.demo_feeds import DemoFeedServer
from emulator.demo_world import demo_world
from emulator.emulator import Emulator
from emulator.web import SandboxWeb
from emulator.web.personas import CuratorPolicy

log = logging.getLogger(__name__)

ClientT = TypeVar("ClientT", bound=discord.Client)


@runtime_checkable
class PacesIdentify(Protocol):
    """A bot that spaces its own IDENTIFYs (as Haikei does)."""

    identify_interval: float


@runtime_checkable
class HasTree(Protocol):
    """A bot with an application command tree (``commands.Bot`` and its subclasses)."""

    @property
    def tree(self) -> app_commands.CommandTree[Any]: ...


@contextlib.asynccontextmanager
async def running(
    bot: ClientT,
    emulator: Emulator,
    *,
    ready_timeout: float = 10.0,
    fast_ready: bool = True,
    sync: bool = False,
) -> AsyncIterator[ClientT]:
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
    if isinstance(bot, PacesIdentify):
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
            if not isinstance(bot, HasTree):
                raise TypeError("sync=True needs a bot with a command tree (bot.tree)")
            await bot.tree.sync()
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


HOST = "127.0.0.1"
FEED_POLL_SECONDS = 5  # sandbox only: the demo feed is on loopback, so poll it often
READY_TIMEOUT = 60.0
EXIT_PORT_IN_USE = 2
DEMO_FEED_NAME = "Haikei demo feed · sample stories"


@dataclass
class Sandbox:
    """Handles on everything the sandbox runs (tests reach in through these)."""

    settings: Settings
    emulator: Emulator
    demo: DemoFeedServer
    bot: Haikei
    web: SandboxWeb

    @property
    def url(self) -> str:
        return self.web.url


def sandbox_keys_path(settings: Settings) -> Path:
    """The sandbox's own ballot-key file, beside its database (never the production one)."""
    db = settings.sandbox_database_path
    return db.with_name(db.stem + "-ballot-keys.db")


def reset_database(settings: Settings) -> Path:
    """Delete the sandbox database (never the production one) so each run starts from a clean server."""
    path = settings.sandbox_database_path
    if path.resolve() == settings.database_path.resolve():
        raise ValueError(
            "SANDBOX_DATABASE_PATH must differ from DATABASE_PATH: the sandbox resets its database"
        )
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
        keys = sandbox_keys_path(settings)
        keys.with_name(keys.name + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def bot_settings(settings: Settings, emulator: Emulator, feeds: Path) -> Settings:
    """The production settings, pointed at the emulator and the sandbox database."""
    return settings.with_overrides(
        discord_token=emulator.token,
        discord_api_base=emulator.api_base,
        database_path=settings.sandbox_database_path,
        dev_guild_id=None,
        feed_allow_hosts=settings.feed_allow_hosts | {HOST},
        feed_poll_seconds=FEED_POLL_SECONDS,
        recommended_feeds_path=feeds,
        ballot_keys_file=sandbox_keys_path(settings),
    )


def write_demo_feed_list(settings: Settings, feed_url: str) -> Path:
    """The sandbox's recommended-feed list: only the demo feed, so nothing leaves the machine."""
    path = settings.sandbox_database_path.with_name("sandbox-feeds.toml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'# Written by the sandbox on each start: the local demo feed only.\n[[feed]]\nname = "{DEMO_FEED_NAME}"\n'
        f'url = "{feed_url}"\nlanguage = "en"\ntopics = ["anime", "demo"]\n',
        encoding="utf-8",
    )
    return path


@contextlib.asynccontextmanager
async def open_sandbox(settings: Settings) -> AsyncIterator[Sandbox]:
    """Start emulator → demo feed → bot → page (all on 127.0.0.1); stop them in reverse order."""
    async with contextlib.AsyncExitStack() as stack:
        # Two servers (the second moderated by rin, who is not a curator), built before the bot connects.
        emulator = await Emulator(token=secrets.token_urlsafe(24), world=demo_world()).start(HOST, 0)
        stack.push_async_callback(emulator.stop)
        demo = await DemoFeedServer().start(HOST, 0)
        stack.push_async_callback(demo.stop)
        reset_database(settings)
        configured = bot_settings(settings, emulator, write_demo_feed_list(settings, demo.feed_url))
        bot = Haikei(configured, AsyncDatabase(open_database(configured.database_path)), force_sync=True)
        await stack.enter_async_context(running(bot, emulator, ready_timeout=READY_TIMEOUT))
        curators = CuratorPolicy(
            configured.curator_user_ids, configured.curator_guild_id, configured.curator_role_id
        )
        web = await SandboxWeb(emulator, curators=curators).start(HOST, settings.sandbox_port)
        stack.push_async_callback(web.stop)
        yield Sandbox(configured, emulator, demo, bot, web)


def banner(url: str) -> str:
    """The one message that says what is running and how to go live."""
    lines = [
        f"Haikei sandbox: open {url} in your browser.",
        "This is a LOCAL SANDBOX: an emulated Discord server on this machine, with no connection to Discord.",
        "To go live, put DISCORD_TOKEN=<your bot token> in .env (see .env.example) and run `make run` again.",
        "Press Ctrl+C to stop.",
    ]
    width = max(map(len, lines))
    rule = "=" * (width + 4)
    return "\n".join([rule, *(f"| {line.ljust(width)} |" for line in lines), rule])


async def run_sandbox(settings: Settings) -> int:
    """Run the sandbox until SIGINT/SIGTERM, then shut everything down cleanly; returns the exit code."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        async with open_sandbox(settings) as sandbox:
            log.info("\n%s", banner(sandbox.url))
            await stop.wait()
            log.info("Stopping the sandbox")
    except OSError as exc:
        log.error(
            "The sandbox could not listen on %s:%s (%s); set SANDBOX_PORT", HOST, settings.sandbox_port, exc
        )
        return EXIT_PORT_IN_USE
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
    return 0
