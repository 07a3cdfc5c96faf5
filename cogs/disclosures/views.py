"""Buttons and modals: persistent record buttons (DynamicItems), the submit/correct/review forms."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, get_args

import discord

from bot import replies
from bot.checks import require_curator
from bot.errors import ErrorReportingModal, ErrorReportingView, UserFacingError
from bot.text import clip
from bot.ui.persistent import Persistent, text
from bot.ui.timeouts import PRIVATE_VIEW_TIMEOUT

if TYPE_CHECKING:
    from bot.client import Interaction
    from cogs.disclosures.cog import Disclosures
    from cogs.disclosures.contributions import Contributions
    from cogs.disclosures.review import ReviewQueue

log = logging.getLogger(__name__)

MODAL_TITLE_LIMIT = 45
LABEL_LIMIT = 45
VIEW_TIMEOUT = PRIVATE_VIEW_TIMEOUT  # a private view is disabled on its message while its token still works
RECORD_ID = text(r"[a-z0-9][a-z0-9-]{1,79}")
# ReviewView's buttons, each labelled disclosures.button.<name> (and named so in its custom_id).
ReviewButton = Literal["approve", "reject", "merge", "skip"]
REVIEW_BUTTONS: tuple[ReviewButton, ...] = get_args(ReviewButton)


def _cog(interaction: Interaction) -> Disclosures:
    from cogs.disclosures.cog import Disclosures  # imported here: the cog imports this module

    cog = interaction.client.get_cog("Disclosures")
    if not isinstance(cog, Disclosures):
        raise UserFacingError("errors.unexpected")
    return cog


class SourcesButton(Persistent[discord.ui.Button], custom_id="disc:src:{record_id}", record_id=RECORD_ID):
    """'All sources' under a record: an ephemeral, paged list (works after restarts)."""

    record_id: str

    def __init__(self, record_id: str, label: str = "All sources") -> None:
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.secondary), record_id=record_id
        )

    async def run(self, interaction: Interaction) -> None:
        await _cog(interaction).send_sources(interaction, self.record_id)


class CorrectButton(Persistent[discord.ui.Button], custom_id="disc:fix:{record_id}", record_id=RECORD_ID):
    """'Suggest a correction' under a record: opens a modal that queues a correction for review."""

    record_id: str

    def __init__(self, record_id: str, label: str = "Suggest a correction") -> None:
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.secondary), record_id=record_id
        )

    async def run(self, interaction: Interaction) -> None:
        await _cog(interaction).open_correction(interaction, self.record_id)


def record_buttons(record_id: str, t: Callable[..., str]) -> discord.ui.View:
    """The two persistent buttons shown under every record."""
    view = discord.ui.View(timeout=None)
    view.add_item(SourcesButton(record_id, clip(t("disclosures.button.sources"), 80)))
    view.add_item(CorrectButton(record_id, clip(t("disclosures.button.correct"), 80)))
    return view


def _input(
    label: str, *, long: bool = False, required: bool = True, max_length: int = 4000, default: str = ""
) -> discord.ui.TextInput:
    return discord.ui.TextInput(
        label=clip(label, LABEL_LIMIT),
        style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
        required=required,
        max_length=max_length,
        default=default[:max_length] or None,
    )


class SubmitModal(ErrorReportingModal):
    """A member's new record: title, companies, AI use, sources, notes."""

    def __init__(self, cog: Contributions, t: Callable[..., str], **defaults: str) -> None:
        super().__init__(title=clip(t("disclosures.submit.modal_title"), MODAL_TITLE_LIMIT))
        self.cog = cog
        self.work = _input(
            t("disclosures.submit.title_label"), max_length=200, default=defaults.get("title", "")
        )
        self.companies = _input(
            t("disclosures.submit.companies_label"),
            required=False,
            max_length=500,
            default=defaults.get("companies", ""),
        )
        self.uses = _input(
            t("disclosures.submit.uses_label"), long=True, max_length=1000, default=defaults.get("uses", "")
        )
        self.sources = _input(
            t("disclosures.submit.sources_label"),
            long=True,
            max_length=2000,
            default=defaults.get("sources") or defaults.get("source_url", ""),
        )
        self.notes = _input(
            t("disclosures.submit.notes_label"),
            long=True,
            required=False,
            max_length=1500,
            default=defaults.get("notes", ""),
        )
        for item in (self.work, self.companies, self.uses, self.sources, self.notes):
            self.add_item(item)

    async def on_submit(self, interaction: Interaction) -> None:
        await self.cog.receive_submission(
            interaction,
            title=self.work.value,
            companies=self.companies.value,
            uses=self.uses.value,
            sources=self.sources.value,
            notes=self.notes.value,
        )


class CorrectionModal(ErrorReportingModal):
    """A member's correction to a published record."""

    def __init__(
        self, cog: Contributions, t: Callable[..., str], record_id: str, *, what: str = "", sources: str = ""
    ) -> None:
        super().__init__(title=clip(t("disclosures.correct.modal_title"), MODAL_TITLE_LIMIT))
        self.cog = cog
        self.record_id = record_id
        self.what = _input(t("disclosures.correct.what_label"), long=True, max_length=1500, default=what)
        self.sources = _input(
            t("disclosures.correct.sources_label"),
            long=True,
            required=False,
            max_length=2000,
            default=sources,
        )
        self.add_item(self.what)
        self.add_item(self.sources)

    async def on_submit(self, interaction: Interaction) -> None:
        await self.cog.receive_correction(
            interaction, self.record_id, what=self.what.value, sources=self.sources.value
        )


class ResemblanceView(ErrorReportingView):
    """'This looks like an existing record': the member may still submit, or cancel."""

    def __init__(
        self, owner_id: int, t: Callable[..., str], submit: Callable[[Interaction], Awaitable[None]]
    ) -> None:
        super().__init__(timeout=600)
        self.owner_id = owner_id
        self._submit = submit
        self.anyway.label = clip(t("disclosures.button.submit_anyway"), 80)
        self.cancel.label = clip(t("disclosures.button.cancel"), 80)

    async def interaction_check(self, interaction: Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            raise UserFacingError("errors.not_yours")
        return True

    @discord.ui.button(label="Submit anyway", style=discord.ButtonStyle.primary)
    async def anyway(self, interaction: Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await self._submit(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=replies.text(interaction, "disclosures.submit.cancelled"), embed=None, view=None
        )


class ReopenFormView(ErrorReportingView):
    """After a form's problems are listed: reopen the same form with what was typed."""

    def __init__(self, owner_id: int, label: str, reopen: Callable[[Interaction], Awaitable[None]]) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.owner_id = owner_id
        self._reopen = reopen
        self.again.label = clip(label, 80)

    async def interaction_check(self, interaction: Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            raise UserFacingError("errors.not_yours")
        return True

    @discord.ui.button(label="Reopen the form", style=discord.ButtonStyle.primary)
    async def again(self, interaction: Interaction, _: discord.ui.Button) -> None:
        await self._reopen(interaction)


class OneFieldModal(ErrorReportingModal):
    """A single required text box for a curator (reject reason, merge target)."""

    def __init__(
        self,
        title: str,
        label: str,
        done: Callable[[Interaction, str], Awaitable[None]],
        *,
        default: str = "",
        max_length: int = 500,
        long: bool = False,
    ) -> None:
        super().__init__(title=clip(title, MODAL_TITLE_LIMIT))
        self._done = done
        self.field = _input(label, long=long, max_length=max_length, default=default)
        self.field.custom_id = "value"
        self.add_item(self.field)

    async def on_submit(self, interaction: Interaction) -> None:
        await require_curator(interaction)
        await self._done(interaction, self.field.value)


class ReviewView(ErrorReportingView):
    """Approve / Reject / Merge / Next for one queue item; curators only. Every button first checks that the
    item is still pending (a stale card says who decided it, and when, and moves on)."""

    def __init__(self, cog: ReviewQueue, submission: dict[str, Any], t: Callable[..., str]) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.cog = cog
        self.submission = submission
        buttons: tuple[tuple[discord.ui.Button, ReviewButton], ...] = (
            (self.approve, "approve"),
            (self.reject, "reject"),
            (self.merge, "merge"),
            (self.skip, "skip"),
        )
        for button, key in buttons:
            button.label = clip(t(f"disclosures.button.{key}"), 80)
            button.custom_id = f"disc:review:{key}:{submission['id']}"

    async def interaction_check(self, interaction: Interaction) -> bool:
        await require_curator(interaction)
        return True

    @discord.ui.button(label="Approve", style=discord.ButtonStyle.success)
    async def approve(self, interaction: Interaction, _: discord.ui.Button) -> None:
        await self.cog.review_approve(interaction, self.submission, self)

    @discord.ui.button(label="Reject", style=discord.ButtonStyle.danger)
    async def reject(self, interaction: Interaction, _: discord.ui.Button) -> None:
        await self.cog.review_reject(interaction, self.submission, self)

    @discord.ui.button(label="Merge", style=discord.ButtonStyle.secondary)
    async def merge(self, interaction: Interaction, _: discord.ui.Button) -> None:
        await self.cog.review_merge(interaction, self.submission, self)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def skip(self, interaction: Interaction, _: discord.ui.Button) -> None:
        await self.cog.show_queue(interaction, after_id=self.submission["id"], edit=True, replacing=self)
