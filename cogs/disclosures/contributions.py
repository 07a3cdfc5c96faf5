"""Member contributions to the records: the submit form, corrections to a record, and their validation.

Members submit from anywhere `/disclosure` runs, including DMs and servers without Haikei (a command installed to
their account): a contribution records its server only when Haikei is in it (``server_of``), so a server's
moderators see in `/submissions` only what was sent from their server with Haikei there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from discord import app_commands

from bot import replies
from bot.checks import server_id
from bot.errors import UserFacingError
from bot.i18n import language_of
from bot.text import clean_input, clip, clip_lines, escape_markdown, is_blank
from bot.ui.paginator import Paginator
from cogs.disclosures import store, submissions
from cogs.disclosures.embeds import list_pages, problem_lines, record_embed, submission_lines
from cogs.disclosures.mixins import MixinMeta
from cogs.disclosures.records import RecordError, parse_urls
from cogs.disclosures.views import CorrectionModal, ReopenFormView, ResemblanceView, SubmitModal

if TYPE_CHECKING:
    from sqlite_utils import Database

    from bot.client import Interaction

RESEMBLES_SHOWN = 3  # at most this many existing records are named when a submission resembles them
# The submit form's boxes, as receive_submission names them; each is labelled disclosures.submit.<box>_label.
SUBMIT_BOXES = ("title", "companies", "uses", "sources", "notes")
# What a member may type in each box (Discord's client enforces these too; a forged submit may not).
SUBMIT_LIMITS = {"title": 200, "companies": 500, "uses": 1000, "notes": 1500}
CORRECTION_LIMIT = 1500


def _text_for(interaction: Interaction) -> Any:
    return partial(replies.text, interaction)


def server_of(interaction: Interaction) -> tuple[int | None, str | None]:
    """The server a contribution comes from, (id, name), when Haikei is in it; (None, None) elsewhere."""
    guild_id = server_id(interaction)
    guild = interaction.guild if guild_id is not None else None
    name = clean_input(guild.name, one_line=True) if guild is not None and guild.name else None
    return guild_id, name


def _check(problems: list[RecordError], box: str, value: str, *, limit: int, required: bool) -> None:
    if required and is_blank(value):
        problems.append(RecordError(box, "is required", code="required"))
    elif len(value) > limit:
        problems.append(RecordError(box, f"is longer than {limit}", code="too_long", count=limit))


def _urls(problems: list[RecordError], text: str, *, required: bool) -> list[str]:
    try:
        return parse_urls(text, required=required)
    except RecordError as exc:
        problems.extend(exc.problems)
        return []


class Contributions(MixinMeta):
    """Mixed into the Disclosures cog: members submit records and suggest corrections (queued for review)."""

    @app_commands.command(name="submit", description="Suggest a new record for Haikei's curators to review")
    async def submit(self, interaction: Interaction) -> None:
        await self.open_submission(interaction)

    @app_commands.command(name="mine", description="Your submissions and corrections, and where each stands")
    async def mine(self, interaction: Interaction) -> None:
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
        interaction: Interaction,
        *,
        title: str,
        companies: str,
        uses: str,
        sources: str,
        notes: str,
    ) -> None:
        """Check a member's submission (every problem at once, the form reopens with what was typed), warn
        when it resembles existing records (the matcher autocomplete uses), and queue it."""
        t = _text_for(interaction)
        typed = {"title": title, "companies": companies, "uses": uses, "sources": sources, "notes": notes}
        clean = {
            box: clean_input(value, one_line=box in ("title", "companies")) for box, value in typed.items()
        }
        problems: list[RecordError] = []
        for box, limit in SUBMIT_LIMITS.items():
            _check(problems, box, clean[box], limit=limit, required=box in ("title", "uses"))
        urls = _urls(problems, clean["sources"], required=True)
        if problems:
            labels = {box: t(f"disclosures.submit.{box}_label") for box in SUBMIT_BOXES}

            async def reopen(inter: Interaction) -> None:
                await inter.response.send_modal(SubmitModal(self, _text_for(inter), **typed))

            await self.form_problems(interaction, problems, labels, reopen)
            return
        similar = self.index.suggest(clean["title"], limit=RESEMBLES_SHOWN)
        guild_id, guild_name = server_of(interaction)
        fields = {
            "kind": "new",
            "guild_id": guild_id,
            "guild_name": guild_name,
            "submitter_id": interaction.user.id,
            "locale": str(interaction.locale),
            "title": clean["title"],
            "companies": clean["companies"] or None,
            "ai_uses": clean["uses"],
            "notes": clean["notes"] or None,
            "source_urls": urls,
            "similar_record_id": similar[0].record_id if similar else None,
        }

        async def queue(inter: Interaction) -> None:
            submission_id = await self.queue_once(partial(submissions.create, **fields))
            receipt = t("disclosures.submit.receipt", id=submission_id)
            if inter is interaction:
                await replies.ephemeral(inter, receipt)
            else:
                await inter.response.edit_message(content=receipt, embed=None, view=None)

        record = await self.bot.db.run(store.get_record, similar[0].record_id) if similar else None
        if record is None:
            await queue(interaction)
            return
        text = t("disclosures.submit.resembles")
        if len(similar) > 1:
            language = language_of(interaction.locale)
            others = [
                f"• {escape_markdown(self.index.title_in(m.record_id, language) or m.title)}"
                f" (`{m.record_id}`)"
                for m in similar[1:]
            ]
            text += "\n" + t("disclosures.submit.also_close", titles=clip_lines(others, 1000))
        view = ResemblanceView(interaction.user.id, t, queue)
        embed = record_embed(record, t, language=language_of(interaction.locale))
        await view.send(interaction, clip(text, 2000), embed=embed, ephemeral=True)

    async def open_correction(self, interaction: Interaction, record_id: str) -> None:
        await self.record_or_404(record_id)
        await interaction.response.send_modal(CorrectionModal(self, _text_for(interaction), record_id))

    async def receive_correction(
        self, interaction: Interaction, record_id: str, *, what: str, sources: str
    ) -> None:
        """Check a member's correction (every problem at once, what was typed kept) and queue it."""
        t = _text_for(interaction)
        note = clean_input(what)
        problems: list[RecordError] = []
        _check(problems, "what", note, limit=CORRECTION_LIMIT, required=True)
        urls = _urls(problems, clean_input(sources), required=False)
        if problems:
            labels = {
                "what": t("disclosures.correct.what_label"),
                "sources": t("disclosures.correct.sources_label"),
            }

            async def reopen(inter: Interaction) -> None:
                modal = CorrectionModal(self, _text_for(inter), record_id, what=what, sources=sources)
                await inter.response.send_modal(modal)

            await self.form_problems(interaction, problems, labels, reopen)
            return
        record = await self.record_or_404(record_id)
        guild_id, guild_name = server_of(interaction)
        submission_id = await self.queue_once(
            partial(
                submissions.create,
                kind="correction",
                guild_id=guild_id,
                guild_name=guild_name,
                submitter_id=interaction.user.id,
                locale=str(interaction.locale),
                title=record["title"],
                notes=note,
                source_urls=urls,
                record_id=record_id,
            )
        )
        await replies.ephemeral(
            interaction,
            t(
                "disclosures.correct.receipt",
                id=submission_id,
                title=escape_markdown(record["title"]),
            ),
        )

    async def queue_once(self, create: Callable[[Database], int]) -> int:
        """Queue a submission; the same one sent again while pending is refused, naming the queued one."""
        try:
            return await self.bot.db.run(create)
        except submissions.AlreadyQueued as exc:
            raise UserFacingError("disclosures.submit.already_queued", id=exc.submission_id) from exc

    async def form_problems(
        self,
        interaction: Interaction,
        problems: list[RecordError],
        labels: dict[str, str],
        reopen: Callable[[Interaction], Awaitable[None]],
    ) -> None:
        """List every problem of a member's form at once, with a button that reopens it as it was typed."""
        t = _text_for(interaction)
        lines = [
            t("disclosures.form.member_problems", count=len(problems)),
            *problem_lines(problems, t, labels),
        ]
        view = ReopenFormView(interaction.user.id, t("disclosures.button.reopen"), reopen)
        await view.send(interaction, clip_lines(lines, 2000), ephemeral=True)

    async def open_submission(
        self, interaction: Interaction, *, title: str = "", source_url: str = "", notes: str = ""
    ) -> None:
        """Open the submit form, optionally pre-filled (e.g. from a news alert)."""
        modal = SubmitModal(self, _text_for(interaction), title=title, source_url=source_url, notes=notes)
        await interaction.response.send_modal(modal)
