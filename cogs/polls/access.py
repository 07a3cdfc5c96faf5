"""Who may read a poll, and who may post one where: the channel permissions Discord itself applies.

**Reading** (list, results, autocomplete, every ``/poll-manage`` command): a poll is visible to a member who can
view its channel. For the channel the interaction comes from that is Discord's own figure
(``interaction.permissions``, sent with the member); for any other channel it is computed from the cached
channel, roles and overwrites (``channel.permissions_for(member)``). A private thread is visible, away from the
thread itself, only to its owner and to members who may manage threads there (Haikei does not track thread
membership). Moderators follow the same rule, with one addition: a poll whose channel was *deleted* is visible
to the server's moderators (and to nobody else), so they can still close, export or delete it. A channel Haikei
cannot resolve at all hides its polls from everyone. A poll that is not visible reads as "not found".

**Posting** (``/poll create`` and its form): the member must be able to view the channel and send messages
there (in a thread: send messages in threads), and may ping a role only if the role is mentionable or they
have Mention Everyone in that channel — Discord's own rule for a member's message.

Channels the cache does not hold (a deleted channel, an archived thread) are fetched once over REST and
remembered by :class:`ChannelDirectory`; suggestions (autocomplete) never wait for REST.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import discord

from bot.channel_rights import member_of
from bot.checks import is_moderator
from cogs.polls.model import Poll

if TYPE_CHECKING:
    from bot.client import Haikei

log = logging.getLogger(__name__)


class Visibility(Enum):
    VISIBLE = "visible"
    HIDDEN = "hidden"
    GONE = "gone"  # the channel was deleted: moderators only


@dataclass(frozen=True)
class ThreadInfo:
    """What decides who sees a thread the cache does not hold (archived): its parent, and whether it is private."""

    parent_id: int
    private: bool
    owner_id: int | None


def _thread_visible(permissions: discord.Permissions, info: ThreadInfo, member: discord.Member) -> bool:
    if not permissions.view_channel:
        return False
    return not info.private or permissions.manage_threads or info.owner_id == member.id


def _info(thread: discord.Thread) -> ThreadInfo:
    return ThreadInfo(thread.parent_id, thread.type is discord.ChannelType.private_thread, thread.owner_id)


class ChannelDirectory:
    """Decides a poll's visibility; remembers the channels the cache does not hold (deleted channels, archived
    threads), each fetched over REST once."""

    def __init__(self, bot: Haikei) -> None:
        self.bot = bot
        self.gone: set[int] = set()
        self.threads: dict[int, ThreadInfo] = {}

    def known(self, interaction: discord.Interaction, channel_id: int) -> bool:
        """Whether ``channel_id``'s visibility can be decided without REST."""
        guild = interaction.guild
        return (
            channel_id == interaction.channel_id
            or channel_id in self.gone
            or channel_id in self.threads
            or (guild is not None and guild.get_channel_or_thread(channel_id) is not None)
        )

    async def visibility(
        self, interaction: discord.Interaction, channel_id: int, *, fetch: bool
    ) -> Visibility:
        """Whether the member may read what is in ``channel_id`` (``fetch``: ask Discord about an unknown one)."""
        if channel_id == interaction.channel_id:
            return Visibility.VISIBLE if interaction.permissions.view_channel else Visibility.HIDDEN
        member, guild = member_of(interaction), interaction.guild
        if member is None or guild is None:
            return Visibility.HIDDEN
        channel = guild.get_channel_or_thread(channel_id)
        if channel is None and channel_id in self.gone:
            return Visibility.GONE
        if channel is None and channel_id not in self.threads:
            if not fetch:
                return Visibility.HIDDEN
            channel = await self._fetch(guild, channel_id)
            if channel is None:
                return Visibility.GONE if channel_id in self.gone else Visibility.HIDDEN
        if isinstance(channel, discord.Thread) or channel is None:
            info = _info(channel) if isinstance(channel, discord.Thread) else self.threads[channel_id]
            parent = guild.get_channel(info.parent_id)
            if parent is None:  # a thread goes with its parent
                return Visibility.GONE
            visible = _thread_visible(parent.permissions_for(member), info, member)
        else:
            visible = channel.permissions_for(member).view_channel
        return Visibility.VISIBLE if visible else Visibility.HIDDEN

    async def _fetch(
        self, guild: discord.Guild, channel_id: int
    ) -> discord.abc.GuildChannel | discord.Thread | None:
        """The channel from Discord (an archived thread is remembered); None when deleted (remembered) or not
        readable by Haikei."""
        try:
            channel = await self.bot.fetch_channel(channel_id)
        except discord.NotFound:
            self.gone.add(channel_id)
            return None
        except discord.HTTPException as exc:
            log.info("Could not look up channel %s of a poll: %s", channel_id, exc)
            return None
        if isinstance(channel, discord.Thread) and channel.guild.id == guild.id:
            self.threads[channel_id] = _info(channel)
            return channel
        if isinstance(channel, discord.abc.GuildChannel) and channel.guild.id == guild.id:
            return channel
        return None

    async def readable(
        self, interaction: discord.Interaction, polls: Sequence[Poll], *, fetch: bool = True
    ) -> list[Poll]:
        """The polls the member may read, in their order."""
        channel_ids = list(dict.fromkeys(p.channel_id for p in polls))
        verdicts = await asyncio.gather(*(self.visibility(interaction, c, fetch=fetch) for c in channel_ids))
        seen = dict(zip(channel_ids, verdicts, strict=True))
        moderator = Visibility.GONE in verdicts and await is_moderator(interaction)
        return [
            p
            for p in polls
            if seen[p.channel_id] is Visibility.VISIBLE
            or (moderator and seen[p.channel_id] is Visibility.GONE)
        ]

    async def can_read(self, interaction: discord.Interaction, poll: Poll, *, fetch: bool = True) -> bool:
        return bool(await self.readable(interaction, [poll], fetch=fetch))
