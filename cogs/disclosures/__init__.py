"""AI-disclosure records: lookup, search, submissions, curation, and the image provenance check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import discord

from cogs.disclosures.cog import Disclosures
from cogs.disclosures.curation import Curation
from cogs.disclosures.privacy_cog import DisclosuresPrivacy
from cogs.disclosures.server_queue import ServerSubmissions

if TYPE_CHECKING:
    from bot.client import Haikei


async def setup(bot: Haikei) -> None:
    bot.i18n.load_dir(Path(__file__).parent / "locales")
    records = Disclosures(bot)
    await bot.add_cog(records)
    await bot.add_cog(ServerSubmissions(bot))
    await bot.add_cog(DisclosuresPrivacy(bot))  # /privacy's hooks
    # /curate exists only in the curators' server when there is one (a guild command), everywhere otherwise.
    curators = bot.settings.curator_guild_id
    await bot.add_cog(Curation(bot, records), guild=discord.Object(curators) if curators else None)
