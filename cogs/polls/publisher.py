"""Everything the bot posts or edits in a poll's channel: the poll message, live counts, the result message."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING, Any

import discord

from cogs.polls import edit_store, store
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.chart import result_chart
from cogs.polls.model import Poll, tally
from cogs.polls.render import poll_embed, poll_view, results_embed
from cogs.polls.summary import Text

if TYPE_CHECKING:
    from bot.client import Haikei

log = logging.getLogger(__name__)


class Publisher:
    """Renders polls in the server's language and keeps their messages current."""

    def __init__(self, bot: Haikei, keys: BallotKeys) -> None:
        self.bot = bot
        self.keys = keys
        self.edits = 0  # poll-message edits made (the benchmark reports it)

    def translator(self, locale: Any) -> Text:
        def t(key: str, /, **params: Any) -> str:
            return self.bot.i18n.text(key, locale, **params)

        return t

    def guild_text(self, guild_id: int | None) -> Text:
        guild = self.bot.get_guild(guild_id) if guild_id else None
        return self.translator(guild.preferred_locale if guild is not None else None)

    async def message_parts(self, poll_id: int) -> tuple[Poll, dict[str, Any]] | None:
        """The current poll message (embed and view) for ``poll_id``, or None when it no longer exists."""
        poll, ballots = await self.bot.db.run(store.poll_with_ballots, poll_id)
        if poll is None:
            return None
        notes = await self.bot.db.run(edit_store.edit_notes, poll_id)
        t = self.guild_text(poll.guild_id)
        result = tally(poll, ballots)
        return poll, {"embed": poll_embed(poll, t, result=result, notes=notes), "view": poll_view(poll, t)}

    async def refresh(self, poll_id: int) -> None:
        """Edit the poll message to its current state (live counts, closed, edited)."""
        parts = await self.message_parts(poll_id)
        if parts is None:
            return
        poll, kwargs = parts
        if poll.message_id is None:
            return
        message = self.bot.get_partial_messageable(poll.channel_id).get_partial_message(poll.message_id)
        try:
            await message.edit(**kwargs, allowed_mentions=discord.AllowedMentions.none())
            self.edits += 1
        except discord.NotFound:
            log.info("Poll %s message %s is gone; not editing it", poll.id, poll.message_id)
        except discord.HTTPException as exc:
            log.warning("Could not edit poll %s message: %s", poll.id, exc)

    async def close(self, poll_id: int, actor_id: int | None) -> bool:
        """Close the poll (if still open; a secret poll is sealed and its key destroyed), update its message
        and post the result with its chart."""
        if not await self.bot.db.run(store.close_poll, self.keys, poll_id, actor_id):
            return False
        log.info("Poll %s closed (%s)", poll_id, "deadline" if actor_id is None else f"by {actor_id}")
        await self.refresh(poll_id)
        await self.post_results(poll_id)
        return True

    async def post_results(self, poll_id: int) -> None:
        poll, ballots = await self.bot.db.run(store.poll_with_ballots, poll_id)
        if poll is None:
            return
        t = self.guild_text(poll.guild_id)
        result = tally(poll, ballots)
        png = await asyncio.to_thread(result_chart, poll, result, t)
        channel = self.bot.get_partial_messageable(poll.channel_id)
        reference = (
            discord.MessageReference(
                message_id=poll.message_id, channel_id=poll.channel_id, fail_if_not_exists=False
            )
            if poll.message_id
            else discord.utils.MISSING
        )
        try:
            await channel.send(
                embed=results_embed(poll, result, t, final=True).set_image(
                    url=f"attachment://poll-{poll.id}.png"
                ),
                file=discord.File(io.BytesIO(png), filename=f"poll-{poll.id}.png"),
                reference=reference,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as exc:
            log.warning("Could not post the results of poll %s: %s", poll.id, exc)
