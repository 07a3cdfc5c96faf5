"""Persistent buttons on alerts (Record, Draft a record) and on /alerts channel (subscribe to the recommended)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot import replies
from bot.checks import guild_id_of, require_moderator
from bot.errors import NotFound, UserFacingError
from bot.text import clip
from bot.ui.persistent import ID, Persistent, text
from cogs.alerts import store, store_items
from cogs.alerts.disclosures_port import RecordShower, SubmissionOpener, disclosures
from cogs.alerts.render import safe_url

if TYPE_CHECKING:
    from bot.client import Interaction
    from cogs.alerts.cog import Alerts

log = logging.getLogger(__name__)
RECORD_ID = text(r"[\w\-.:]{1,80}")


def _alerts_cog(interaction: Interaction) -> Alerts:
    from cogs.alerts.cog import Alerts  # imported here: cog.py imports this module

    cog = interaction.client.get_cog("Alerts")
    if not isinstance(cog, Alerts):
        raise UserFacingError("errors.unexpected")
    return cog


class RecordButton(Persistent[discord.ui.Button], custom_id="alerts:rec:{record_id}", record_id=RECORD_ID):
    """Shows the disclosure record an alert names (through the disclosures cog's public method)."""

    record_id: str

    def __init__(self, record_id: str, label: str = "Record") -> None:
        button = discord.ui.Button(label=clip(label, 80), style=discord.ButtonStyle.secondary)
        super().__init__(button, record_id=record_id)

    async def run(self, interaction: Interaction) -> None:
        cog = disclosures(interaction.client, RecordShower)
        if cog is None:
            raise UserFacingError("alerts.errors.records_unavailable")
        await cog.show_record(interaction, self.record_id)


class DraftButton(Persistent[discord.ui.Button], custom_id="alerts:draft:{alert_id}", alert_id=ID):
    """Anyone who may submit (every member): open the disclosure submit form pre-filled from the alert."""

    alert_id: int

    def __init__(self, alert_id: int, label: str = "Draft a record") -> None:
        super().__init__(
            discord.ui.Button(label=clip(label, 80), style=discord.ButtonStyle.primary), alert_id=alert_id
        )

    async def run(self, interaction: Interaction) -> None:
        cog = disclosures(interaction.client, SubmissionOpener)
        if cog is None:
            raise UserFacingError("alerts.errors.records_unavailable")
        alert = await interaction.client.db.run(store_items.get_alert, self.alert_id)
        if alert is None or alert["guild_id"] != interaction.guild_id:
            raise NotFound("alerts.errors.alert_not_found")
        title = alert.get("title") or ""  # the story's headline: a record it names is already published
        notes = replies.text(
            interaction,
            "alerts.draft.notes",
            source=alert.get("source") or "",
            title=alert.get("title") or "",
        )
        await cog.open_submission(
            interaction,
            title=clip(title, 100),
            source_url=safe_url(alert.get("url")) or "",
            notes=clip(notes, 1000),
        )


class SubscribeRecommendedButton(Persistent[discord.ui.Button], custom_id="alerts:subrec"):
    """Subscribe this server to every feed in data/feeds.toml (first fetch silent, so nothing floods)."""

    def __init__(self, label: str = "Subscribe to the recommended feeds") -> None:
        super().__init__(discord.ui.Button(label=clip(label, 80), style=discord.ButtonStyle.success))

    async def run(self, interaction: Interaction) -> None:
        await require_moderator(interaction)
        cog = _alerts_cog(interaction)
        pairs = [(feed.url, feed.name) for feed in cog.recommended]
        added = await cog.bot.db.run(store.subscribe_urls, guild_id_of(interaction), pairs)
        recommended = replies.text(interaction, "alerts.channel.recommended_total", count=len(pairs))
        await replies.ephemeral(
            interaction,
            replies.text(interaction, "alerts.channel.subscribed", count=added, recommended=recommended),
        )


def alert_view(alert: dict[str, Any], text: Any) -> discord.ui.View | None:
    """Record buttons (one per named record, at most 3) and the Draft button (any member may submit)."""
    view = discord.ui.View(timeout=None)
    labels = alert.get("record_labels") or []
    titles = alert.get("record_titles") or []
    for index, record_id in enumerate((alert.get("record_ids") or [])[:3]):
        title = titles[index] if index < len(titles) else ""
        label_key = labels[index] if index < len(labels) else ""
        label = (
            text("alerts.card.record_button", title=clip(title, 50)) if title else text("alerts.card.record")
        )
        if label_key and label_key.startswith("disclosures."):
            label = f"{label} · {text(label_key)}"
        view.add_item(RecordButton(record_id, label))
    if alert.get("id") and alert.get("has_disclosures"):
        view.add_item(DraftButton(int(alert["id"]), text("alerts.card.draft")))
    return view if view.children else None


DYNAMIC_ITEMS = (RecordButton, DraftButton, SubscribeRecommendedButton)
