"""The Polls cog: /poll (create, list, results) for members, /poll-manage (in manage.py) for moderators."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice, locale_str

from bot.checks import guild_id_of, server_only
from bot.errors import BadInput, NotFound
from bot.options import Bounded, RowId
from bot.replies import ephemeral, send, text
from bot.ui.paginator import Paginator
from cogs.polls import secrecy, store
from cogs.polls.access import ChannelDirectory
from cogs.polls.ballot_keys import BallotKeys
from cogs.polls.chart import result_chart
from cogs.polls.creation import CreateRequest, OptionsModal, check_target, create_poll, require_creator
from cogs.polls.live import LiveUpdater
from cogs.polls.lookup import PollLookup
from cogs.polls.manage import PollManagement, bad_input
from cogs.polls.model import tally
from cogs.polls.options import validate_question
from cogs.polls.problems import InputProblem
from cogs.polls.publisher import Publisher
from cogs.polls.render import results_embed
from cogs.polls.scheduler import DeadlineScheduler
from cogs.polls.tally import Method
from cogs.polls.transformers import ClosingTime
from cogs.polls.views import DYNAMIC_ITEMS
from cogs.polls.voting import Voting, check_results_visible

if TYPE_CHECKING:
    from bot.client import Haikei, Interaction

log = logging.getLogger(__name__)

LIVE_EDIT_INTERVAL = 5.0
DEFAULT_DURATION = timedelta(days=1)
LIST_PAGE_SIZE = 10
METHOD_CHOICES = [
    Choice(name=locale_str("Single choice", key="polls.choice.single"), value="single"),
    Choice(name=locale_str("Multiple choice", key="polls.choice.multiple"), value="multiple"),
    Choice(name=locale_str("Ranked (instant-runoff)", key="polls.choice.ranked"), value="ranked"),
    Choice(name=locale_str("Score (0-5 per option)", key="polls.choice.score"), value="score"),
]


class Polls(PollLookup, PollManagement):
    """Member polls: button voting, secret ballots, ranked choice, charts and exports."""

    feature_key = "polls"
    dynamic_items = DYNAMIC_ITEMS

    def __init__(self, bot: Haikei) -> None:
        self.bot = bot
        self.keys = BallotKeys(bot.settings.ballot_keys_path, bot.settings.poll_secret)
        self.publisher = Publisher(bot, self.keys)
        self.live = LiveUpdater(self.publisher.refresh, LIVE_EDIT_INTERVAL)
        self.voting = Voting(bot, self.keys, self.publisher, self.live)
        self.scheduler = DeadlineScheduler(bot.db, self.publisher.close, bot.wait_until_ready)
        self.access = ChannelDirectory(bot)

    async def cog_load(self) -> None:
        await self.bot.db.run(secrecy.enable_secure_delete)
        await self.bot.db.migrate(store.migrations)
        await self.bot.db.run(lambda _db: self.keys.open())
        stale = await self.bot.db.run(secrecy.forget_stale_keys, self.keys)
        if stale:
            log.info(
                "Destroyed the ballot keys of %d poll(s) closed or deleted before the last stop", len(stale)
            )
        self.report_legacy(await self.bot.db.run(secrecy.legacy_polls))
        self.scheduler.start()

    def report_legacy(self, legacy: list[int]) -> None:
        """Say what POLL_SECRET is still needed for (only secret polls opened before per-poll keys)."""
        if legacy and not self.keys.legacy_secret:
            log.warning(
                "Secret polls %s were opened before per-poll ballot keys and POLL_SECRET is not set: they refuse "
                "votes (members could vote twice) until POLL_SECRET is restored or they are closed",
                legacy,
            )
        elif legacy:
            log.info("Secret polls %s recognise their voters with POLL_SECRET until they close", legacy)
        elif self.keys.legacy_secret:
            log.info("POLL_SECRET is no longer used (no secret poll from before per-poll keys is open)")

    async def cog_unload(self) -> None:
        self.scheduler.stop()
        self.live.cancel()
        with contextlib.suppress(RuntimeError):  # the database already closed: nothing more to do
            await self.voting.ballots.flush()  # ballots already queued are committed before the keys close
            await self.bot.db.run(lambda _db: self.keys.close())

    async def about_counts(self) -> dict[str, int]:
        return {"polls.about.polls": await self.bot.db.run(store.poll_count)}

    poll = app_commands.Group(
        name="poll",
        description="Member polls: create, list and see results",
        guild_only=True,
        **server_only(),
    )

    @poll.command(name="create", description="Create a poll (moderators, or the poll creator role)")
    @app_commands.describe(
        question="What members vote on",
        options="Options separated by | (leave empty to type them one per line in a form)",
        method="How members vote (default: single choice, or multiple when max_choices is over 1)",
        max_choices="Multiple choice: how many options a member may pick",
        secret="Secret ballot: no one can link a vote to a member; counts are shown at close",
        hidden="Hide results until the poll closes",
        eligible_role="Only members with this role can vote",
        duration="How long it stays open (30m, 2h, 3d) or when it closes (YYYY-MM-DDTHH:MM, UTC)",
        channel="Where to post the poll (default: here)",
        ping_role="A role to notify when the poll is posted",
    )
    @app_commands.choices(method=METHOD_CHOICES)
    async def create(
        self,
        interaction: Interaction,
        question: app_commands.Range[str, 1, 240],
        options: app_commands.Range[str, 1, 4000] | None = None,
        method: str | None = None,
        max_choices: app_commands.Transform[int, Bounded(1, 25)] | None = None,
        secret: bool = False,
        hidden: bool = False,
        eligible_role: discord.Role | None = None,
        duration: app_commands.Transform[datetime, ClosingTime] | None = None,
        channel: discord.TextChannel | None = None,
        ping_role: discord.Role | None = None,
    ) -> None:
        await require_creator(interaction)
        try:
            question = validate_question(question)
        except InputProblem as problem:
            raise bad_input(problem) from None
        if ping_role is not None and ping_role.is_default():
            raise BadInput("polls.errors.bad_ping_role")
        if method is None:  # a number of choices to pick says "multiple choice" on its own
            method = (
                Method.MULTIPLE.value if max_choices is not None and max_choices > 1 else Method.SINGLE.value
            )
        if method not in {m.value for m in Method}:
            raise BadInput("errors.bad_value", value=method)
        if max_choices is not None and max_choices > 1 and method != Method.MULTIPLE.value:
            raise BadInput("polls.errors.max_choices_method")
        target = channel or interaction.channel
        if target is None or not isinstance(target, discord.abc.Messageable):
            raise BadInput("polls.errors.bad_channel")
        request = CreateRequest(
            guild_id=guild_id_of(interaction),
            channel_id=target.id,
            question=question,
            method=Method(method),
            max_choices=max_choices,
            secret=secret,
            hidden=hidden,
            eligible_role_id=None
            if eligible_role is None or eligible_role.is_default()
            else eligible_role.id,
            ping_role_id=ping_role.id if ping_role else None,
            closes_at=(duration or datetime.now(UTC) + DEFAULT_DURATION).timestamp(),
            created_by=interaction.user.id,
        )
        check_target(interaction, request)
        if options is None:
            await interaction.response.send_modal(OptionsModal(self, request, interaction))
            return
        await create_poll(self, interaction, request, options)

    @poll.command(name="list", description="Open polls in this server")
    async def list_polls(self, interaction: Interaction) -> None:
        polls = await self.bot.db.run(store.open_polls, guild_id_of(interaction))
        if not all(self.access.known(interaction, p.channel_id) for p in polls):
            # a channel the cache does not hold is looked up over REST first
            await interaction.response.defer(ephemeral=True, thinking=True)
        polls = await self.access.readable(interaction, polls)
        if not polls:
            await ephemeral(interaction, text(interaction, "polls.list.empty"))
            return
        pages = []
        for start in range(0, len(polls), LIST_PAGE_SIZE):
            chunk = polls[start : start + LIST_PAGE_SIZE]
            lines = [
                text(
                    interaction,
                    "polls.list.line",
                    id=p.id,
                    question=p.question[:150],
                    channel=f"<#{p.channel_id}>",
                    when=f"<t:{int(p.closes_at)}:R>",
                )
                for p in chunk
            ]
            embed = discord.Embed(
                title=text(interaction, "polls.list.title", count=len(polls)), description="\n".join(lines)
            )
            pages.append(embed)
        await Paginator(interaction.user.id, pages).start(interaction, ephemeral=True)

    @poll.command(
        name="results", description="See a poll's results (hidden: moderators only; secret: after close)"
    )
    @app_commands.describe(poll="The poll (its number)")
    @app_commands.autocomplete(poll=PollLookup.poll_autocomplete)
    async def results(self, interaction: Interaction, poll: RowId) -> None:
        found = await self.guild_poll(interaction, poll)
        await interaction.response.defer(ephemeral=True, thinking=True)
        current, ballots = await self.bot.db.run(store.poll_with_ballots, found.id)
        if current is None:
            raise NotFound("polls.errors.not_found")
        await check_results_visible(interaction, current, len(ballots))
        t = self.publisher.translator(interaction.locale)
        result = tally(current, ballots)
        png = await asyncio.to_thread(result_chart, current, result, t)
        embed = results_embed(current, result, t, final=not current.is_open)
        embed.set_image(url=f"attachment://poll-{current.id}.png")
        file = discord.File(io.BytesIO(png), filename=f"poll-{current.id}.png")
        await send(interaction, embed=embed, file=file, ephemeral=True)
