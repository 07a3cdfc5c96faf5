"""/help, /about and /config: the commands that belong to no single feature."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__, guild_settings
from bot.checks import guild_id_of, moderator_only, staff_group
from bot.embeds import FIELD_LIMIT
from bot.errors import BadInput
from bot.hooks import AboutCounts, ConfigFields, hooks_of
from bot.i18n import language_of
from bot.replies import ephemeral, link_commands, send, text
from cogs.meta.help_text import group_lines, pack_lines

if TYPE_CHECKING:
    from bot.client import Haikei

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour(0x5B7DB1)


def _duration(seconds: float) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h {minutes}m" if days else f"{hours}h {minutes}m"


def latency_lines(latencies: Iterable[tuple[int, float]], pending: str) -> str:
    """One line per shard, ``Shard 0: 42 ms``; ``pending`` for a shard with no heartbeat answered yet
    (discord.py reports ``inf`` or ``nan`` until then)."""
    lines = []
    for shard_id, seconds in sorted(latencies):
        shown = f"{seconds * 1000:,.0f} ms" if math.isfinite(seconds) and seconds >= 0 else pending
        lines.append(f"#{shard_id}: {shown}")
    return "\n".join(lines) or pending


def allowed_in(contexts: app_commands.AppCommandContext | None, here: app_commands.AppCommandContext) -> bool:
    """A command with ``contexts`` may run ``here`` (Discord's default, None, allows every context)."""
    if contexts is None:
        return True
    return bool(
        (here.guild and contexts.guild)
        or (here.dm_channel and contexts.dm_channel)
        or (here.private_channel and contexts.private_channel)
    )


class Meta(commands.Cog):
    """Help, about and per-server configuration."""

    feature_key = "meta"

    def __init__(self, bot: Haikei) -> None:
        self.bot = bot

    def describe(self, command: app_commands.Command, locale: discord.Locale) -> str:
        lang = language_of(locale)
        key = "cmd." + command.qualified_name.replace(" ", ".") + ".description"
        return self.bot.i18n.get(key, lang) or command.description

    def visible_commands(
        self, interaction: discord.Interaction
    ) -> list[app_commands.Command | app_commands.Group]:
        """What Discord's client shows this member here: global commands plus this server's own, without the
        ones whose default permissions they lack (curator and moderator groups for members) and without the ones
        not allowed in this kind of place (server-only commands in a DM)."""
        tree = self.bot.tree
        found = [c for c in tree.get_commands() if not isinstance(c, app_commands.ContextMenu)]
        if interaction.guild_id is not None:
            own = tree.get_commands(guild=discord.Object(interaction.guild_id))
            found += [c for c in own if not isinstance(c, app_commands.ContextMenu)]
        allowed = interaction.permissions
        here = interaction.context
        return [
            c
            for c in found
            if (c.default_permissions is None or (interaction.guild_id and allowed >= c.default_permissions))
            and allowed_in(c.allowed_contexts, here)
        ]

    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.command(name="help", description="List Haikei's commands, grouped by feature")
    async def help(self, interaction: discord.Interaction) -> None:
        groups = group_lines(
            self.visible_commands(interaction), lambda c: self.describe(c, interaction.locale)
        )
        embed = discord.Embed(title=text(interaction, "help.title"), colour=EMBED_COLOUR)
        embed.description = text(interaction, "help.intro")
        for feature, lines in sorted(groups.items(), key=lambda kv: kv[0] != "meta"):
            listed = [link_commands(interaction, f"`/{line.path}` {line.description}") for line in lines]
            blocks = pack_lines(listed, FIELD_LIMIT)  # mentions are long: a feature may need two fields
            name = text(interaction, f"help.feature.{feature}")
            for n, block in enumerate(blocks, 1):
                shown = f"{name} ({n}/{len(blocks)})" if len(blocks) > 1 else name
                embed.add_field(name=shown, value=block, inline=False)
        await ephemeral(interaction, embed=embed)

    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.command(name="about", description="What Haikei is, its version, uptime and what it holds")
    async def about(self, interaction: discord.Interaction) -> None:
        embed = discord.Embed(
            title="Haikei 背景", description=text(interaction, "about.body"), colour=EMBED_COLOUR
        )
        embed.add_field(name=text(interaction, "about.version"), value=__version__)
        embed.add_field(name=text(interaction, "about.uptime"), value=_duration(self.bot.uptime_seconds()))
        embed.add_field(name=text(interaction, "about.servers"), value=str(len(self.bot.guilds)))
        embed.add_field(
            name=text(interaction, "about.latency"),
            value=latency_lines(self.bot.latencies, text(interaction, "about.latency_pending")),
        )
        for cog in hooks_of(self.bot, AboutCounts):
            for key, value in (await cog.about_counts()).items():
                embed.add_field(name=text(interaction, key), value=f"{value:,}")
        links = [
            text(interaction, key, url=url)
            for key, url in (
                ("about.links.privacy", self.bot.settings.privacy_url),
                ("about.links.terms", self.bot.settings.terms_url),
            )
            if url
        ]
        if links:  # the operator's policy and terms (PRIVACY_URL, TERMS_URL)
            embed.add_field(
                name=text(interaction, "about.links.title"), value=" · ".join(links), inline=False
            )
        await send(interaction, embed=embed)

    config = staff_group("config", "Server settings for Haikei (moderators)")

    @config.command(name="modrole", description="Set the role whose members count as Haikei moderators")
    @app_commands.describe(role="Members with this role can use moderator commands")
    @moderator_only()
    async def config_modrole(self, interaction: discord.Interaction, role: discord.Role) -> None:
        if role.is_default():  # @everyone: every member would be a moderator
            raise BadInput("config.modrole.everyone")
        await self.bot.db.run(guild_settings.set_role, guild_id_of(interaction), "mod_role_id", role.id)
        log.info(
            "Guild %s set moderator role %s (by %s)", guild_id_of(interaction), role.id, interaction.user.id
        )
        await ephemeral(interaction, text(interaction, "config.modrole.done", role=role.mention))

    @config.command(name="pollers", description="Let members with this role create polls (or clear it)")
    @app_commands.describe(role="Members with this role can run /poll create; leave empty to clear")
    @moderator_only()
    async def config_pollers(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        await self.bot.db.run(
            guild_settings.set_role, guild_id_of(interaction), "poller_role_id", role.id if role else None
        )
        if role is None:
            await ephemeral(interaction, text(interaction, "config.pollers.cleared"))
        else:
            await ephemeral(interaction, text(interaction, "config.pollers.done", role=role.mention))

    @config.command(name="show", description="Show this server's Haikei settings")
    @moderator_only()
    async def config_show(self, interaction: discord.Interaction) -> None:
        row = await self.bot.db.run(guild_settings.get, guild_id_of(interaction))
        none = text(interaction, "config.show.none")
        embed = discord.Embed(title=text(interaction, "config.show.title"), colour=EMBED_COLOUR)
        embed.add_field(
            name=text(interaction, "config.show.modrole"),
            value=f"<@&{row['mod_role_id']}>" if row["mod_role_id"] else none,
        )
        embed.add_field(
            name=text(interaction, "config.show.pollers"),
            value=f"<@&{row['poller_role_id']}>" if row["poller_role_id"] else none,
        )
        for cog in hooks_of(self.bot, ConfigFields):
            for name_key, value in await cog.config_fields(guild_id_of(interaction), interaction.locale):
                embed.add_field(name=text(interaction, name_key), value=value or none, inline=False)
        await ephemeral(interaction, embed=embed)
