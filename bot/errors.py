"""User-facing errors and the one place that turns any interaction error into a clear ephemeral message."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot import replies

log = logging.getLogger(__name__)


class UserFacingError(app_commands.AppCommandError):
    """An error whose message is meant for the user: a catalog key plus parameters."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class BadInput(UserFacingError):
    """The user gave a value we cannot use; nothing was changed."""


class NotFound(UserFacingError):
    """The thing the user named does not exist (in this server)."""


class NotModerator(UserFacingError, app_commands.CheckFailure):
    """Only moderators (Manage Server or the server's moderator role) may do this."""

    def __init__(self) -> None:
        super().__init__("errors.not_moderator")


class NotCurator(UserFacingError, app_commands.CheckFailure):
    """Only curators (the application's owner or team, CURATOR_USER_IDS, CURATOR_ROLE_ID) may do this."""

    def __init__(self) -> None:
        super().__init__("errors.not_curator")


def _permission_list(perms: list[str]) -> str:
    return ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in perms)


def message_for(error: Exception) -> tuple[str, dict[str, Any]] | None:
    """Map an error to (catalog key, params); ``None`` means unexpected (log it, show a generic message)."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserFacingError):
        return error.key, error.params
    if isinstance(error, app_commands.MissingPermissions):
        return "errors.missing_permissions", {"permissions": _permission_list(error.missing_permissions)}
    if isinstance(error, app_commands.BotMissingPermissions):
        return "errors.bot_missing_permissions", {"permissions": _permission_list(error.missing_permissions)}
    if isinstance(error, app_commands.CommandOnCooldown):
        return "errors.cooldown", {"seconds": f"{error.retry_after:.0f}"}
    if isinstance(error, app_commands.NoPrivateMessage):
        return "errors.guild_only", {}
    if isinstance(error, app_commands.TransformerError):
        return "errors.bad_value", {"value": str(error.value)[:100]}
    if isinstance(error, app_commands.CheckFailure):
        return "errors.not_allowed", {}
    return None


async def report(interaction: discord.Interaction, error: Exception, *, where: str | None = None) -> None:
    """Tell the user what went wrong (ephemeral) and log anything unexpected with its context."""
    mapped = message_for(error)
    if mapped is None:
        command = interaction.command.qualified_name if interaction.command else where
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        log.error(
            "Unexpected error in %s (user=%s guild=%s channel=%s)",
            command or f"interaction type {interaction.type}",
            interaction.user.id if interaction.user else None,
            interaction.guild_id,
            interaction.channel_id,
            exc_info=cause,
        )
        key, params = "errors.unexpected", {}
    else:
        key, params = mapped
    try:
        await replies.ephemeral(interaction, replies.text(interaction, key, **params))
    except discord.HTTPException:
        log.warning("Could not tell user %s about an error (interaction expired?)", interaction.user.id)


class Tree(app_commands.CommandTree):
    """The command tree, with the error handler every command shares."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report(interaction, error)


class ErrorReportingView(discord.ui.View):
    """A view whose callback errors reach the same handler as commands."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item
    ) -> None:
        await report(interaction, error, where=f"component {getattr(item, 'custom_id', item)!r}")


class ErrorReportingModal(discord.ui.Modal):
    """A modal whose submit errors reach the same handler as commands."""

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report(interaction, error, where=f"modal {self.title!r}")
