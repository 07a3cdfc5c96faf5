"""The curator's record form: a draft shown in place (of the queue card, or as `/curate edit`'s answer).

The draft message lists every problem at once, or shows the record as members will see it. Its buttons open
two modals built from discord.py 2.6+ ``Label`` components: *facts* (selects with the allowed values for
status, medium, AI uses and confidence; the date typed) and *text* (titles, companies, sources, summary,
credit), plus the id of a new record. What was typed stays in the draft whatever is wrong with it. Every
button and modal checks ``require_curator`` on our side.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args

import discord

if TYPE_CHECKING:
    from bot.client import Interaction

from bot import replies
from bot.checks import require_curator
from bot.embeds import DESCRIPTION_LIMIT, TITLE_LIMIT, finish
from bot.errors import ErrorReportingModal, ErrorReportingView
from bot.i18n import language_of
from bot.text import clean_input, clip, clip_lines, untrusted
from cogs.disclosures import forms
from cogs.disclosures.audit import now_iso
from cogs.disclosures.embeds import problem_lines, record_embed, status_label
from cogs.disclosures.records import RecordError
from cogs.disclosures.views import LABEL_LIMIT, MODAL_TITLE_LIMIT, VIEW_TIMEOUT
from cogs.disclosures.vocab import AI_USES, CONFIDENCES, MEDIUMS, STATUSES

DESCRIPTION = 100
CHOICES = {"status": STATUSES, "medium": MEDIUMS, "ai_uses": AI_USES, "confidence": CONFIDENCES}
TEXT_LIMITS = {"date": 10, "titles": 4000, "companies": 4000, "sources": 4000, "summary": 4000, "credit": 500}
# DraftView's button labels (disclosures.button.<name>); for a queue item save is publish, leave is back.
DraftButton = Literal["form_facts", "form_text", "form_id", "publish", "save", "back", "cancel"]
DRAFT_BUTTONS: tuple[DraftButton, ...] = get_args(DraftButton)


@dataclass
class Draft:
    """A record being written: what the curator typed so far, and what it is for."""

    values: forms.Values
    year: str  # for the id of a new record whose date is not known yet
    stored: dict[str, Any] | None = None  # the record being edited or corrected; None for a new record
    submission: dict[str, Any] | None = None  # the queue item being approved; None for `/curate edit`
    id_chosen: bool = False  # the curator typed the id of a new record (else it follows title and date)
    # ``store.version_of(stored)`` when the editor opened: saving is refused once the stored record differs
    version: str | None = None

    def update(self, typed: dict[str, Any]) -> None:
        self.values.update(typed)
        if self.stored is None and not self.id_chosen:
            self.values["id"] = forms.suggested_id(
                str(self.values.get("titles") or ""), str(self.values.get("date") or ""), self.year
            )


class DraftOwner(Protocol):
    async def check_draft(self, draft: Draft) -> tuple[dict[str, Any] | None, list[RecordError]]: ...

    async def save_draft(self, interaction: Interaction, view: DraftView, record: dict[str, Any]) -> None: ...

    async def leave_draft(self, interaction: Interaction, view: DraftView) -> None: ...


def labels(t: Any) -> dict[str, str]:
    """The label of every box of the form, as the curator reads it (problems name these)."""
    return {name: t(f"disclosures.form.{name}") for name in forms.FORM_ORDER}


def _t(interaction: Interaction) -> Any:
    return partial(replies.text, interaction)


class DraftView(ErrorReportingView):
    """Facts… / Text… / Change id… / Publish (or Save) / Back, under the draft."""

    def __init__(self, owner: DraftOwner, draft: Draft, t: Any) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.owner = owner
        self.draft = draft
        saving = "publish" if draft.submission is not None else "save"
        leaving = "back" if draft.submission is not None else "cancel"
        buttons: tuple[tuple[discord.ui.Button, str, DraftButton], ...] = (
            (self.facts, "facts", "form_facts"),
            (self.text, "text", "form_text"),
            (self.change_id, "id", "form_id"),
            (self.save, "save", saving),
            (self.leave, "leave", leaving),
        )
        for button, key, name in buttons:
            button.label = clip(t(f"disclosures.button.{name}"), 80)
            button.custom_id = f"disc:draft:{key}"
        if draft.stored is not None:  # an existing record keeps its id
            self.remove_item(self.change_id)

    async def interaction_check(self, interaction: Interaction) -> bool:
        await require_curator(interaction)
        return True

    async def show(self, interaction: Interaction, *, edit: bool = True, first: str = "") -> None:
        """Answer with the draft: every problem, or the record as members will see it (``first``: a line
        above, e.g. why Publish did nothing yet)."""
        t = _t(interaction)
        record, problems = await self.owner.check_draft(self.draft)
        record_id = clip(str(self.draft.values.get("id") or ""), 80).replace("`", "'")
        if record is not None:
            key = (
                "disclosures.draft.ready_publish" if self.draft.submission else "disclosures.draft.ready_save"
            )
            content = t(key, id=record_id)
            updated = (self.draft.stored or {}).get("updated_at") or now_iso()  # as it will read once saved
            embed = record_embed(
                {**record, "updated_at": updated}, t, language=language_of(interaction.locale)
            )
        else:
            content = t("disclosures.draft.problems", count=len(problems), id=record_id)
            title = next(iter(str(self.draft.values.get("titles") or "").splitlines()), "") or "…"
            embed = finish(
                discord.Embed(
                    title=clip(
                        t("disclosures.draft.title", title=untrusted(title, 200, one_line=True)), TITLE_LIMIT
                    ),
                    description=clip_lines(problem_lines(problems, t, labels(t)), DESCRIPTION_LIMIT),
                    colour=0xC62828,
                )
            )
        submission = self.draft.submission or {}
        if submission.get("kind") == "correction" and submission.get("notes"):
            content += "\n" + t(
                "disclosures.draft.correction_note", note=untrusted(submission["notes"], 1200, one_line=True)
            )
        if first:
            content = f"{first}\n{content}"
        if edit:
            await self.edit_into(
                interaction, content=clip(content, 2000), embed=embed, allowed_mentions=replies.NO_PINGS
            )
        else:
            await self.send(interaction, clip(content, 2000), embed=embed, ephemeral=True)

    @discord.ui.button(label="Facts…", style=discord.ButtonStyle.primary)
    async def facts(self, interaction: Interaction, _: discord.ui.Button) -> None:
        await interaction.response.send_modal(FactsModal(self, _t(interaction)))

    @discord.ui.button(label="Text…", style=discord.ButtonStyle.primary)
    async def text(self, interaction: Interaction, _: discord.ui.Button) -> None:
        await interaction.response.send_modal(TextModal(self, _t(interaction)))

    @discord.ui.button(label="Change id…", style=discord.ButtonStyle.secondary)
    async def change_id(self, interaction: Interaction, _: discord.ui.Button) -> None:
        await interaction.response.send_modal(IdModal(self, _t(interaction)))

    @discord.ui.button(label="Publish", style=discord.ButtonStyle.success)
    async def save(self, interaction: Interaction, _: discord.ui.Button) -> None:
        record, _problems = await self.owner.check_draft(self.draft)
        if record is None:
            await self.show(interaction, first=_t(interaction)("disclosures.draft.fix_first"))
            return
        await self.owner.save_draft(interaction, self, record)

    @discord.ui.button(label="Back", style=discord.ButtonStyle.secondary)
    async def leave(self, interaction: Interaction, _: discord.ui.Button) -> None:
        await self.owner.leave_draft(interaction, self)


def _select(t: Any, name: str, chosen: list[str]) -> discord.ui.Select:
    label_key = {
        "status": lambda v: status_label(v, t),
        "medium": lambda v: t(f"disclosures.medium.{v}"),
        "ai_uses": lambda v: t(f"disclosures.use.{v}"),
        "confidence": lambda v: t(f"disclosures.confidence.{v}"),
    }[name]
    allowed = CHOICES[name]
    return discord.ui.Select(
        custom_id=name,
        options=[
            discord.SelectOption(label=clip(label_key(value), 100), value=value, default=value in chosen)
            for value in allowed
        ],
        min_values=1,
        max_values=len(allowed) if name == "ai_uses" else 1,
        required=True,
    )


def _text_input(name: str, value: str, *, long: bool, required: bool) -> discord.ui.TextInput:
    limit = TEXT_LIMITS[name]
    return discord.ui.TextInput(
        custom_id=name,
        style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
        default=value[:limit] or None,
        required=required,
        max_length=limit,
    )


class _FormModal(ErrorReportingModal, ABC):
    def __init__(self, view: DraftView, t: Any, title_key: str) -> None:
        super().__init__(title=clip(t(title_key), MODAL_TITLE_LIMIT), timeout=VIEW_TIMEOUT)
        self.view = view

    def labelled(self, t: Any, name: str, component: discord.ui.Item[Any]) -> None:
        hint = t(f"disclosures.form.{name}_hint")
        self.add_item(
            discord.ui.Label(
                text=clip(t(f"disclosures.form.{name}"), LABEL_LIMIT),
                description=clip(hint, DESCRIPTION) if hint else None,
                component=component,
            )
        )

    async def on_submit(self, interaction: Interaction) -> None:
        await require_curator(interaction)
        self.view.draft.update(self.typed())
        await self.view.show(interaction)

    @abstractmethod
    def typed(self) -> dict[str, Any]:
        """The boxes' values as the draft holds them."""


class FactsModal(_FormModal):
    """Status, medium, AI uses and confidence chosen from their lists; the date typed."""

    def __init__(self, view: DraftView, t: Any) -> None:
        super().__init__(view, t, "disclosures.form.facts_title")
        values = view.draft.values
        self.selects = {name: _select(t, name, list(values.get(name) or [])) for name in forms.SELECTS}
        for name, select in self.selects.items():
            self.labelled(t, name, select)
        self.date = _text_input("date", str(values.get("date") or ""), long=False, required=True)
        self.labelled(t, "date", self.date)

    def typed(self) -> dict[str, Any]:
        chosen = {name: list(select.values) for name, select in self.selects.items()}
        return chosen | {"date": self.date.value}


class TextModal(_FormModal):
    """Titles, companies, sources, summary and credit: one box each (one entry per line)."""

    def __init__(self, view: DraftView, t: Any) -> None:
        super().__init__(view, t, "disclosures.form.text_title")
        values = view.draft.values
        self.boxes: dict[str, discord.ui.TextInput] = {}
        for name in forms.TEXTS:
            value = str(values.get(name) or "")
            required = name in ("titles", "sources", "summary")
            box = _text_input(name, value, long=name != "credit" or "\n" in value, required=required)
            self.boxes[name] = box
            self.labelled(t, name, box)

    def typed(self) -> dict[str, Any]:
        return {name: box.value for name, box in self.boxes.items()}


class IdModal(_FormModal):
    """The id of a new record (it otherwise follows the title and the year)."""

    def __init__(self, view: DraftView, t: Any) -> None:
        super().__init__(view, t, "disclosures.form.id_title")
        self.box = discord.ui.TextInput(
            custom_id="id", default=str(view.draft.values.get("id") or "")[:80] or None, max_length=80
        )
        self.labelled(t, "id", self.box)

    def typed(self) -> dict[str, Any]:
        self.view.draft.id_chosen = True
        return {"id": clean_input(self.box.value, one_line=True).lower()}
