"""Member contributions to the records: the submit form, corrections to a record, and their validation."""

from __future__ import annotations

from functools import partial
from typing import Any

import discord
from discord import app_commands

from bot import replies
from bot.errors import BadInput
from bot.text import clip, plain
from bot.ui.paginator import Paginator
from cogs.disclosures import store, submissions
from cogs.disclosures.embeds import list_pages, record_embed, submission_lines
from cogs.disclosures.english import ENGLISH
from cogs.disclosures.records import RecordError, parse_urls
from cogs.disclosures.search import TitleIndex
from cogs.disclosures.views import CorrectionModal, ResemblanceView, SubmitModal

RESEMBLES_SCORE = 88.0  # a submission whose title matches a record this well is shown that record first


def _text_for(interaction: discord.Interaction) -> Any:
    return partial(replies.text, interaction)


class Contributions:
    """Mixed into the Disclosures cog: members submit records and suggest corrections (queued for review)."""

    bot: Any
    index: TitleIndex

    async def record_or_404(self, record_id: str) -> dict[str, Any]:  # provided by the cog
        raise NotImplementedError

    @app_commands.command(name="submit", description=ENGLISH["cmd.disclosure.submit.description"])
    async def submit(self, interaction: discord.Interaction) -> None:
        await self.open_submission(interaction)

    @app_commands.command(name="mine", description=ENGLISH["cmd.disclosure.mine.description"])
    async def mine(self, interaction: discord.Interaction) -> None:
        """The member's own submissions and corrections, from every server, with their state (private)."""
        rows = await self.bot.db.run(submissions.of_submitter, interaction.user.id)
        t = _text_for(interaction)
        if not rows:
            await replies.ephemeral(interaction, t("disclosures.mine.empty"))
            return
        pages = list_pages(
            t("disclosures.mine.title", count=len(rows)), submission_lines(rows, t, private=True), t
        )
        await Paginator(interaction.user.id, pages).start(interaction, ephemeral=True)

    async def receive_submission(
        self,
        interaction: discord.Interaction,
        *,
        title: str,
        companies: str,
        uses: str,
        sources: str,
        notes: str,
    ) -> None:
        """Validate a member's submission, warn when it resembles a record, and queue it."""
        t = _text_for(interaction)
        title, companies, uses, sources, notes = (plain(v) for v in (title, companies, uses, sources, notes))
        title = " ".join(title.split())
        if not title:
            raise BadInput("disclosures.errors.empty_field", field=t("disclosures.submit.title_label"))
        if not uses.strip():
            raise BadInput("disclosures.errors.empty_field", field=t("disclosures.submit.uses_label"))
        urls = _submitted_urls(sources, required=True)
        similar = self.index.search(title, limit=1, cutoff=RESEMBLES_SCORE)
        fields = {
            "kind": "new",
            "guild_id": interaction.guild_id,
            "guild_name": interaction.guild.name if interaction.guild else None,
            "submitter_id": interaction.user.id,
            "locale": str(interaction.locale),
            "title": title,
            "companies": companies.strip() or None,
            "ai_uses": uses.strip(),
            "notes": notes.strip() or None,
            "source_urls": urls,
            "similar_record_id": similar[0].record_id if similar else None,
        }

        async def queue(inter: discord.Interaction) -> None:
            submission_id = await self.bot.db.run(partial(submissions.create, **fields))
            receipt = t("disclosures.submit.receipt", id=submission_id)
            if inter is interaction:
                await replies.ephemeral(inter, receipt)
            else:
                await inter.response.edit_message(content=receipt, embed=None, view=None)

        record = await self.bot.db.run(store.get_record, similar[0].record_id) if similar else None
        if record is None:
            await queue(interaction)
            return
        view = ResemblanceView(interaction.user.id, t, queue)
        await replies.ephemeral(
            interaction, t("disclosures.submit.resembles"), embed=record_embed(record, t), view=view
        )

    async def open_correction(self, interaction: discord.Interaction, record_id: str) -> None:
        await self.record_or_404(record_id)
        await interaction.response.send_modal(CorrectionModal(self, _text_for(interaction), record_id))

    async def receive_correction(
        self, interaction: discord.Interaction, record_id: str, *, what: str, sources: str
    ) -> None:
        t = _text_for(interaction)
        what, sources = plain(what), plain(sources)
        if not what.strip():
            raise BadInput("disclosures.errors.empty_field", field=t("disclosures.correct.what_label"))
        urls = _submitted_urls(sources, required=False)
        record = await self.record_or_404(record_id)
        submission_id = await self.bot.db.run(
            partial(
                submissions.create,
                kind="correction",
                guild_id=interaction.guild_id,
                guild_name=interaction.guild.name if interaction.guild else None,
                submitter_id=interaction.user.id,
                locale=str(interaction.locale),
                title=record["title"],
                notes=what.strip(),
                source_urls=urls,
                record_id=record_id,
            )
        )
        await replies.ephemeral(
            interaction,
            t(
                "disclosures.correct.receipt",
                id=submission_id,
                title=discord.utils.escape_markdown(record["title"]),
            ),
        )

    async def open_submission(
        self, interaction: discord.Interaction, *, title: str = "", source_url: str = "", notes: str = ""
    ) -> None:
        """Open the submit form, optionally pre-filled (e.g. from a news alert)."""
        modal = SubmitModal(self, _text_for(interaction), title=title, source_url=source_url, notes=notes)
        await interaction.response.send_modal(modal)


def _submitted_urls(text: str, *, required: bool) -> list[str]:
    try:
        return parse_urls(text, required=required)
    except RecordError as exc:
        if exc.reason == "":
            raise BadInput("disclosures.errors.no_sources") from None
        if exc.reason.startswith("more than"):
            raise BadInput("disclosures.errors.too_many_sources", count=10) from None
        raise BadInput("disclosures.errors.bad_url", url=clip(exc.reason, 100)) from None
