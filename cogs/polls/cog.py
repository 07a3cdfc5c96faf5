"""The /poll commands: create, close, reopen, extend, edit, delete, list, results, export."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice, locale_str
from discord.ext import commands

from bot.checks import has_role_setting, is_moderator, moderator_only
from bot.errors import BadInput, NotFound, UserFacingError
from bot.replies import ephemeral, send, text
from bot.ui.confirm import ask
from bot.ui.paginator import Paginator
from cogs.polls import store
from cogs.polls.chart import result_chart
from cogs.polls.creation import CreateRequest, OptionsModal, create_poll
from cogs.polls.durations import extended_deadline
from cogs.polls.export import public_csv, tally_csv
from cogs.polls.live import LiveUpdater
from cogs.polls.model import Poll, tally
from cogs.polls.options import reconcile, validate_question
from cogs.polls.problems import InputProblem
from cogs.polls.publisher import Publisher
from cogs.polls.render import results_embed
from cogs.polls.scheduler import DeadlineScheduler
from cogs.polls.tally import Method
from cogs.polls.transformers import ClosingTime
from cogs.polls.views import DYNAMIC_ITEMS
from cogs.polls.voting import Voting

if TYPE_CHECKING:
    from bot.client import Haikei

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


def bad_input(problem: InputProblem) -> BadInput:
    return BadInput(problem.key, **problem.params)


class Polls(commands.Cog):
    """Member polls: button voting, secret ballots, ranked choice, charts and exports."""

    feature_key = "polls"
    dynamic_items = DYNAMIC_ITEMS

    def __init__(self, bot: Haikei) -> None:
        self.bot = bot
        self.publisher = Publisher(bot)
        self.live = LiveUpdater(self.publisher.refresh, LIVE_EDIT_INTERVAL)
        self.voting = Voting(bot, self.publisher, self.live)
        self.scheduler = DeadlineScheduler(bot.db, self.publisher.close, bot.wait_until_ready)

    async def cog_load(self) -> None:
        await self.bot.db.migrate(store.migrations)
        self.scheduler.start()

    async def cog_unload(self) -> None:
        self.scheduler.stop()
        self.live.cancel()

    async def about_counts(self) -> dict[str, int]:
        return {"polls.about.polls": await self.bot.db.run(store.poll_count)}

    async def guild_poll(self, interaction: discord.Interaction, poll_id: int) -> Poll:
        """The poll with this id in this server (another server's poll is "not found")."""
        poll = await self.bot.db.run(store.get_guild_poll, interaction.guild_id or 0, poll_id)
        if poll is None:
            raise NotFound("polls.errors.not_found")
        return poll

    async def poll_autocomplete(self, interaction: discord.Interaction, current: str) -> list[Choice[int]]:
        polls = await self.bot.db.run(store.guild_polls, interaction.guild_id or 0, 100)
        needle = current.strip().lstrip("#").casefold()
        choices = []
        for poll in polls:
            name = f"#{poll.id} [{poll.state.value}] {poll.question}"
            if needle in name.casefold():
                choices.append(Choice(name=name[:100], value=poll.id))
        return choices[:25]

    poll = app_commands.Group(
        name="poll", description="Member polls: create, manage and see results", guild_only=True
    )

    @poll.command(name="create", description="Create a poll (moderators, or the poll creator role)")
    @app_commands.describe(
        question="What members vote on",
        options="Options separated by | (leave empty to type them one per line in a form)",
        method="How members vote (default: single choice)",
        max_choices="Multiple choice: how many options a member may pick",
        secret="Secret ballot: nobody, not even moderators, can see who voted what",
        hidden="Hide results until the poll closes",
        eligible_role="Only members with this role can vote",
        duration="How long it stays open (30m, 2h, 3d) or when it closes (2025-06-01T18:00)",
        channel="Where to post the poll (default: here)",
        ping_role="A role to notify when the poll is posted",
    )
    @app_commands.choices(method=METHOD_CHOICES)
    async def create(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, 240],
        options: app_commands.Range[str, 1, 4000] | None = None,
        method: str = "single",
        max_choices: app_commands.Range[int, 1, 25] | None = None,
        secret: bool = False,
        hidden: bool = False,
        eligible_role: discord.Role | None = None,
        duration: app_commands.Transform[datetime, ClosingTime] | None = None,
        channel: discord.TextChannel | None = None,
        ping_role: discord.Role | None = None,
    ) -> None:
        if not (await is_moderator(interaction) or await has_role_setting(interaction, "poller_role_id")):
            raise UserFacingError("polls.errors.cannot_create")
        try:
            question = validate_question(question)
        except InputProblem as problem:
            raise bad_input(problem) from None
        if ping_role is not None and ping_role.is_default():
            raise BadInput("polls.errors.bad_ping_role")
        if method not in {m.value for m in Method}:
            raise BadInput("errors.bad_value", value=method)
        target = channel or interaction.channel
        if target is None or not isinstance(target, discord.abc.Messageable):
            raise BadInput("polls.errors.bad_channel")
        request = CreateRequest(
            guild_id=interaction.guild_id or 0,
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
        if options is None:
            await interaction.response.send_modal(OptionsModal(self, request, interaction))
            return
        await create_poll(self, interaction, request, options)

    @poll.command(name="close", description="Close a poll now and post its results (moderators)")
    @app_commands.describe(poll="The poll (its number)")
    @app_commands.autocomplete(poll=poll_autocomplete)
    @moderator_only()
    async def close(self, interaction: discord.Interaction, poll: int) -> None:
        found = await self.guild_poll(interaction, poll)
        if not found.is_open:
            raise UserFacingError("polls.errors.already_closed", id=found.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.publisher.close(found.id, interaction.user.id)
        self.scheduler.wake()
        await ephemeral(interaction, text(interaction, "polls.close.done", id=found.id))

    @poll.command(name="reopen", description="Reopen a closed poll (moderators)")
    @app_commands.describe(poll="The poll (its number)", duration="How long it stays open (default: 1 day)")
    @app_commands.autocomplete(poll=poll_autocomplete)
    @moderator_only()
    async def reopen(
        self,
        interaction: discord.Interaction,
        poll: int,
        duration: app_commands.Transform[datetime, ClosingTime] | None = None,
    ) -> None:
        found = await self.guild_poll(interaction, poll)
        if found.is_open:
            raise UserFacingError("polls.errors.already_open", id=found.id)
        closes_at = (duration or datetime.now(UTC) + DEFAULT_DURATION).timestamp()
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.db.run(store.reopen_poll, found.id, interaction.user.id, closes_at)
        self.scheduler.wake()
        await self.publisher.refresh(found.id)
        await ephemeral(
            interaction, text(interaction, "polls.reopen.done", id=found.id, when=f"<t:{int(closes_at)}:R>")
        )

    @poll.command(name="extend", description="Give an open poll more time (moderators)")
    @app_commands.describe(
        poll="The poll (its number)",
        duration="Extra time (2h, 1d) added to the deadline, or a new closing time",
    )
    @app_commands.autocomplete(poll=poll_autocomplete)
    @moderator_only()
    async def extend(self, interaction: discord.Interaction, poll: int, duration: str) -> None:
        found = await self.guild_poll(interaction, poll)
        if not found.is_open:
            raise UserFacingError("polls.errors.already_closed", id=found.id)
        now = datetime.now(UTC)
        try:
            when = extended_deadline(duration, datetime.fromtimestamp(found.closes_at, UTC), now)
        except InputProblem as problem:
            raise bad_input(problem) from None
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.db.run(store.extend_poll, found.id, interaction.user.id, when.timestamp())
        self.scheduler.wake()
        await self.publisher.refresh(found.id)
        await ephemeral(
            interaction,
            text(interaction, "polls.extend.done", id=found.id, when=f"<t:{int(when.timestamp())}:R>"),
        )

    @poll.command(
        name="edit", description="Change a poll's question or options; a note is shown (moderators)"
    )
    @app_commands.describe(
        poll="The poll (its number)",
        question="The new question",
        options="All options, separated by | (unchanged ones keep their votes)",
        note="Why it changed (shown on the poll and kept in the audit log)",
    )
    @app_commands.autocomplete(poll=poll_autocomplete)
    @moderator_only()
    async def edit(
        self,
        interaction: discord.Interaction,
        poll: int,
        question: app_commands.Range[str, 1, 240] | None = None,
        options: app_commands.Range[str, 1, 4000] | None = None,
        note: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        found = await self.guild_poll(interaction, poll)
        if question is None and options is None:
            raise BadInput("polls.errors.nothing_to_edit")
        try:
            new_question = validate_question(question) if question is not None else found.question
            new_options = (
                reconcile(list(found.options), options) if options is not None else list(found.options)
            )
        except InputProblem as problem:
            raise bad_input(problem) from None
        note_text = note or text(interaction, "polls.edit.default_note")
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.db.run(
            store.edit_poll, found.id, interaction.user.id, new_question, new_options, note_text
        )
        await self.publisher.refresh(found.id)
        await ephemeral(interaction, text(interaction, "polls.edit.done", id=found.id))

    @poll.command(name="delete", description="Delete a poll, its votes and its message (moderators)")
    @app_commands.describe(poll="The poll (its number)")
    @app_commands.autocomplete(poll=poll_autocomplete)
    @moderator_only()
    async def delete(self, interaction: discord.Interaction, poll: int) -> None:
        found = await self.guild_poll(interaction, poll)
        answer = await ask(
            interaction,
            text(interaction, "polls.delete.confirm", id=found.id, question=found.question)[:2000],
        )
        followup = answer.clicked or interaction
        if not answer.value:
            key = "ui.cancelled" if answer.value is False else "ui.timed_out"
            await followup.followup.send(text(interaction, key), ephemeral=True)
            return
        await self.bot.db.run(store.delete_poll, found.id, interaction.user.id)
        if found.message_id:
            message = self.bot.get_partial_messageable(found.channel_id).get_partial_message(found.message_id)
            try:
                await message.delete()
            except discord.HTTPException:
                log.info("Poll %s message was already gone", found.id)
        await followup.followup.send(text(interaction, "polls.delete.done", id=found.id), ephemeral=True)

    @poll.command(name="list", description="Open polls in this server")
    async def list_polls(self, interaction: discord.Interaction) -> None:
        polls = await self.bot.db.run(store.open_polls, interaction.guild_id or 0)
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

    @poll.command(name="results", description="See a poll's results (while hidden: moderators only)")
    @app_commands.describe(poll="The poll (its number)")
    @app_commands.autocomplete(poll=poll_autocomplete)
    async def results(self, interaction: discord.Interaction, poll: int) -> None:
        found = await self.guild_poll(interaction, poll)
        if found.hidden and found.is_open and not await is_moderator(interaction):
            raise UserFacingError("polls.results.hidden")
        await interaction.response.defer(ephemeral=True, thinking=True)
        current, ballots = await self.bot.db.run(store.poll_with_ballots, found.id)
        if current is None:
            raise NotFound("polls.errors.not_found")
        t = self.publisher.translator(interaction.locale)
        result = tally(current, ballots)
        png = await asyncio.to_thread(result_chart, current, result, t)
        embed = results_embed(current, result, t, final=not current.is_open)
        embed.set_image(url=f"attachment://poll-{current.id}.png")
        file = discord.File(io.BytesIO(png), filename=f"poll-{current.id}.png")
        await send(interaction, embed=embed, file=file, ephemeral=True)

    @poll.command(name="export", description="Download a poll's votes as CSV (secret ballots: tallies only)")
    @app_commands.describe(poll="The poll (its number)")
    @app_commands.autocomplete(poll=poll_autocomplete)
    @moderator_only()
    async def export(self, interaction: discord.Interaction, poll: int) -> None:
        found = await self.guild_poll(interaction, poll)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if found.secret:
            current, ballots = await self.bot.db.run(store.poll_with_ballots, found.id)
            body = tally_csv(current or found, tally(current or found, ballots))
            key = "polls.export.secret"
        else:
            rows = await self.bot.db.run(store.public_ballots, found.id)
            body = public_csv(found, rows)
            key = "polls.export.public"
        file = discord.File(io.BytesIO(body.encode("utf-8-sig")), filename=f"poll-{found.id}.csv")
        await send(interaction, text(interaction, key, id=found.id), file=file, ephemeral=True)
