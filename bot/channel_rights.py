"""A member's rights in a channel of the server an interaction comes from: Discord's own rules for a member's
message, which the bot applies before it posts for a member (a poll, an alert channel, a ping).

For the channel the interaction comes from, Discord sends the member's permissions with it; for another channel
they are computed from the cached channel, roles and overwrites (``channel.permissions_for(member)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.errors import UserFacingError

THREAD_TYPES = frozenset(
    {discord.ChannelType.public_thread, discord.ChannelType.private_thread, discord.ChannelType.news_thread}
)


@dataclass(frozen=True)
class PostingRights:
    """A member's rights in a channel: may they post there, and ping a role?"""

    permissions: discord.Permissions
    thread: bool

    @property
    def can_post(self) -> bool:
        p = self.permissions
        return p.view_channel and (p.send_messages_in_threads if self.thread else p.send_messages)

    def can_ping(self, role: discord.Role) -> bool:
        return role.mentionable or self.permissions.mention_everyone


def member_of(interaction: discord.Interaction) -> discord.Member | None:
    user = interaction.user
    return user if isinstance(user, discord.Member) else None


def posting_rights(interaction: discord.Interaction, channel_id: int) -> PostingRights | None:
    """The member's rights in ``channel_id`` of the interaction's server (None: no channel of it Haikei knows)."""
    if channel_id == interaction.channel_id:  # Discord computed them for this very channel
        thread = getattr(interaction.channel, "type", None) in THREAD_TYPES
        return PostingRights(interaction.permissions, thread)
    member, guild = member_of(interaction), interaction.guild
    if member is None or guild is None:
        return None
    channel = guild.get_channel_or_thread(channel_id)
    if channel is None:
        return None
    try:
        permissions = channel.permissions_for(member)
    except discord.ClientException:  # a thread whose parent is not cached
        return None
    return PostingRights(permissions, isinstance(channel, discord.Thread))


def require_rights(
    interaction: discord.Interaction,
    channel_id: int,
    role: discord.Role | None,
    *,
    post_key: str | None,
    ping_key: str,
) -> None:
    """Refuse (``UserFacingError``) unless the member may post in ``channel_id`` (when ``post_key`` is given) and
    may ping ``role`` there: a mentionable role, or Mention Everyone in that channel. The keys name each cog's
    own message (``{channel}``, ``{role}``)."""
    channel = f"<#{channel_id}>"
    rights = posting_rights(interaction, channel_id)
    if post_key is not None and (rights is None or not rights.can_post):
        raise UserFacingError(post_key, channel=channel)
    if role is not None and not (role.mentionable or (rights is not None and rights.can_ping(role))):
        raise UserFacingError(ping_key, role=role.mention, channel=channel)
