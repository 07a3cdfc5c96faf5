"""`/privacy show` and `/privacy delete` (everyone, privately), and the purge of servers that removed Haikei.

What is stored is each feature's business: this cog reads the privacy hooks of every cog (``personal_data``,
``forget_user``, ``forget_guild``, ``apply_retention``; README, "How a cog plugs into the core") and adds what
belongs to no feature — the direct messages Haikei sent, and the servers it was removed from.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import guild_settings
from bot.embeds import add_field
from bot.hooks import ForgetUser, PersonalData, StoredGuilds, hooks_of
from bot.replies import link_commands, send, text
from bot.retention import (
    ALERT_DECISION_DAYS,
    AUDIT_ID_DAYS,
    GUILD_PURGE_DAYS,
    LOG_DAYS,
    POSTED_ALERT_DAYS,
    SEEN_ITEM_DAYS,
    SUBMISSION_NOTES_DAYS,
)
from bot.ui.confirm import ask
from cogs.privacy.daily import DailyJob, add_counts, call_hooks
from cogs.privacy.dms import delete_sent_dms

if TYPE_CHECKING:
    from bot.client import Haikei

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour(0x5B7DB1)


def _secure_delete(db: Any) -> None:
    """Deleted rows are overwritten with zeros, not left in free pages (the polls cog sets it too)."""
    db.execute("PRAGMA secure_delete=ON")


@app_commands.allowed_installs(guilds=True, users=True)  # whoever can reach Haikei can ask what it keeps
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Privacy(
    commands.GroupCog, group_name="privacy", group_description="What Haikei keeps about you, and deleting it"
):
    """What Haikei keeps about a member and deleting it; deleting a server's data after it removed Haikei."""

    feature_key = "meta"

    def __init__(self, bot: Haikei) -> None:
        self.bot = bot
        self.job = DailyJob(bot)
        self._marked: set[int] = set()  # servers marked as having removed Haikei (cleared when it is back)
        self._swept = False
        super().__init__()

    async def cog_load(self) -> None:
        await self.bot.db.run(_secure_delete)
        self._marked = set(await self.bot.db.run(guild_settings.removed_guilds))
        self.job.start()

    async def cog_unload(self) -> None:
        await self.job.stop()

    # ----- servers that remove Haikei -------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.bot.db.run(guild_settings.mark_removed, guild.id, self.job.clock())
        self._marked.add(guild.id)
        log.info(
            "Removed from server %s: its data is deleted in %d days unless Haikei is added back",
            guild.id,
            GUILD_PURGE_DAYS,
        )

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self._swept:  # once per process: every shard of it is ready, every server it is in is known
            self._swept = True
            await self.mark_missing()

    async def mark_missing(self) -> list[int]:
        """Mark the servers of this process's shards that hold data but no longer have Haikei: removed while no
        process was running, when Discord sends no event (their 30 days start now)."""
        stored = set(await self.bot.db.run(guild_settings.stored_guilds))
        for cog in hooks_of(self.bot, StoredGuilds):
            stored |= set(await cog.stored_guilds())
        present = {guild.id for guild in self.bot.guilds}
        missing = sorted(g for g in stored - present - self._marked if self._serves(g))
        for guild_id in missing:
            await self.bot.db.run(guild_settings.mark_removed, guild_id, self.job.clock())
            self._marked.add(guild_id)
        if missing:
            log.info(
                "%d server(s) removed Haikei while it was not running: their data is deleted in %d days unless"
                " it is added back (%s)",
                len(missing),
                GUILD_PURGE_DAYS,
                ", ".join(map(str, missing)),
            )
        return missing

    def _serves(self, guild_id: int) -> bool:
        """Whether this process runs the server's shard (Discord: ``(guild_id >> 22) % shard_count``)."""
        shard_ids = self.bot.shard_ids
        return shard_ids is None or (guild_id >> 22) % (self.bot.shard_count or 1) in shard_ids

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._back(guild)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        if guild.id in self._marked:  # added back while this process was not running
            await self._back(guild)

    async def _back(self, guild: discord.Guild) -> None:
        self._marked.discard(guild.id)
        if await self.bot.db.run(guild_settings.clear_removed, guild.id):
            log.info("Added back to server %s: its data is kept", guild.id)

    # ----- /privacy show ----------------------------------------------------------------------------

    def _days(self, interaction: discord.Interaction, days: int) -> str:
        return text(interaction, "privacy.days", count=days)

    @app_commands.command(name="show", description="What Haikei keeps about you, and for how long")
    async def show(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        user_id = interaction.user.id
        embed = discord.Embed(
            title=text(interaction, "privacy.show.title"),
            description=text(interaction, "privacy.show.intro"),
            colour=EMBED_COLOUR,
        )
        for cog in hooks_of(self.bot, PersonalData):
            for key, value in await cog.personal_data(user_id, interaction.locale):
                add_field(embed, text(interaction, key), link_commands(interaction, value))
        days = self._days
        add_field(
            embed, text(interaction, "privacy.show.dms_title"), text(interaction, "privacy.show.dms_body")
        )
        retention = text(
            interaction,
            "privacy.show.retention_body",
            notes=days(interaction, SUBMISSION_NOTES_DAYS),
            audit=days(interaction, AUDIT_ID_DAYS),
            posted=days(interaction, POSTED_ALERT_DAYS),
            seen=days(interaction, SEEN_ITEM_DAYS),
            decisions=days(interaction, ALERT_DECISION_DAYS),
            logs=days(interaction, LOG_DAYS),
        )
        add_field(embed, text(interaction, "privacy.show.retention_title"), retention)
        servers = text(interaction, "privacy.show.servers_body", days=days(interaction, GUILD_PURGE_DAYS))
        add_field(embed, text(interaction, "privacy.show.servers_title"), servers)
        add_field(
            embed,
            text(interaction, "privacy.show.delete_title"),
            text(interaction, "privacy.show.delete_body"),
        )
        links = policy_links(self.bot.settings, lambda key, url: text(interaction, key, url=url))
        if links:
            add_field(embed, text(interaction, "privacy.show.links_title"), links)
        await send(interaction, embed=embed, ephemeral=True)

    # ----- /privacy delete --------------------------------------------------------------------------

    @app_commands.command(name="delete", description="Delete what Haikei keeps about you (asks first)")
    async def delete(self, interaction: discord.Interaction) -> None:
        answer = await ask(interaction, text(interaction, "privacy.delete.confirm"))
        followup = (answer.clicked or interaction).followup
        if not answer.value:
            await followup.send(text(interaction, "privacy.delete.cancelled"), ephemeral=True)
            return
        counts = await self.forget(interaction.user)
        failed = counts.pop("privacy.count.dms_failed", 0)
        lines = [f"• {text(interaction, key, count=n)}" for key, n in sorted(counts.items())]
        done = "privacy.delete.done" if lines else "privacy.delete.nothing"
        reply = "\n".join([text(interaction, done), *lines])
        if failed:
            reply += "\n" + text(interaction, "privacy.delete.dms_failed")
        await followup.send(reply[:2000], ephemeral=True)

    async def forget(self, user: discord.User | discord.Member) -> dict[str, int]:
        """Forget ``user`` in every cog and delete the DMs Haikei sent them; logged and recorded without their
        id. Returns what was removed, by catalog key (``privacy.count.dms_failed``: DMs that could not be)."""
        counts = await call_hooks(self.bot, ForgetUser, lambda cog: cog.forget_user(user.id))
        deleted, failed = await delete_sent_dms(self.bot, user)
        add_counts(counts, {"privacy.count.dms": deleted})
        await self.bot.db.run(guild_settings.log_privacy, "member", counts, self.job.clock())
        log.info("A member deleted their data (/privacy delete): %s", counts or "nothing was stored")
        return add_counts(counts, {"privacy.count.dms_failed": failed})


def policy_links(settings: Any, render: Any) -> str:
    """The operator's privacy policy and terms as Markdown links (empty when neither is configured)."""
    links = [
        render(key, url)
        for key, url in (
            ("privacy.show.privacy_link", settings.privacy_url),
            ("privacy.show.terms_link", settings.terms_url),
        )
        if url
    ]
    return " · ".join(links)
