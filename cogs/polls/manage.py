"""/poll-manage (moderators): close, reopen, extend, edit, delete, export — a mixin of the Polls cog.

These live in their own top-level group because Discord ignores ``default_permissions`` on subcommands:
as ``/poll close`` they were shown to every member. ``default_permissions`` hides the group from members in
Discord's client; ``moderator_only()`` on every subcommand is the check that counts.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.checks import moderator_only, require_moderator, staff_group
from bot.errors import BadInput, UserFacingError
from bot.options import RowId
from bot.replies import ephemeral, send, text
from bot.text import clean_input
from bot.ui.confirm import Recheck, ask
from cogs.polls import store
from cogs.polls.durations import extended_deadline
from cogs.polls.edit_flow import edit_flow
from cogs.polls.export import public_csv, tally_csv
from cogs.polls.lookup import PollLookup
from cogs.polls.mixin import MixinMeta
from cogs.polls.model import tally
from cogs.polls.options import reconcile, validate_question
from cogs.polls.problems import InputProblem
from cogs.polls.summary import shown_question
from cogs.polls.transformers import ClosingTime
from cogs.polls.voting import check_results_visible

if TYPE_CHECKING:
    from bot.client import Interaction

log = logging.getLogger(__name__)

DEFAULT_REOPEN = timedelta(days=1)


def bad_input(problem: InputProblem) -> BadInput:
    return BadInput(problem.key, **problem.params)


class PollManagement(MixinMeta):
    """The /poll-manage group (``guild_poll`` from :class:`~cogs.polls.lookup.PollLookup`; ``keys``,
    ``publisher`` and ``scheduler`` from the Polls cog)."""

    poll_manage = staff_group(
        "poll-manage", "Manage polls: close, reopen, extend, edit, delete, export (moderators)"
    )

    def still_manages(self, poll_id: int) -> Recheck:
        """The checks of a /poll-manage command, run again on the click that confirms it (``ask``'s
        ``recheck``): the member is still a moderator, and the poll is still one they may manage (it exists,
        in this server, in a channel they can view)."""

        async def check(click: Interaction) -> None:
            await require_moderator(click)
            await self.guild_poll(click, poll_id)

        return check

    @poll_manage.command(name="close", description="Close a poll now and post its results (moderators)")
    @app_commands.describe(poll="The poll (its number)")
    @app_commands.autocomplete(poll=PollLookup.poll_autocomplete)
    @moderator_only()
    async def close(self, interaction: Interaction, poll: RowId) -> None:
        found = await self.guild_poll(interaction, poll)
        if not found.is_open:
            raise UserFacingError("polls.errors.already_closed", id=found.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.publisher.close(found.id, interaction.user.id)
        self.scheduler.wake()
        await ephemeral(interaction, text(interaction, "polls.close.done", id=found.id))

    @poll_manage.command(name="reopen", description="Reopen a closed poll (moderators; not secret ballots)")
    @app_commands.describe(poll="The poll (its number)", duration="How long it stays open (default: 1 day)")
    @app_commands.autocomplete(poll=PollLookup.poll_autocomplete)
    @moderator_only()
    async def reopen(
        self,
        interaction: Interaction,
        poll: RowId,
        duration: app_commands.Transform[datetime, ClosingTime] | None = None,
    ) -> None:
        found = await self.guild_poll(interaction, poll)
        if found.is_open:
            raise UserFacingError("polls.errors.already_open", id=found.id)
        if found.secret:
            raise UserFacingError("polls.errors.secret_reopen", id=found.id)
        closes_at = (duration or datetime.now(UTC) + DEFAULT_REOPEN).timestamp()
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            await self.bot.db.run(store.reopen_poll, found.id, interaction.user.id, closes_at)
        except store.AnonymisedBallots:
            raise UserFacingError("polls.errors.anonymised_reopen", id=found.id) from None
        self.scheduler.wake()
        await self.publisher.refresh(found.id)
        await ephemeral(
            interaction, text(interaction, "polls.reopen.done", id=found.id, when=f"<t:{int(closes_at)}:R>")
        )

    @poll_manage.command(name="extend", description="Give an open poll more time (moderators)")
    @app_commands.describe(
        poll="The poll (its number)",
        duration="Extra time (2h, 1d) added to the deadline, or a new closing time",
    )
    @app_commands.autocomplete(poll=PollLookup.poll_autocomplete)
    @moderator_only()
    async def extend(self, interaction: Interaction, poll: RowId, duration: str) -> None:
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

    @poll_manage.command(
        name="edit", description="Change a poll's question or options; a note is shown (moderators)"
    )
    @app_commands.describe(
        poll="The poll (its number)",
        question="The new question",
        options="All options, separated by | (unchanged ones keep their votes)",
        note="Why it changed (shown on the poll and kept in the audit log)",
    )
    @app_commands.autocomplete(poll=PollLookup.poll_autocomplete)
    @moderator_only()
    async def edit(
        self,
        interaction: Interaction,
        poll: RowId,
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
        note_text = clean_input(note or "", one_line=True) or text(interaction, "polls.edit.default_note")
        recheck = self.still_manages(found.id)
        await edit_flow(self, interaction, found, new_question, new_options, note_text, recheck=recheck)

    @poll_manage.command(name="delete", description="Delete a poll, its votes and its message (moderators)")
    @app_commands.describe(poll="The poll (its number)")
    @app_commands.autocomplete(poll=PollLookup.poll_autocomplete)
    @moderator_only()
    async def delete(self, interaction: Interaction, poll: RowId) -> None:
        found = await self.guild_poll(interaction, poll)
        answer = await ask(
            interaction,
            text(interaction, "polls.delete.confirm", id=found.id, question=shown_question(found.question))[
                :2000
            ],
            recheck=self.still_manages(found.id),
        )
        followup = answer.clicked or interaction
        if not answer.value:
            if answer.unconfirmed_key:  # None: refused by still_manages, and the click was told why
                await followup.followup.send(text(interaction, answer.unconfirmed_key), ephemeral=True)
            return
        await self.bot.db.run(store.delete_poll, self.keys, found.id, interaction.user.id)
        if found.message_id:
            message = self.bot.get_partial_messageable(found.channel_id).get_partial_message(found.message_id)
            try:
                await message.delete()
            except discord.HTTPException:
                log.info("Poll %s message was already gone", found.id)
        await followup.followup.send(text(interaction, "polls.delete.done", id=found.id), ephemeral=True)

    @poll_manage.command(
        name="export", description="Download a poll's votes as CSV (secret ballots: tallies, after close)"
    )
    @app_commands.describe(poll="The poll (its number)")
    @app_commands.autocomplete(poll=PollLookup.poll_autocomplete)
    @moderator_only()
    async def export(self, interaction: Interaction, poll: RowId) -> None:
        found = await self.guild_poll(interaction, poll)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if found.secret:
            current, ballots = await self.bot.db.run(store.poll_with_ballots, found.id)
            current = current or found
            await check_results_visible(interaction, current, len(ballots))
            body = tally_csv(current, tally(current, ballots))
            key = "polls.export.secret"
        else:
            rows = await self.bot.db.run(store.public_ballots, found.id)
            body = public_csv(found, rows)
            key = "polls.export.public"
        file = discord.File(io.BytesIO(body.encode("utf-8-sig")), filename=f"poll-{found.id}.csv")
        await send(interaction, text(interaction, key, id=found.id), file=file, ephemeral=True)
