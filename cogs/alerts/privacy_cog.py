"""The alerts' privacy hooks (read by the privacy cog); a cog of its own with no commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from cogs.alerts import privacy

if TYPE_CHECKING:
    from bot.client import Haikei


class AlertsPrivacy(commands.Cog):
    """Privacy hooks of news alerts: nothing names a member; a server's data goes with the server."""

    feature_key = "alerts"

    def __init__(self, bot: Haikei) -> None:
        self.bot = bot

    async def personal_data(
        self, user_id: int, locale: discord.Locale | str | None = None
    ) -> list[tuple[str, str]]:
        return []  # alerts store server settings and stories, never who asked for them

    async def forget_user(self, user_id: int) -> dict[str, int]:
        return {}

    async def forget_guild(self, guild_id: int) -> dict[str, int]:
        return await self.bot.db.run(privacy.forget_server, guild_id)

    async def stored_guilds(self) -> set[int]:
        return await self.bot.db.run(privacy.stored_servers)

    async def apply_retention(self, now: float) -> dict[str, int]:
        return await self.bot.db.run(privacy.apply_retention, now)
