"""`/curate review|edit|history|delete|restore`: the curators' side of the records every server shares.

A cog of its own so its commands form their own top-level group, which Discord can hide from members
(``default_permissions`` is ignored on subcommands) and which is registered only in ``CURATOR_GUILD_ID`` when
that is set. Every command, button and modal checks ``is_curator`` on our side regardless.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from bot import replies
from bot.checks import curator_only, staff_group
from bot.errors import BadInput, NotFound
from bot.options import RowId
from bot.text import clip
from bot.ui.confirm import ask
from bot.ui.paginator import Paginator
from cogs.disclosures import audit, forms, store, submissions
from cogs.disclosures.audit import Actor
from cogs.disclosures.embeds import history_pages, record_embed, submission_embed
from cogs.disclosures.english import ENGLISH
from cogs.disclosures.records import RecordError, slugify
from cogs.disclosures.views import OneFieldModal, RecordFormModal, ReopenFormView, ReviewView

if TYPE_CHECKING:
    from bot.client import Haikei
    from cogs.disclosures.cog import Disclosures
    from cogs.disclosures.search import TitleIndex

log = logging.getLogger(__name__)

Save = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]


def _t(interaction: discord.Interaction) -> Any:
    return partial(replies.text, interaction)


def curator(interaction: discord.Interaction) -> Actor:
    """The acting curator, for the audit trail (who, as what, from which server)."""
    return Actor(interaction.user.id, "curator", interaction.guild_id)


class Curation(commands.Cog):
    """Review queue, edit, history, delete and restore of the shared records: curators only."""

    feature_key = "disclosures"

    def __init__(self, bot: Haikei, records: Disclosures) -> None:
        self.bot = bot
        self.records = records

    @property
    def index(self) -> TitleIndex:
        return self.records.index

    async def record_or_404(self, record_id: str) -> dict[str, Any]:
        return await self.records.record_or_404(record_id)

    curate = staff_group("curate", ENGLISH["cmd.curate.description"])

    # ----- review queue -------------------------------------------------------------------
    @curate.command(name="review", description=ENGLISH["cmd.curate.review.description"])
    @curator_only()
    async def review(self, interaction: discord.Interaction) -> None:
        await self.show_queue(interaction, after_id=0, edit=False)

    async def show_queue(self, interaction: discord.Interaction, *, after_id: int, edit: bool) -> None:
        """Show the next pending item (after ``after_id``) with its review buttons."""
        t = _t(interaction)
        row = await self.bot.db.run(partial(submissions.next_pending, after_id=after_id))
        if row is None:
            if edit:
                await interaction.response.edit_message(
                    content=t("disclosures.review.empty"), embed=None, view=None
                )
            else:
                await replies.ephemeral(interaction, t("disclosures.review.empty"))
            return
        pending = await self.bot.db.run(submissions.pending_count)
        record_title = self.index.title_of(row["record_id"]) if row["record_id"] else None
        embed = submission_embed(
            row, t, record_title=record_title, pending=pending, server=self.server_name(row)
        )
        view = ReviewView(self, row, t)
        if edit:
            await interaction.response.edit_message(content=None, embed=embed, view=view)
        else:
            await replies.ephemeral(interaction, embed=embed, view=view)

    async def review_approve(self, interaction: discord.Interaction, submission: dict[str, Any]) -> None:
        """Open the record form: prefilled from the record (correction) or the submission (new)."""
        stored = None
        if submission["kind"] == "correction":
            stored = await self.record_or_404(submission["record_id"])
            values = forms.render(stored)
        else:
            values = forms.draft(submission, slugify(submission["title"] or "", str(datetime.now(UTC).year)))

        async def save(inter: discord.Interaction, typed: dict[str, str]) -> None:
            await self._publish(inter, submission, typed, stored, save)

        await interaction.response.send_modal(RecordFormModal(_t(interaction), values, save))

    async def _publish(
        self,
        interaction: discord.Interaction,
        submission: dict[str, Any],
        typed: dict[str, str],
        stored: dict[str, Any] | None,
        save: Save,
    ) -> None:
        t = _t(interaction)
        try:
            record = forms.parse(typed, stored=stored)
            if stored is None and await self.bot.db.run(
                partial(store.get_record, include_hidden=True), record["id"]
            ):
                raise RecordError("id", f"{record['id']} is already used by another record")
        except RecordError as exc:
            await self._form_error(interaction, exc, typed, save)
            return
        if not await self._decide(interaction, t, submissions.approve, submission, record):
            return
        self.index.put(record["id"], store.titles_of(record))
        log.info(
            "Submission %s approved as %s by curator %s", submission["id"], record["id"], interaction.user.id
        )
        await replies.ephemeral(
            interaction,
            t(
                "disclosures.review.approved",
                title=record["title"],
                id=record["id"],
                submission=submission["id"],
            ),
        )
        await self.notify_submitter(submission, "disclosures.dm.approved", title=record["title"])

    async def _decide(
        self,
        interaction: discord.Interaction,
        t: Any,
        decide: Callable[..., Any],
        submission: dict[str, Any],
        detail: Any,
    ) -> bool:
        """Record the curator's decision on a submission; False (after saying so) if it was already decided."""
        try:
            await self.bot.db.run(partial(decide, actor=curator(interaction)), submission["id"], detail)
        except submissions.AlreadyDecided:
            await replies.ephemeral(interaction, t("disclosures.review.already", submission=submission["id"]))
            return False
        return True

    async def _form_error(
        self, interaction: discord.Interaction, error: RecordError, typed: dict[str, str], save: Save
    ) -> None:
        """Explain what is wrong and offer to reopen the form with what was typed."""
        t = _t(interaction)

        async def reopen(inter: discord.Interaction) -> None:
            await inter.response.send_modal(RecordFormModal(t, typed, save))

        view = ReopenFormView(interaction.user.id, t("disclosures.button.reopen"), reopen)
        text = t("disclosures.review.form_error", field=error.field, reason=clip(error.reason, 300))
        await replies.ephemeral(interaction, text, view=view)

    async def review_reject(self, interaction: discord.Interaction, submission: dict[str, Any]) -> None:
        t = _t(interaction)

        async def done(inter: discord.Interaction, reason: str) -> None:
            reason = reason.strip()
            if not reason:
                raise BadInput("disclosures.errors.empty_field", field=t("disclosures.review.reject_reason"))
            if not await self._decide(inter, t, submissions.reject, submission, reason):
                return
            await replies.ephemeral(inter, t("disclosures.review.rejected", submission=submission["id"]))
            await self.notify_submitter(submission, "disclosures.dm.rejected", reason=reason)

        modal = OneFieldModal(
            t("disclosures.review.reject_title"), t("disclosures.review.reject_reason"), done, long=True
        )
        await interaction.response.send_modal(modal)

    async def review_merge(self, interaction: discord.Interaction, submission: dict[str, Any]) -> None:
        t = _t(interaction)

        async def done(inter: discord.Interaction, target_id: str) -> None:
            target = await self.record_or_404(target_id.strip())
            if not await self._decide(inter, t, submissions.merge, submission, target["id"]):
                return
            merged = await self.record_or_404(target["id"])
            self.index.put(merged["id"], store.titles_of(merged))
            await replies.ephemeral(
                inter,
                t(
                    "disclosures.review.merged",
                    submission=submission["id"],
                    title=merged["title"],
                    id=merged["id"],
                ),
            )
            await self.notify_submitter(submission, "disclosures.dm.merged", title=merged["title"])

        default = submission.get("record_id") or submission.get("similar_record_id") or ""
        modal = OneFieldModal(
            t("disclosures.review.merge_title"),
            t("disclosures.review.merge_target"),
            done,
            default=default,
            max_length=80,
        )
        await interaction.response.send_modal(modal)

    async def notify_submitter(self, submission: dict[str, Any], key: str, **params: Any) -> None:
        """DM the submitter in their language; a closed DM (403) or any HTTP failure is logged, not fatal."""
        text = self.bot.i18n.text(
            key, submission.get("locale") or "en-US", submission=submission["id"], **params
        )
        try:
            user = self.bot.get_user(submission["submitter_id"]) or await self.bot.fetch_user(
                submission["submitter_id"]
            )
            await user.send(clip(text, 2000), allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            log.info(
                "Could not DM submitter %s about submission %s (DMs closed)",
                submission["submitter_id"],
                submission["id"],
            )
        except discord.HTTPException as exc:
            log.warning("DM to submitter %s failed: %s", submission["submitter_id"], exc)

    # ----- edit / history / delete ------------------------------------------------------------
    @curate.command(name="edit", description=ENGLISH["cmd.curate.edit.description"])
    @app_commands.describe(id=ENGLISH["cmd.curate.edit.id.description"])
    @curator_only()
    async def edit(self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 100]) -> None:
        stored = await self.record_or_404(id)

        async def save(inter: discord.Interaction, typed: dict[str, str]) -> None:
            try:
                record = forms.parse(typed, stored=stored)
            except RecordError as exc:
                await self._form_error(inter, exc, typed, save)
                return
            saved = await self.bot.db.run(
                partial(store.save_record, actor=curator(inter), action="edit"), record
            )
            self.index.put(saved["id"], store.titles_of(saved))
            t = _t(inter)
            await replies.ephemeral(
                inter,
                t("disclosures.edit.saved", title=saved["title"], id=saved["id"]),
                embed=record_embed(saved, t),
            )

        modal = RecordFormModal(
            _t(interaction), forms.render(stored), save, title_key="disclosures.edit.title"
        )
        await interaction.response.send_modal(modal)

    @curate.command(name="history", description=ENGLISH["cmd.curate.history.description"])
    @app_commands.describe(id=ENGLISH["cmd.curate.history.id.description"])
    @curator_only()
    async def history(self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 100]) -> None:
        record_id = id.strip()
        entries = await self.bot.db.run(audit.history, record_id)
        t = _t(interaction)
        if not entries:
            await replies.ephemeral(interaction, t("disclosures.history.empty", id=clip(record_id, 100)))
            return
        pages = history_pages(record_id, entries, t, server=self.guild_label)
        await Paginator(interaction.user.id, pages).start(interaction, ephemeral=True)

    @curate.command(name="delete", description=ENGLISH["cmd.curate.delete.description"])
    @app_commands.describe(id=ENGLISH["cmd.curate.delete.id.description"])
    @curator_only()
    async def delete(self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 100]) -> None:
        record = await self.record_or_404(id)
        t = _t(interaction)
        answer = await ask(
            interaction, t("disclosures.delete.confirm", title=record["title"], id=record["id"])
        )
        followup = (answer.clicked or interaction).followup
        if not answer.value:
            key = "ui.cancelled" if answer.value is False else "ui.timed_out"
            await followup.send(t(key), ephemeral=True)
            return
        await self.bot.db.run(partial(store.delete_record, actor=curator(interaction)), record["id"])
        self.index.remove(record["id"])
        await followup.send(
            t("disclosures.delete.done", title=record["title"], id=record["id"]), ephemeral=True
        )

    @curate.command(name="restore", description=ENGLISH["cmd.curate.restore.description"])
    @app_commands.describe(
        id=ENGLISH["cmd.curate.restore.id.description"],
        entry=ENGLISH["cmd.curate.restore.entry.description"],
    )
    @curator_only()
    async def restore(
        self,
        interaction: discord.Interaction,
        id: app_commands.Range[str, 1, 100],
        entry: RowId | None = None,
    ) -> None:
        record_id = id.strip()
        t = _t(interaction)
        try:
            record = await self.bot.db.run(
                partial(store.restore_record, actor=curator(interaction), entry_id=entry), record_id
            )
        except store.RestoreError as exc:
            raise NotFound(
                f"disclosures.restore.{exc.reason}", id=clip(record_id, 100), entry=entry
            ) from None
        except RecordError as exc:
            raise BadInput("disclosures.restore.invalid", reason=clip(exc.reason, 300)) from None
        self.index.put(record["id"], store.titles_of(record))
        await replies.ephemeral(
            interaction,
            t("disclosures.restore.done", title=record["title"], id=record["id"]),
            embed=record_embed(record, t),
        )

    @restore.autocomplete("id")
    async def _restore_id(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        deleted = await self.bot.db.run(audit.deleted_ids, current.strip())
        live = self.records.title_choices(current)[: max(0, 25 - len(deleted))]
        return [Choice(name=f"{record_id} (deleted)", value=record_id) for record_id in deleted] + live

    @edit.autocomplete("id")
    @history.autocomplete("id")
    @delete.autocomplete("id")
    async def _record_id(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return self.records.title_choices(current)

    # ----- where things came from ---------------------------------------------------------
    def guild_label(self, guild_id: int | None) -> str | None:
        """A server's name when the bot knows it (else its id); None outside a server."""
        if guild_id is None:
            return None
        guild = self.bot.get_guild(guild_id)
        return f"{guild.name} ({guild_id})" if guild else str(guild_id)

    def server_name(self, submission: dict[str, Any]) -> str | None:
        """Which server a submission came from (the name it had then, when the bot is no longer there)."""
        guild_id = submission.get("guild_id")
        if guild_id is None:
            return None
        guild = self.bot.get_guild(guild_id)
        name = guild.name if guild else submission.get("guild_name")
        return f"{name} ({guild_id})" if name else str(guild_id)
