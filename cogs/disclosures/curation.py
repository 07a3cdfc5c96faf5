"""`/curate review|edit|history|delete|restore`: the curators' side of the records every server shares.

A cog of its own so its commands form their own top-level group, which Discord can hide from members
(``default_permissions`` is ignored on subcommands) and which is registered only in ``CURATOR_GUILD_ID`` when
that is set. Every command, button and modal checks ``is_curator`` on our side regardless.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from discord import app_commands
from discord.app_commands import Choice

from bot import replies
from bot.checks import curator_only, is_curator, require_curator, staff_group
from bot.errors import BadInput, NotFound
from bot.i18n import language_of
from bot.options import RowId
from bot.text import clean_input, clip, escape_markdown
from bot.ui.confirm import ask
from bot.ui.paginator import Paginator
from cogs.disclosures import audit, forms, store
from cogs.disclosures.embeds import history_pages, record_embed
from cogs.disclosures.record_form import Draft, DraftView
from cogs.disclosures.records import RecordError
from cogs.disclosures.review import ReviewQueue, curator, this_year

if TYPE_CHECKING:
    from bot.client import Haikei, Interaction
    from cogs.disclosures.cog import Disclosures
    from cogs.disclosures.search import TitleIndex

log = logging.getLogger(__name__)


def _t(interaction: Interaction) -> Any:
    return partial(replies.text, interaction)


class Curation(ReviewQueue):
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

    curate = staff_group("curate", "Look after the records every server shares (Haikei's curators)")

    # ----- review queue (review.py) -------------------------------------------------------
    @curate.command(name="review", description="Review pending submissions and corrections from every server")
    @curator_only()
    async def review(self, interaction: Interaction) -> None:
        await self.show_queue(interaction, after_id=0, edit=False)

    # ----- the record form (record_form.py): publishing from the queue, or editing -----------
    async def check_draft(self, draft: Draft) -> tuple[dict[str, Any] | None, list[RecordError]]:
        """The record a draft makes, or every problem with it (a new record's id must also be free)."""
        problems: list[RecordError] = []
        record = None
        try:
            record = forms.parse(draft.values, stored=draft.stored)
        except RecordError as exc:
            problems = list(exc.problems)
        record_id = record["id"] if record else str(draft.values.get("id") or "")
        checkable = draft.stored is None and record_id and not any(p.field == "id" for p in problems)
        if checkable and await self.bot.db.run(partial(store.get_record, include_hidden=True), record_id):
            problems.append(RecordError("id", "is already used", code="id_taken", value=record_id))
            record = None
        return record, problems

    async def save_draft(self, interaction: Interaction, view: DraftView, record: dict[str, Any]) -> None:
        """Publish a submission's draft, or save an edit — unless the record changed or was deleted since the
        editor opened (``Draft.version``): then nothing is written and the curator is asked to reopen it."""
        if view.draft.submission is not None:
            await self.publish(interaction, view, record)
            return
        t = _t(interaction)
        save = partial(
            store.save_record, actor=curator(interaction), action="edit", expected=view.draft.version
        )
        try:
            saved = await self.bot.db.run(save, record)
        except store.StaleRecord as exc:
            key = "disclosures.edit.stale_deleted" if exc.deleted else "disclosures.edit.stale_changed"
            title = escape_markdown(clip((view.draft.stored or record)["title"], 200))
            await replies.ephemeral(interaction, t(key, title=title, id=exc.record_id))
            return
        self.index.put(saved["id"], store.titles_of(saved))
        view.stop()
        await interaction.response.edit_message(
            content=t(
                "disclosures.edit.saved", title=escape_markdown(clip(saved["title"], 200)), id=saved["id"]
            ),
            embed=record_embed(saved, t, language=language_of(interaction.locale)),
            view=None,
            allowed_mentions=replies.NO_PINGS,
        )

    async def leave_draft(self, interaction: Interaction, view: DraftView) -> None:
        """Back to the queue card (publishing) or nothing changed (editing)."""
        submission = view.draft.submission
        if submission is not None:
            await self.show_queue(interaction, after_id=submission["id"] - 1, edit=True, replacing=view)
            return
        view.stop()
        await interaction.response.edit_message(
            content=_t(interaction)("ui.cancelled"), embed=None, view=None
        )

    # ----- edit / history / delete ------------------------------------------------------------
    @curate.command(name="edit", description="Edit a record")
    @app_commands.describe(id="The record (type its title)")
    @curator_only()
    async def edit(self, interaction: Interaction, id: app_commands.Range[str, 1, 100]) -> None:
        stored = await self.record_or_404(id)
        draft = Draft(forms.render(stored), this_year(), stored=stored, version=store.version_of(stored))
        await DraftView(self, draft, _t(interaction)).show(interaction, edit=False)

    @curate.command(name="history", description="Who changed a record, as what, from which server, and when")
    @app_commands.describe(id="The record (type its title)")
    @curator_only()
    async def history(self, interaction: Interaction, id: app_commands.Range[str, 1, 100]) -> None:
        record_id = clean_input(id, one_line=True)
        entries = await self.bot.db.run(audit.history, record_id)
        t = _t(interaction)
        if not entries:
            await replies.ephemeral(interaction, t("disclosures.history.empty", id=clip(record_id, 100)))
            return
        pages = history_pages(record_id, entries, t, server=self.guild_label)
        await Paginator(interaction.user.id, pages).start(interaction, ephemeral=True)

    @curate.command(name="delete", description="Delete a record (its history is kept)")
    @app_commands.describe(id="The record (type its title)")
    @curator_only()
    async def delete(self, interaction: Interaction, id: app_commands.Range[str, 1, 100]) -> None:
        record = await self.record_or_404(id)
        t = _t(interaction)
        title = escape_markdown(clip(record["title"], 200))
        answer = await ask(  # still a curator when they confirm (a role can be removed meanwhile)
            interaction,
            t("disclosures.delete.confirm", title=title, id=record["id"]),
            recheck=require_curator,
        )
        followup = (answer.clicked or interaction).followup
        if not answer.value:
            if answer.unconfirmed_key:  # None: refused, and the click was told why
                await followup.send(t(answer.unconfirmed_key), ephemeral=True)
            return
        await self.bot.db.run(partial(store.delete_record, actor=curator(interaction)), record["id"])
        self.index.remove(record["id"])
        await followup.send(t("disclosures.delete.done", title=title, id=record["id"]), ephemeral=True)

    @curate.command(name="restore", description="Bring back a deleted record, or an earlier version of one")
    @app_commands.describe(
        id="The record (deleted ones are listed first)",
        entry="History entry number to go back to (default: just before the deletion)",
    )
    @curator_only()
    async def restore(
        self,
        interaction: Interaction,
        id: app_commands.Range[str, 1, 100],
        entry: RowId | None = None,
    ) -> None:
        record_id = clean_input(id, one_line=True)
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
            t("disclosures.restore.done", title=escape_markdown(clip(record["title"], 200)), id=record["id"]),
            embed=record_embed(record, t, language=language_of(interaction.locale)),
        )

    # Autocomplete runs without the command's checks (discord.py calls it directly), and Discord shows
    # `/curate` to anyone with Manage Server: each one checks on its own that the member is a curator.
    @restore.autocomplete("id")
    async def _restore_id(self, interaction: Interaction, current: str) -> list[Choice[str]]:
        if not await is_curator(interaction):
            return []
        deleted = await self.bot.db.run(audit.deleted_ids, current.strip())
        live = self.records.title_choices(current, language_of(interaction.locale))[
            : max(0, 25 - len(deleted))
        ]
        return [Choice(name=f"{record_id} (deleted)", value=record_id) for record_id in deleted] + live

    @edit.autocomplete("id")
    @history.autocomplete("id")
    @delete.autocomplete("id")
    async def _record_id(self, interaction: Interaction, current: str) -> list[Choice[str]]:
        if not await is_curator(interaction):
            return []
        return self.records.title_choices(current, language_of(interaction.locale))

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
