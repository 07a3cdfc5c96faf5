"""What the alerts commands check and show on the moderator's side: their rights in the alert channel, the
alert ping role, and a feed's label in suggestions (never a private feed's address with its query)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.channel_rights import require_rights
from cogs.alerts.render import public_address

if TYPE_CHECKING:
    from bot.client import Interaction


def feed_label(feed: dict[str, Any]) -> str:
    """What a feed suggestion shows and matches: the server's name for the feed, else its title, else its
    address without query (a name that is the very address, as /alerts add once stored, counts as none)."""
    for label in (feed.get("name"), feed.get("title")):
        if label and label.strip() != feed["url"]:
            return str(label)
    return public_address(feed["url"])


def require_posting_rights(interaction: Interaction, channel_id: int, role: discord.Role | None) -> None:
    """The moderator may post in the alert channel and ping its role there: Discord's own rules for a member's
    message, as for polls, since alerts and /alerts test are posted on the moderator's say-so."""
    require_rights(
        interaction,
        channel_id,
        role,
        post_key="alerts.errors.cannot_post_there",
        ping_key="alerts.errors.cannot_ping",
    )


def require_ping_rights(interaction: Interaction, channel_id: int, role: discord.Role) -> None:
    """The moderator may have alerts ping ``role`` in ``channel_id``."""
    require_rights(interaction, channel_id, role, post_key=None, ping_key="alerts.errors.cannot_ping")


def stored_role(interaction: Interaction, role_id: int | None) -> discord.Role | None:
    """The alert ping role still in the server (a deleted one pings nobody)."""
    return interaction.guild.get_role(role_id) if interaction.guild and role_id else None
