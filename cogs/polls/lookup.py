"""Finding a poll by the number a moderator or member typed (or picked from autocomplete): a mixin of Polls.

Every way of naming a poll shows only the polls the member may read (:mod:`cogs.polls.access`: those whose
channel they can view; moderators also reach polls whose channel was deleted). Any other reads as "not found",
exactly like a number no poll has, so a poll's existence does not leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.app_commands import Choice

from bot.checks import guild_id_of
from bot.errors import NotFound
from bot.options import MAX_SAFE_INTEGER
from bot.replies import text
from cogs.polls import store
from cogs.polls.mixin import MixinMeta
from cogs.polls.model import Poll, State

if TYPE_CHECKING:
    from bot.client import Interaction
    from cogs.polls.access import ChannelDirectory

AUTOCOMPLETE_SCAN = 100  # recent polls looked at for suggestions (before those the member may not read go)


class PollLookup(MixinMeta):
    """``guild_poll`` and the poll-number autocomplete (``access`` is set by the Polls cog)."""

    access: ChannelDirectory

    async def guild_poll(self, interaction: Interaction, poll_id: int) -> Poll:
        """The poll with this id in this server that the member may read (another server's poll, a poll in a
        channel they cannot view, or an impossible number: "not found")."""
        if not 1 <= poll_id <= MAX_SAFE_INTEGER:  # Discord's client enforces the range; anything else, not us
            raise NotFound("polls.errors.not_found")
        poll = await self.bot.db.run(store.get_guild_poll, guild_id_of(interaction), poll_id)
        if poll is None or not await self.access.can_read(interaction, poll):
            raise NotFound("polls.errors.not_found")
        return poll

    async def poll_autocomplete(self, interaction: Interaction, current: str) -> list[Choice[int]]:
        if interaction.guild_id is None:  # (guild-only commands: never, but suggestions are no place to fail)
            return []
        polls = await self.bot.db.run(store.guild_polls, interaction.guild_id, AUTOCOMPLETE_SCAN)
        polls = await self.access.readable(interaction, polls, fetch=False)  # suggestions never wait for REST
        needle = current.strip().lstrip("#").casefold()
        choices = []
        states = {
            State.OPEN: text(interaction, "polls.list.state_open"),
            State.CLOSED: text(interaction, "polls.list.state_closed"),
        }
        for poll in polls:
            name = f"#{poll.id} [{states[poll.state]}] {poll.question}"
            if needle in name.casefold():
                choices.append(Choice(name=name[:100], value=poll.id))
        return choices[:25]
