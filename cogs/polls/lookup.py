"""Finding a poll by the number a moderator or member typed (or picked from autocomplete): a mixin of Polls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.app_commands import Choice

from bot.checks import guild_id_of
from bot.errors import NotFound
from bot.options import MAX_SAFE_INTEGER
from cogs.polls import store
from cogs.polls.mixin import MixinMeta
from cogs.polls.model import Poll

if TYPE_CHECKING:
    from bot.client import Interaction


class PollLookup(MixinMeta):
    """``guild_poll`` and the poll-number autocomplete."""

    async def guild_poll(self, interaction: Interaction, poll_id: int) -> Poll:
        """The poll with this id in this server (another server's poll, or an impossible number: "not found")."""
        if not 1 <= poll_id <= MAX_SAFE_INTEGER:  # Discord's client enforces the range; anything else, not us
            raise NotFound("polls.errors.not_found")
        poll = await self.bot.db.run(store.get_guild_poll, guild_id_of(interaction), poll_id)
        if poll is None:
            raise NotFound("polls.errors.not_found")
        return poll

    async def poll_autocomplete(self, interaction: Interaction, current: str) -> list[Choice[int]]:
        if interaction.guild_id is None:  # (guild-only commands: never, but suggestions are no place to fail)
            return []
        polls = await self.bot.db.run(store.guild_polls, interaction.guild_id, 100)
        needle = current.strip().lstrip("#").casefold()
        choices = []
        for poll in polls:
            name = f"#{poll.id} [{poll.state.value}] {poll.question}"
            if needle in name.casefold():
                choices.append(Choice(name=name[:100], value=poll.id))
        return choices[:25]
