"""What happens when a member clicks a poll component: vote, remove a vote, see results, start a ballot flow.

The hot path is one database call (check + upsert in one transaction) and then the acknowledgement, so
each click is answered quickly even under a burst. Nothing here logs who chose what.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.checks import is_moderator, role_ids
from bot.errors import NotFound, UserFacingError
from bot.replies import NO_PINGS, text
from cogs.polls import store
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.flows import RankFlow, ScoreFlow
from cogs.polls.live import LiveUpdater
from cogs.polls.model import Choices, Poll, VoteOutcome, describe_choices, tally
from cogs.polls.publisher import Publisher
from cogs.polls.render import live_edits, results_embed
from cogs.polls.tally import Method
from cogs.polls.voter_keys import Voter

if TYPE_CHECKING:
    from bot.client import Haikei

log = logging.getLogger(__name__)


async def check_results_visible(interaction: discord.Interaction, poll: Poll, turnout: int) -> None:
    """Refuse current results the user may not see: an open secret poll's (to everyone: watching counts move
    as members click would reveal votes) and an open hidden poll's (moderators excepted)."""
    if not poll.is_open:
        return
    if poll.secret:
        raise UserFacingError("polls.results.secret_open", id=poll.id, votes=turnout)
    if poll.hidden and not await is_moderator(interaction):
        raise UserFacingError("polls.results.hidden")


class Voting:
    """Component handlers shared by every poll (the cog's ``voting`` attribute)."""

    def __init__(self, bot: Haikei, keys: BallotKeys, publisher: Publisher, live: LiveUpdater) -> None:
        self.bot = bot
        self.keys = keys
        self.publisher = publisher
        self.live = live
        self.votes_recorded = 0
        self._past_live: set[int] = set()  # open polls past live edits whose message lost its count

    def changed(self, poll: Poll) -> None:
        """A ballot was cast, changed or removed: refresh the message while votes keep it current. Past that
        age, one last refresh takes the turnout off the message instead of leaving a stale number."""
        if live_edits(poll):
            self.live.mark(poll.id)
        elif poll.is_open and poll.id not in self._past_live:
            self._past_live.add(poll.id)
            self.live.mark(poll.id)

    @staticmethod
    def voter(interaction: discord.Interaction) -> Voter:
        return Voter(interaction.user.id, interaction.user.display_name)

    async def record(self, interaction: discord.Interaction, poll_id: int, choices: Choices) -> str:
        """Store the ballot (committed before returning) and return the receipt text; raise if refused."""
        outcome, poll, saved = await self.bot.db.run(
            store.cast_vote,
            self.keys,
            poll_id,
            interaction.guild_id,
            self.voter(interaction),
            choices,
            role_ids(interaction.user),
        )
        if outcome is VoteOutcome.RECORDED and poll is not None and saved is not None:
            self.votes_recorded += 1
            self.changed(poll)
            receipt = text(interaction, "polls.vote.recorded", choices=describe_choices(poll, saved))
            if poll.secret:
                receipt += "\n" + text(interaction, "polls.vote.secret_receipt")
            return receipt[:2000]
        raise self._refusal(outcome, poll)

    @staticmethod
    def _refusal(outcome: VoteOutcome, poll: Poll | None) -> UserFacingError:
        if outcome is VoteOutcome.NOT_FOUND or poll is None:
            return NotFound("polls.errors.not_found")
        if outcome is VoteOutcome.CLOSED:
            return UserFacingError("polls.vote.closed")
        if outcome is VoteOutcome.NOT_ELIGIBLE:
            return UserFacingError("polls.vote.not_eligible", role=f"<@&{poll.eligible_role_id}>")
        if outcome is VoteOutcome.UNAVAILABLE:
            return UserFacingError("polls.vote.unrecognisable")
        return UserFacingError("polls.vote.invalid")

    async def vote(self, interaction: discord.Interaction, poll_id: int, choices: Choices) -> None:
        """A button or select vote: record, then acknowledge with the member's ballot."""
        receipt = await self.record(interaction, poll_id, choices)
        await interaction.response.send_message(receipt, ephemeral=True, allowed_mentions=NO_PINGS)

    async def remove(self, interaction: discord.Interaction, poll_id: int) -> None:
        poll, removed = await self.bot.db.run(store.remove_vote, self.keys, poll_id, self.voter(interaction))
        if poll is None or poll.guild_id != interaction.guild_id:
            raise NotFound("polls.errors.not_found")
        if not poll.is_open:
            raise UserFacingError("polls.vote.closed")
        if removed is None:
            raise UserFacingError("polls.vote.unrecognisable")
        if removed:
            self.changed(poll)
        key = "polls.vote.removed" if removed else "polls.vote.nothing_to_remove"
        await interaction.response.send_message(text(interaction, key), ephemeral=True)

    async def show_results(self, interaction: discord.Interaction, poll_id: int) -> None:
        """Current results, privately; during a hidden poll only for moderators."""
        poll, ballots = await self.bot.db.run(store.poll_with_ballots, poll_id)
        if poll is None or poll.guild_id != interaction.guild_id:
            raise NotFound("polls.errors.not_found")
        await check_results_visible(interaction, poll, len(ballots))
        embed = results_embed(
            poll, tally(poll, ballots), self.publisher.translator(interaction.locale), final=False
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def start_flow(self, interaction: discord.Interaction, poll_id: int) -> None:
        """Open the private step-by-step ballot for a ranked or score poll."""
        poll = await self.bot.db.run(store.get_guild_poll, interaction.guild_id or 0, poll_id)
        if poll is None:
            raise NotFound("polls.errors.not_found")
        if not poll.is_open:
            raise UserFacingError("polls.vote.closed")
        if poll.eligible_role_id and poll.eligible_role_id not in role_ids(interaction.user):
            raise UserFacingError("polls.vote.not_eligible", role=f"<@&{poll.eligible_role_id}>")
        t = self.publisher.translator(interaction.locale)
        flow = RankFlow(self, poll, t) if poll.method is Method.RANKED else ScoreFlow(self, poll, t)
        await interaction.response.send_message(flow.content(), view=flow, ephemeral=True)
