"""Persistent buttons on alerts (Record, Draft a record) and on /alerts channel (subscribe to the recommended)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot import replies
from bot.checks import require_moderator
from bot.errors import NotFound, UserFacingError, reports_errors
from bot.text import clip
from cogs.alerts import store, store_items
from cogs.alerts.disclosures_port import RecordShower, SubmissionOpener, disclosures

if TYPE_CHECKING:
    from cogs.alerts.cog import Alerts

log = logging.getLogger(__name__)


def _alerts_cog(interaction: discord.Interaction) -> Alerts:
    cog = interaction.client.get_cog("Alerts")  # type: ignore[attr-defined]
    if cog is None:
        raise UserFacingError("errors.unexpected")
    return cog  # type: ignore[return-value]


class RecordButton(discord.ui.DynamicItem[discord.ui.Button], template=r"alerts:rec:(?P<rid>[\w\-.:]{1,80})"):
    """Shows the disclosure record an alert names (through the disclosures cog's public method)."""

    def __init__(self, record_id: str, label: str = "Record") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, 80),
                style=discord.ButtonStyle.secondary,
                custom_id=f"alerts:rec:{record_id}",
            )
        )
        self.record_id = record_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RecordButton:
        return cls(match["rid"])

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        cog = disclosures(interaction.client, RecordShower)
        if cog is None:
            raise UserFacingError("alerts.errors.records_unavailable")
        await cog.show_record(interaction, self.record_id)


class DraftButton(discord.ui.DynamicItem[discord.ui.Button], template=r"alerts:draft:(?P<aid>\d{1,18})"):
    """Anyone who may submit (every member): open the disclosure submit form pre-filled from the alert."""

    def __init__(self, alert_id: int, label: str = "Draft a record") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, 80), style=discord.ButtonStyle.primary, custom_id=f"alerts:draft:{alert_id}"
            )
        )
        self.alert_id = alert_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> DraftButton:
        return cls(int(match["aid"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        cog = disclosures(interaction.client, SubmissionOpener)
        if cog is None:
            raise UserFacingError("alerts.errors.records_unavailable")
        alert = await interaction.client.db.run(store_items.get_alert, self.alert_id)  # type: ignore[attr-defined]
        if alert is None or alert["guild_id"] != interaction.guild_id:
            raise NotFound("alerts.errors.alert_not_found")
        title = (alert.get("record_titles") or [""])[0] or alert.get("title") or ""
        notes = replies.text(
            interaction,
            "alerts.draft.notes",
            source=alert.get("source") or "",
            title=alert.get("title") or "",
        )
        await cog.open_submission(
            interaction, title=clip(title, 100), source_url=alert.get("url") or "", notes=clip(notes, 1000)
        )


class SubscribeRecommendedButton(discord.ui.DynamicItem[discord.ui.Button], template=r"alerts:subrec"):
    """Subscribe this server to every feed in data/feeds.toml (first fetch silent, so nothing floods)."""

    def __init__(self, label: str = "Subscribe to the recommended feeds") -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, 80), style=discord.ButtonStyle.success, custom_id="alerts:subrec"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> SubscribeRecommendedButton:
        return cls()

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await require_moderator(interaction)
        cog = _alerts_cog(interaction)
        pairs = [(feed.url, feed.name) for feed in cog.recommended]
        added = await cog.bot.db.run(store.subscribe_urls, interaction.guild_id, pairs)
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
