"""The Bot subclass: dependencies injected, start-up work in ``setup_hook`` in one fixed order."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path

import aiohttp
import discord
from discord.ext import commands

from bot import __version__
from bot.command_sync import sync_if_changed, sync_scopes
from bot.db import AsyncDatabase
from bot.endpoint import discover_gateway, set_api_base
from bot.errors import Tree
from bot.extensions import EXTENSIONS
from bot.i18n import Catalogs, Translator
from bot.migrations import core
from bot.replies import command_ids
from bot.settings import Settings

log = logging.getLogger(__name__)

USER_AGENT = f"Haikei/{__version__} (Discord bot; +https://github.com/haikei-bot/haikei)"
CORE_LOCALES = Path(__file__).parent / "locales"


class Haikei(commands.Bot):
    """Haikei. Settings, database and extensions are passed in; nothing is read from globals."""

    def __init__(
        self,
        settings: Settings,
        db: AsyncDatabase,
        *,
        extensions: Iterable[str] = EXTENSIONS,
        force_sync: bool = False,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=Tree,
        )
        self.settings = settings
        self.db = db
        self.extension_names = tuple(extensions)
        self.force_sync = force_sync
        self.i18n = Catalogs()
        self.i18n.load_dir(CORE_LOCALES)
        self.started_at = time.monotonic()
        self.failed_extensions: dict[str, BaseException] = {}
        self.synced_on_start: bool | None = None
        self._http_session: aiohttp.ClientSession | None = None

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
        for cog in self.cogs.values():
            items = getattr(cog, "dynamic_items", ())
            if items:
                self.add_dynamic_items(*items)

    def uptime_seconds(self) -> float:
        return time.monotonic() - self.started_at

    async def close(self) -> None:
        """Unload cogs (stopping their tasks), then close the HTTP session and the database."""
        await super().close()
        if self._http_session is not None:
            await self._http_session.close()
        await self.db.close()
