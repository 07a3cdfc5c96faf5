"""The Bot subclass: dependencies injected, start-up work in ``setup_hook`` in one fixed order.

Haikei is an ``AutoShardedBot``: one process runs every shard of ``SHARD_COUNT`` (default: Discord's
recommendation) or the ``SHARD_IDS`` range it is given; cogs and their background jobs exist once per process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeAlias, TypedDict

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__, leases, pacing
from bot.command_sync import sync_if_changed, sync_scopes
from bot.db import AsyncDatabase
from bot.endpoint import discover_gateway, set_api_base
from bot.errors import Tree
from bot.extensions import EXTENSIONS
from bot.hooks import DynamicItems, hooks_of
from bot.i18n import Catalogs, Translator
from bot.migrations import core
from bot.replies import command_ids
from bot.settings import Settings
from bot.sharding import IDENTIFY_INTERVAL, IdentifyPacer, describe_shards
from bot.ui import expired

log = logging.getLogger(__name__)

USER_AGENT = f"Haikei/{__version__} (Discord bot; +https://github.com/haikei-bot/haikei)"
CORE_LOCALES = Path(__file__).parent / "locales"


class _ShardIds(TypedDict, total=False):
    shard_ids: list[int]


def _shard_ids(settings: Settings) -> _ShardIds:
    """``shard_ids=[…]`` when SHARD_IDS names this process's shards; nothing (every shard) otherwise."""
    return {"shard_ids": list(settings.shard_ids)} if settings.shard_ids else {}


class Haikei(commands.AutoShardedBot):
    """Haikei. Settings, database and extensions are passed in; nothing is read from globals.

    ``identify_interval``: seconds between two IDENTIFYs of one rate-limit bucket (Discord's 5 s; the local
    emulator can be told a shorter one, and ``emulator.bootstrap.running`` tells the bot).
    """

    def __init__(
        self,
        settings: Settings,
        db: AsyncDatabase,
        *,
        extensions: Iterable[str] = EXTENSIONS,
        force_sync: bool = False,
        identify_interval: float = IDENTIFY_INTERVAL,
        pacer: pacing.RestPacer | None = None,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=Tree,
            # A command is installed with Haikei in a server, nowhere else, unless it says so itself.
            allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
            shard_count=settings.shard_count,
            **_shard_ids(settings),
        )
        self.settings = settings
        # Every REST request stays under Discord's 50/s per token; commands go first (bot.pacing).
        self.pacer = pacing.install(self, pacer)
        self.db = db
        self.extension_names = tuple(extensions)
        self.force_sync = force_sync
        self.i18n = Catalogs()
        self.i18n.load_dir(CORE_LOCALES)
        self.started_at = time.monotonic()
        self.failed_extensions: dict[str, BaseException] = {}
        self.synced_on_start: bool | None = None
        self._http_session: aiohttp.ClientSession | None = None
        self.identify_pacer = IdentifyPacer(identify_interval)
        self.lease_owner = leases.owner_for(db)  # who this process is when it takes a job's lease
        self.recommended_shards: int | None = None

    @property
    def http_session(self) -> aiohttp.ClientSession:
        """The one aiohttp session every feature shares (feeds, image downloads)."""
        if self._http_session is None:
            raise RuntimeError("the HTTP session is opened in setup_hook")
        return self._http_session

    async def login(self, token: str) -> None:
        if self.settings.is_custom_api:
            set_api_base(self.settings.discord_api_base)
        await super().login(token)

    async def setup_hook(self) -> None:
        self._http_session = aiohttp.ClientSession(headers={"User-Agent": USER_AGENT})
        if self.settings.is_custom_api:
            await discover_gateway(self.settings.discord_api_base, self.http.token or "", self._http_session)
        await self.plan_shards()
        # processes of other shard ranges on this database set it up one after the other (bot.leases)
        async with leases.exclusive_start(self.settings.database_path):
            await self.db.migrate(core)
            await self.tree.set_translator(Translator(self.i18n))
            await self.load_feature_extensions()
            self.register_dynamic_items()
            scopes = sync_scopes(self.settings.dev_guild_id, self.settings.curator_guild_id)
            synced = [
                await sync_if_changed(
                    self.tree,
                    self.db,
                    application_id=self.application_id or 0,
                    guild_id=guild_id,
                    force=self.force_sync,
                    copy_global=copy_global,
                )
                for guild_id, copy_global in scopes
            ]
        self.synced_on_start = any(synced)
        await self.learn_command_ids([guild_id for guild_id, _ in scopes])

    async def plan_shards(self) -> None:
        """Ask Discord (GET /gateway/bot) how many shards it recommends and how many may IDENTIFY at once."""
        recommended, _url, limits = await self.http.get_bot_gateway()
        self.recommended_shards = recommended
        self.identify_pacer.max_concurrency = max(1, int(limits.get("max_concurrency") or 1))
        if self.shard_count is None:
            self.shard_count = recommended
        elif self.shard_count < recommended:
            log.warning(
                "SHARD_COUNT=%d is below the %d shards Discord recommends: a shard with too many servers is"
                " refused (close code 4011, sharding required)",
                self.shard_count,
                recommended,
            )
        ids = self.shard_ids or range(self.shard_count)
        log.info(
            "Running shards %s (Discord recommends %d; %s session starts left; %d may identify at once)",
            describe_shards(ids, self.shard_count),
            recommended,
            limits.get("remaining", "?"),
            self.identify_pacer.max_concurrency,
        )

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait until this shard's rate-limit bucket may IDENTIFY (``bot.sharding``)."""
        await self.identify_pacer.wait(shard_id)

    @property
    def identify_interval(self) -> float:
        return self.identify_pacer.interval

    @identify_interval.setter
    def identify_interval(self, seconds: float) -> None:
        self.identify_pacer.interval = seconds

    async def learn_command_ids(self, guild_ids: list[int | None]) -> None:
        """Learn the registered commands' ids, so replies can mention commands (``bot.replies.text``)."""
        try:
            await command_ids(self).refresh(self.tree, guild_ids)
        except Exception:  # replies then name commands in backticks, as before
            log.warning("Could not learn the command ids for command mentions", exc_info=True)

    async def load_feature_extensions(self) -> None:
        """Load each cog; one that fails is logged with its traceback and the rest still load."""
        for name in self.extension_names:
            try:
                await self.load_extension(name)
            except Exception as exc:
                self.failed_extensions[name] = exc
                log.exception("Failed to load extension %s; continuing without it", name)

    def register_dynamic_items(self) -> None:
        """Register the persistent components each cog declares in ``dynamic_items``."""
        for cog in hooks_of(self, DynamicItems):
            if cog.dynamic_items:
                self.add_dynamic_items(*cog.dynamic_items)

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        # discord.py dispatches "interaction" in the same step as it hands the interaction to its view store:
        # what handles it is known exactly now (bot.ui.expired), before any handler has run.
        if event_name == "interaction" and args and isinstance(args[0], discord.Interaction):
            expired.triage(self, args[0])
        super().dispatch(event_name, *args, **kwargs)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A button, select or form nothing handles any more (restart, timeout) gets "this has expired"."""
        await expired.answer_if_unhandled(interaction)

    def uptime_seconds(self) -> float:
        return time.monotonic() - self.started_at

    async def close(self) -> None:
        """Unload cogs (stopping their tasks), then close the HTTP session and the database."""
        await super().close()
        if self._http_session is not None:
            await self._http_session.close()
        await self.db.close()


# The interaction type every command, button and modal receives: ``interaction.client`` is typed as Haikei.
Interaction: TypeAlias = discord.Interaction[Haikei]
