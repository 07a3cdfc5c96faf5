"""What happens when a member clicks a poll component: vote, remove a vote, see results, start a ballot flow.

The hot path: the ballot joins the next group commit (every vote and removal waiting while the database thread
was busy, written in one transaction), and once it is committed the member's one answer says what they chose.
Should the commit not be done ``ack_budget`` seconds after the click (a busy or stalled database), the click is
acknowledged first with a private "thinking" response, which the receipt then replaces: Discord's 3-second
deadline never depends on the database, and nobody is told "Your vote: …" before their ballot is committed.
Answers go out at most ``REPLIES_IN_FLIGHT`` at a time, in click order: a burst of thousands of clicks then
reuses a few connections instead of opening one each. Nothing here logs who chose what.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, TypeVar

from sqlite_utils import Database

from bot.checks import guild_id_of, is_moderator, role_ids
from bot.db import GroupCommit
from bot.errors import NotFound, UserFacingError
from bot.replies import NO_PINGS, text
from bot.text import untrusted
from cogs.polls import store
from cogs.polls.access import ChannelDirectory
from cogs.polls.ballot_box import Cast, Removal, Request, Result, cast_result, removal_result, write_ballots
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.flows import RankFlow, ScoreFlow
from cogs.polls.live import LiveUpdater
from cogs.polls.model import Choices, Poll, VoteOutcome, describe_choices, tally
from cogs.polls.publisher import Publisher
from cogs.polls.render import live_edits, results_embed
from cogs.polls.tally import Method
from cogs.polls.voter_keys import Voter

if TYPE_CHECKING:
    from bot.client import Haikei, Interaction

log = logging.getLogger(__name__)

ACK_BUDGET = 1.5  # seconds after a click by which a vote still not committed is acknowledged with a deferral
REPLIES_IN_FLIGHT = 64  # vote answers sent concurrently (the rest wait their turn, in order)

T = TypeVar("T")


async def check_results_visible(interaction: Interaction, poll: Poll, turnout: int) -> None:
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
        self.deferred = 0  # clicks acknowledged before their ballot was committed
        self.ack_budget = ACK_BUDGET
        self.ballots: GroupCommit[Request, Result] = bot.db.group_commit(self._write)
        self._replies = asyncio.Semaphore(REPLIES_IN_FLIGHT)
        self._past_live: set[int] = set()  # open polls past live edits whose message lost its count

    def _write(self, db: Database, requests: list[Request]) -> list[Result | Exception]:
        return write_ballots(db, self.keys, requests)

    def changed(self, poll: Poll) -> None:
        """A ballot was cast, changed or removed: refresh the message while votes keep it current. Past that
        age, one last refresh takes the turnout off the message instead of leaving a stale number."""
        if live_edits(poll):
            self.live.mark(poll.id)
        elif poll.is_open and poll.id not in self._past_live:
            self._past_live.add(poll.id)
            self.live.mark(poll.id)

    @staticmethod
    def voter(interaction: Interaction) -> Voter:
        return Voter(interaction.user.id, interaction.user.display_name)

    def cast(self, interaction: Interaction, poll_id: int, choices: Choices) -> asyncio.Future[Result]:
        """Queue the member's ballot for the next group commit; the future resolves once it is committed."""
        voter = self.voter(interaction)
        return self.ballots.submit(
            Cast(poll_id, guild_id_of(interaction), voter, choices, tuple(role_ids(interaction.user)))
        )

    def receipt(self, interaction: Interaction, result: Result) -> str:
        """What the member is told about their committed ballot; raises the refusal if it was refused."""
        outcome, poll, saved = cast_result(result)
        if outcome is VoteOutcome.RECORDED and poll is not None and saved is not None:
            self.changed(poll)
            choices = untrusted(describe_choices(poll, saved), 1500, one_line=True)  # member-typed labels
            receipt = text(interaction, "polls.vote.recorded", choices=choices)
            if poll.secret:
                receipt += "\n" + text(interaction, "polls.vote.secret_receipt")
            return receipt[:2000]
        raise self._refusal(outcome, poll)

    async def committed(
        self, interaction: Interaction, pending: asyncio.Future[T], *, update: bool = False
    ) -> T:
        """``pending``'s result; if it is not committed ``ack_budget`` seconds after the click, the click is
        acknowledged first, so the answer that follows edits that response: privately "thinking", or with
        ``update`` a deferred update of the clicked (ballot flow) message."""
        if pending.done():
            return pending.result()
        deferral: asyncio.Task[object] | None = None

        def late() -> None:
            nonlocal deferral
            if not pending.done() and not interaction.response.is_done():
                self.deferred += 1
                ack = interaction.response.defer(ephemeral=not update, thinking=not update)
                deferral = asyncio.create_task(ack)

        age = max(0.0, time.time() - interaction.created_at.timestamp())
        timer = asyncio.get_running_loop().call_later(max(0.0, self.ack_budget - age), late)
        try:
            return await pending
        finally:
            timer.cancel()  # (a timer per click, not asyncio.wait: this runs thousands of times per burst)
            if deferral is not None:
                await deferral  # the answer edits the deferred response, so the deferral must be done

    async def answer(self, interaction: Interaction, content: str) -> None:
        """The member's private answer: the response, or the edit of a deferred one (a few at a time)."""
        async with self._replies:
            if interaction.response.is_done():
                await interaction.edit_original_response(content=content, allowed_mentions=NO_PINGS)
            else:
                await interaction.response.send_message(content, ephemeral=True, allowed_mentions=NO_PINGS)

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

    async def vote(self, interaction: Interaction, poll_id: int, choices: Choices) -> None:
        """A button or select vote: commit it (with the others of the moment), then tell the member."""
        pending = self.cast(interaction, poll_id, choices)
        await self.answer(interaction, self.receipt(interaction, await self.committed(interaction, pending)))

    async def remove(self, interaction: Interaction, poll_id: int) -> None:
        pending = self.ballots.submit(Removal(poll_id, guild_id_of(interaction), self.voter(interaction)))
        poll, removed = removal_result(await self.committed(interaction, pending))
        if poll is None:  # missing, or of another server (then nothing was removed)
            raise NotFound("polls.errors.not_found")
        if not poll.is_open:
            raise UserFacingError("polls.vote.closed")
        if removed is None:
            raise UserFacingError("polls.vote.unrecognisable")
        if removed:
            self.changed(poll)
        key = "polls.vote.removed" if removed else "polls.vote.nothing_to_remove"
        await self.answer(interaction, text(interaction, key))

    async def show_results(self, interaction: Interaction, poll_id: int) -> None:
        """Current results, privately; during a hidden poll only for moderators; only to a member who can view
        the poll's channel (the click comes from the poll message, so this is Discord's own figure for it)."""
        poll, ballots = await self.bot.db.run(store.poll_with_ballots, poll_id)
        if poll is None or poll.guild_id != interaction.guild_id:
            raise NotFound("polls.errors.not_found")
        if not await ChannelDirectory(self.bot).can_read(interaction, poll, fetch=False):
            raise NotFound("polls.errors.not_found")
        await check_results_visible(interaction, poll, len(ballots))
        embed = results_embed(
            poll, tally(poll, ballots), self.publisher.translator(interaction.locale), final=False
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def start_flow(self, interaction: Interaction, poll_id: int) -> None:
        """Open the private step-by-step ballot for a ranked or score poll."""
        poll = await self.bot.db.run(store.get_guild_poll, guild_id_of(interaction), poll_id)
        if poll is None:
            raise NotFound("polls.errors.not_found")
        if not poll.is_open:
            raise UserFacingError("polls.vote.closed")
        if poll.eligible_role_id and poll.eligible_role_id not in role_ids(interaction.user):
            raise UserFacingError("polls.vote.not_eligible", role=f"<@&{poll.eligible_role_id}>")
        t = self.publisher.translator(interaction.locale)
        flow = RankFlow(self, poll, t) if poll.method is Method.RANKED else ScoreFlow(self, poll, t)
        await flow.send(interaction, flow.content(), ephemeral=True)
