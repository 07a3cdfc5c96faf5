"""The review queue, one card at a time and in place: each decision turns the card into the next item.

Mixed into the Curation cog. Every button checks on our side that the clicker is a curator (the views'
``interaction_check``) and that the item is still pending: a stale card says who decided it and when, then
shows the next item instead.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import discord

from bot import replies
from bot.errors import BadInput
from bot.text import clean_input, clip, escape_markdown
from cogs.disclosures import forms, store, submissions
from cogs.disclosures.audit import Actor
from cogs.disclosures.embeds import problem_lines, submission_embed
from cogs.disclosures.mixins import MixinMeta
from cogs.disclosures.problems import RecordError
from cogs.disclosures.record_form import Draft, DraftView
from cogs.disclosures.views import OneFieldModal, ReviewView

if TYPE_CHECKING:
    from bot.client import Interaction
    from cogs.disclosures.records import RecordError

log = logging.getLogger(__name__)

CLOSEST_ON_CARD = 3  # existing records shown on a new submission's card


def _t(interaction: Interaction) -> Any:
    return partial(replies.text, interaction)


def curator(interaction: Interaction) -> Actor:
    """The acting curator, for the audit trail (who, as what, from which server)."""
    return Actor(interaction.user.id, "curator", interaction.guild_id)


def this_year() -> str:
    return str(datetime.now(UTC).year)


class ReviewQueue(MixinMeta):
    """The queue card and the decisions taken on it (approve through the record form, reject, merge).

    The cog provides the record form's owner (``DraftOwner``: checking, saving and leaving a draft) and the
    name of the server a submission came from."""

    @abstractmethod
    def server_name(self, submission: dict[str, Any]) -> str | None:
        """The name of the server ``submission`` came from, when Haikei is still in it."""

    @abstractmethod
    async def check_draft(self, draft: Draft) -> tuple[dict[str, Any] | None, list[RecordError]]:
        """The record the draft makes, or None and its problems."""

    @abstractmethod
    async def save_draft(self, interaction: Interaction, view: DraftView, record: dict[str, Any]) -> None:
        """Publish (a submission's draft) or save (an edit) ``record``."""

    @abstractmethod
    async def leave_draft(self, interaction: Interaction, view: DraftView) -> None:
        """Back to the queue card, or nothing changed."""

    # ----- the card -----------------------------------------------------------------------
    async def show_queue(
        self,
        interaction: Interaction,
        *,
        after_id: int,
        edit: bool,
        note: str | None = None,
        replacing: discord.ui.View | None = None,
    ) -> None:
        """Show the next pending item (after ``after_id``) with its buttons, or say the queue is empty;
        ``edit`` turns the message the interaction came from into it, under ``note`` (what just happened)."""
        t = _t(interaction)
        if replacing is not None:
            replacing.stop()
        row = await self.bot.db.run(partial(submissions.next_pending, after_id=after_id))
        embed: discord.Embed | None = None
        view: discord.ui.View | None = None
        content = note
        if row is None:
            content = "\n".join(part for part in (note, t("disclosures.review.empty")) if part)
        else:
            pending = await self.bot.db.run(submissions.pending_count)
            record_title = self.index.title_of(row["record_id"]) if row["record_id"] else None
            embed = submission_embed(
                row,
                t,
                record_title=record_title,
                pending=pending,
                server=self.server_name(row),
                closest=self.closest(row),
            )
            view = ReviewView(self, row, t)
        if edit and view is not None:
            await view.edit_into(
                interaction,
                content=clip(content, 2000) if content else None,
                embed=embed,
                allowed_mentions=replies.NO_PINGS,
            )
        elif edit:
            await interaction.response.edit_message(
                content=clip(content, 2000) if content else None,
                embed=embed,
                view=None,
                allowed_mentions=replies.NO_PINGS,
            )
        elif embed is not None and view is not None:
            await view.send(interaction, content, embed=embed, ephemeral=True)
        else:
            await replies.ephemeral(interaction, content)

    def closest(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        """The existing records a new submission resembles (title, id), by the matcher autocomplete uses."""
        if row["kind"] != "new" or not row.get("title"):
            return []
        found = [(m.title, m.record_id) for m in self.index.suggest(row["title"], limit=CLOSEST_ON_CARD)]
        similar: str | None = row.get("similar_record_id")
        if similar and similar not in {record_id for _, record_id in found}:
            title = self.index.title_of(similar)
            if title:
                found.append((title, similar))
        return found

    def decided_note(self, interaction: Interaction, submission_id: int, row: dict[str, Any] | None) -> str:
        """Who decided a submission already, and when (or that it is gone)."""
        t = _t(interaction)
        if row is None or row["state"] == "pending":
            return t("disclosures.review.decided.missing", submission=submission_id)
        decided_by = row.get("decided_by")
        if decided_by is None:
            who = t("disclosures.review.decided.someone")
        elif decided_by == interaction.user.id:
            who = t("disclosures.review.decided.you", user=f"<@{decided_by}>")
        else:
            who = f"<@{decided_by}>"
        try:
            when = f"<t:{int(datetime.fromisoformat(row['decided_at']).timestamp())}:f>"
        except (TypeError, ValueError):
            when = "?"
        return t(f"disclosures.review.decided.{row['state']}", submission=submission_id, who=who, when=when)

    async def still_pending(
        self, interaction: Interaction, submission: dict[str, Any], view: discord.ui.View
    ) -> bool:
        """True if the item can still be decided; otherwise the card says who decided it and moves on."""
        row = await self.bot.db.run(submissions.get, submission["id"])
        if row is not None and row["state"] == "pending":
            return True
        note = self.decided_note(interaction, submission["id"], row)
        await self.show_queue(interaction, after_id=submission["id"], edit=True, note=note, replacing=view)
        return False

    async def decide(
        self,
        interaction: Interaction,
        view: discord.ui.View,
        decide: Callable[..., Any],
        submission: dict[str, Any],
        detail: Any,
    ) -> bool:
        """Record the decision; False (after the card says who was first) if it was already decided."""
        try:
            await self.bot.db.run(partial(decide, actor=curator(interaction)), submission["id"], detail)
        except RecordError as exc:  # the record it would write breaks a limit: nothing was changed
            lines = problem_lines(exc.problems, _t(interaction), {})
            raise BadInput(
                "disclosures.review.refused", submission=submission["id"], problems="\n".join(lines)
            ) from exc
        except store.StaleRecord as exc:  # the record changed or went since the draft began: nothing written
            key = "disclosures.edit.stale_deleted" if exc.deleted else "disclosures.edit.stale_changed"
            raise BadInput(
                key,
                title=escape_markdown(clip(str(submission.get("title") or exc.record_id), 200)),
                id=exc.record_id,
            ) from exc
        except submissions.AlreadyDecided:
            row = await self.bot.db.run(submissions.get, submission["id"])
            note = self.decided_note(interaction, submission["id"], row)
            await self.show_queue(
                interaction, after_id=submission["id"], edit=True, note=note, replacing=view
            )
            return False
        return True

    # ----- decisions ----------------------------------------------------------------------
    async def review_approve(
        self, interaction: Interaction, submission: dict[str, Any], view: discord.ui.View
    ) -> None:
        """Turn the card into the record form: prefilled from the record (correction) or the submission."""
        if not await self.still_pending(interaction, submission, view):
            return
        view.stop()
        if submission["kind"] == "correction":
            stored = await self.record_or_404(submission["record_id"])
            draft = Draft(
                forms.correction(stored, submission),
                this_year(),
                stored=stored,
                submission=submission,
                version=store.version_of(stored),
            )
        else:
            draft = Draft(forms.draft(submission, this_year()), this_year(), submission=submission)
        await DraftView(self, draft, _t(interaction)).show(interaction)

    async def publish(self, interaction: Interaction, view: DraftView, record: dict[str, Any]) -> None:
        """Publish the drafted record for its submission, then show the next item in place."""
        submission = view.draft.submission
        assert submission is not None
        approve = partial(submissions.approve, expected=view.draft.version)
        if not await self.decide(interaction, view, approve, submission, record):
            return
        self.index.put(record["id"], [record["title"], *(a["title"] for a in record["alt_titles"])])
        log.info(
            "Submission %s approved as %s by curator %s", submission["id"], record["id"], interaction.user.id
        )
        note = _t(interaction)(
            "disclosures.review.approved",
            title=escape_markdown(record["title"]),
            id=record["id"],
            submission=submission["id"],
        )
        await self.show_queue(interaction, after_id=submission["id"], edit=True, note=note, replacing=view)
        await self.notify_submitter(
            submission, "disclosures.dm.approved", title=escape_markdown(clip(record["title"], 200))
        )

    async def review_reject(
        self, interaction: Interaction, submission: dict[str, Any], view: discord.ui.View
    ) -> None:
        if not await self.still_pending(interaction, submission, view):
            return
        t = _t(interaction)

        async def done(inter: Interaction, typed: str) -> None:
            reason = clean_input(typed)
            if not reason:
                raise BadInput("disclosures.errors.empty_field", field=t("disclosures.review.reject_reason"))
            if not await self.decide(inter, view, submissions.reject, submission, reason):
                return
            note = t("disclosures.review.rejected", submission=submission["id"])
            await self.show_queue(inter, after_id=submission["id"], edit=True, note=note, replacing=view)
            await self.notify_submitter(submission, "disclosures.dm.rejected", reason=reason)

        modal = OneFieldModal(
            t("disclosures.review.reject_title"), t("disclosures.review.reject_reason"), done, long=True
        )
        await interaction.response.send_modal(modal)

    async def review_merge(
        self, interaction: Interaction, submission: dict[str, Any], view: discord.ui.View
    ) -> None:
        if not await self.still_pending(interaction, submission, view):
            return
        t = _t(interaction)

        async def done(inter: Interaction, target_id: str) -> None:
            target = await self.record_or_404(clean_input(target_id, one_line=True))
            if not await self.decide(inter, view, submissions.merge, submission, target["id"]):
                return
            merged = await self.record_or_404(target["id"])
            self.index.put(merged["id"], [merged["title"], *(a["title"] for a in merged["alt_titles"])])
            note = t(
                "disclosures.review.merged",
                submission=submission["id"],
                title=escape_markdown(merged["title"]),
                id=merged["id"],
            )
            await self.show_queue(inter, after_id=submission["id"], edit=True, note=note, replacing=view)
            await self.notify_submitter(
                submission, "disclosures.dm.merged", title=escape_markdown(clip(merged["title"], 200))
            )

        default = submission.get("record_id") or submission.get("similar_record_id") or ""
        if not default and submission.get("title"):
            best = self.index.suggest(submission["title"], limit=1)
            default = best[0].record_id if best else ""
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
