"""`/submissions list|withdraw`: a server's moderators see and withdraw their own server's submissions.

They see what was submitted from their server and its state — never private notes, submitter ids, or anything
from another server — and may withdraw a pending one (spam, a mistake) before curators spend time on it.
Its own cog so its top-level group can be hidden from members by Discord; checked on our side regardless.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from bot import replies
from bot.checks import guild_id_of, is_moderator, moderator_only, staff_group
from bot.errors import NotFound, UserFacingError
from bot.options import RowId
from bot.text import plain
from bot.ui.paginator import Paginator
from cogs.disclosures import submissions
from cogs.disclosures.audit import Actor
from cogs.disclosures.embeds import list_pages, submission_lines

if TYPE_CHECKING:
    from bot.client import Haikei

log = logging.getLogger(__name__)


def _t(interaction: discord.Interaction) -> Any:
    return partial(replies.text, interaction)


class ServerSubmissions(commands.Cog):
    """This server's submissions, for this server's moderators."""

    feature_key = "disclosures"

    def __init__(self, bot: Haikei) -> None:
        self.bot = bot

    group = staff_group("submissions", "AI-disclosure submissions made from this server (moderators)")

    @group.command(name="list", description="What members of this server submitted, and where each stands")
    @moderator_only()
    async def list_submissions(self, interaction: discord.Interaction) -> None:
        rows = await self.bot.db.run(submissions.of_guild, guild_id_of(interaction))
        t = _t(interaction)
        if not rows:
            await replies.ephemeral(interaction, t("disclosures.server.empty"))
            return
        lines = submission_lines(rows, t, private=False)
        pages = list_pages(t("disclosures.server.title", count=len(rows)), lines, t)
        await Paginator(interaction.user.id, pages).start(interaction, ephemeral=True)

    @group.command(
        name="withdraw", description="Withdraw a pending submission made from this server (spam, mistakes)"
    )
    @app_commands.describe(submission="The submission number")
    @moderator_only()
    async def withdraw(self, interaction: discord.Interaction, submission: RowId) -> None:
        guild_id = guild_id_of(interaction)
        actor = Actor(interaction.user.id, "moderator", guild_id)
        try:
            row = await self.bot.db.run(
                partial(submissions.withdraw, guild_id=guild_id, actor=actor), submission
            )
        except submissions.AlreadyDecided:
            raise UserFacingError("disclosures.server.already", id=submission) from None
        if row is None:
            raise NotFound("disclosures.server.not_found", id=submission)
        log.info("Submission %s withdrawn by moderator %s of guild %s", submission, actor.id, guild_id)
        await replies.ephemeral(interaction, _t(interaction)("disclosures.server.withdrawn", id=submission))

    @withdraw.autocomplete("submission")
    async def _pending_here(self, interaction: discord.Interaction, current: str) -> list[Choice[int]]:
        """This server's pending submissions, for its moderators only: autocomplete runs without the command's
        checks, so it makes the same one (a member gets nothing)."""
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []
        rows = await self.bot.db.run(submissions.of_guild, interaction.guild_id)
        needle = current.strip().lstrip("#").casefold()
        choices = []
        for row in rows:
            if row["state"] != "pending":
                continue
            name = f"#{row['id']} {plain(row['title'] or '')}"
            if needle in name.casefold():
                choices.append(Choice(name=name[:100], value=row["id"]))
        return choices[:25]
