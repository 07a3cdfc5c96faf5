"""User-facing errors and the one place that turns any interaction error into a clear ephemeral message."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable
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


# The components a view can disable (link buttons stay usable: they only open their address).
DISABLEABLE = (
    discord.ui.Button,
    discord.ui.Select,
    discord.ui.UserSelect,
    discord.ui.RoleSelect,
    discord.ui.MentionableSelect,
    discord.ui.ChannelSelect,
)
# Answers that edit the message the clicked component is on: that interaction's original response is then it.
UPDATES = (
    discord.InteractionResponseType.message_update,
    discord.InteractionResponseType.deferred_message_update,
)
REMEMBERED = 4  # latest interactions a view keeps to find its message at timeout


class ErrorReportingView(discord.ui.View):
    """A view whose callback errors reach the same handler as commands, and whose components are disabled on
    its message when it times out, so members see that it no longer answers.

    Where it is shown, the view learns in two ways. ``send`` (``Paginator.start`` and ``confirm.ask`` use it)
    sets ``message`` (a follow-up) or ``interaction`` (whose original response shows the view); a view sent
    another way may set either itself (opt-in). And the core tells it of every interaction on its components
    (and forms opened from them: ``bot.ui.expired``): one answered by editing the view's message (an
    ``edit_message`` or a deferred update) reaches that message too, with the freshest token, since an
    interaction's token lasts 15 minutes. A view that is never clicked and was sent neither way cannot be found:
    its components stay as they are (a click then gets the core's "expired" answer). ``stop()`` a view as soon
    as its message shows something else (another view, or none): a stopped view never times out, so it never
    edits a message that moved on.
    """

    def __init__(self, *, timeout: float | None = 180.0) -> None:
        super().__init__(timeout=timeout)
        self.message: discord.Message | None = None
        self.interaction: discord.Interaction | None = None
        self._seen: deque[discord.Interaction] = deque(maxlen=REMEMBERED)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item
    ) -> None:
        await report(interaction, error, where=f"component {getattr(item, 'custom_id', item)!r}")

    async def send(
        self,
        interaction: discord.Interaction,
        content: str | None = None,
        *,
        ephemeral: bool = False,
        **kwargs: Any,
    ) -> None:
        """Send this view with ``replies.send`` (response or follow-up) and remember where it is shown."""
        sent = await replies.send(interaction, content, ephemeral=ephemeral, view=self, **kwargs)
        if sent is not None:
            self.message = sent
        else:
            self.interaction = interaction

    async def edit_into(self, interaction: discord.Interaction, **kwargs: Any) -> None:
        """Show this view by editing the message ``interaction`` came from (a card turning into the next one),
        and remember it, so that on timeout the view is disabled there."""
        await interaction.response.edit_message(view=self, **kwargs)
        self.interaction = interaction

    def note_interaction(self, interaction: discord.Interaction) -> None:
        """Called by the core as an interaction on this view's message is dispatched (``bot.ui.expired``)."""
        self._seen.append(interaction)

    async def on_timeout(self) -> None:
        await self.disable_on_message()

    async def disable_on_message(self) -> bool:
        """Disable every component and show it on the view's message; False when no known way reaches it."""
        for item in self.walk_children():
            if isinstance(item, DISABLEABLE) and not (isinstance(item, discord.ui.Button) and item.url):
                item.disabled = True
        # newest first: a click answered by editing this message (the freshest token), then where it was sent
        edits: list[Callable[..., Awaitable[Any]]] = []
        updated = next((seen for seen in reversed(self._seen) if seen.response.type in UPDATES), None)
        if updated is not None:
            edits.append(updated.edit_original_response)
        if self.message is not None:
            edits.append(self.message.edit)
        if self.interaction is not None:
            edits.append(self.interaction.edit_original_response)
        for edit in edits:
            try:
                await edit(view=self)
            except discord.HTTPException as exc:  # deleted, or the token expired (after 15 minutes)
                log.debug("Could not disable a timed-out view's components: %s", exc)
                continue
            return True
        return False


class ErrorReportingModal(discord.ui.Modal):
    """A modal whose submit errors reach the same handler as commands."""

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await report(interaction, error, where=f"modal {self.title!r}")
