"""The poller's Discord side: post, edit and announce in alert channels; ask the disclosures cog for records.

Every request the poller drives goes out in the pacer's BULK lane (``bot.pacing``): a member's command never
waits behind a fan-out to 1,000 servers, and "Also reported by" edits wait in a coalescing queue
(``fanout.EditQueue``) until no post does."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot import pacing
from bot.pacing import Lane, lane
from bot.replies import NO_PINGS
from bot.text import clip
from cogs.alerts import store_items
from cogs.alerts.disclosures_port import RecordFinder, SubmissionOpener, disclosures
from cogs.alerts.embeds import alert_embed, digest_embed, error_sentence
from cogs.alerts.fanout import EditQueue
from cogs.alerts.render import public_address, safe_text
from cogs.alerts.views import alert_view

if TYPE_CHECKING:
    from bot.client import Haikei

log = logging.getLogger(__name__)

# Where an alert can be posted and later edited (every channel kind with ``send`` and ``get_partial_message``).
AlertChannel = (
    discord.TextChannel
    | discord.VoiceChannel
    | discord.StageChannel
    | discord.Thread
    | discord.DMChannel
    | discord.PartialMessageable
)


class DiscordPublisher:
    """Implements the poller's ``Publisher`` protocol with the bot's REST client."""

    def __init__(self, bot: Haikei) -> None:
        self.bot = bot
        self.pacer = pacing.install(bot)
        self.edits = EditQueue(self._edit_now, stopped=bot.is_closed)

    def text_for(self, guild_id: int) -> Any:
        guild = self.bot.get_guild(guild_id)
        locale = guild.preferred_locale if guild is not None else None

        def text(key: str, **params: Any) -> str:
            return self.bot.i18n.text(key, locale, **params)

        return text

    async def _channel(self, channel_id: int) -> AlertChannel:
        channel = self.bot.get_channel(channel_id)
        if channel is None:
            channel = await self.bot.fetch_channel(channel_id)
        if not isinstance(channel, AlertChannel):  # a category or forum: nowhere to post
            raise TypeError(f"channel {channel_id} is a {type(channel).__name__}, not a text channel")
        return channel

    def _decorate(self, alert: dict[str, Any]) -> dict[str, Any]:
        return {**alert, "has_disclosures": disclosures(self.bot, SubmissionOpener) is not None}

    async def post_alert(self, guild: dict[str, Any], alert: dict[str, Any]) -> int | None:
        """Send the alert in the fan-out lane; the only ping is the server's opted-in mention role."""
        with lane(Lane.BULK):
            return await self._send_alert(guild, alert)

    async def _send_alert(self, guild: dict[str, Any], alert: dict[str, Any]) -> int | None:
        text = self.text_for(guild["guild_id"])
        channel = await self._channel(guild["channel_id"])
        role_id = guild.get("mention_role_id")
        content = f"<@&{role_id}>" if role_id else None
        mentions = (
            discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(role_id)])
            if role_id
            else NO_PINGS
        )
        decorated = self._decorate(alert)
        view = alert_view(decorated, text)
        kwargs: dict[str, Any] = {"embed": alert_embed(decorated, text), "allowed_mentions": mentions}
        if view is not None:
            kwargs["view"] = view
        message = await channel.send(content, **kwargs)
        return message.id

    async def edit_alert(self, alert: dict[str, Any]) -> None:
        """Queue one edit that brings the message up to date (members joined since the last edit); it is sent
        when no post is waiting, and merged with any later one for the same alert that comes before."""
        if not alert.get("message_id") or not alert.get("channel_id"):
            return
        if alert.get("digest_state"):
            return  # listed in a digest: its message_id is the digest's, which must not become this alert
        self.edits.submit([alert])

    async def _edit_now(self, alert: dict[str, Any]) -> None:
        text = self.text_for(alert["guild_id"])
        channel = await self._channel(alert["channel_id"])
        message = channel.get_partial_message(alert["message_id"])
        try:
            await message.edit(embed=alert_embed(self._decorate(alert), text), allowed_mentions=NO_PINGS)
        except (discord.NotFound, discord.Forbidden) as exc:  # deleted, or no longer ours to edit: give up
            log.info("Alert %s can no longer be edited (%s); dropping its pending edit", alert["id"], exc)
        if alert.get("edit_pending"):
            await self.bot.db.run(store_items.edit_done, alert["id"], alert["edit_pending"])

    async def announce_disabled(self, guild: dict[str, Any], feed: dict[str, Any]) -> None:
        with lane(Lane.BULK):
            await self._announce_disabled(guild, feed)

    async def _announce_disabled(self, guild: dict[str, Any], feed: dict[str, Any]) -> None:
        text = self.text_for(guild["guild_id"])
        channel = await self._channel(guild["channel_id"])
        body = text(
            "alerts.disabled.notice",
            name=safe_text(feed.get("name") or feed.get("title") or public_address(feed["url"]), 100),
            url=clip(public_address(feed["url"]), 300),  # never the query: a private feed's token is there
            count=feed.get("failures") or 0,
            error=error_sentence(feed.get("last_error"), text),
            feed_id=feed["id"],
        )
        await channel.send(clip(body, 2000), allowed_mentions=NO_PINGS)

    async def records_mentioned(self, text: str) -> list[dict[str, Any]]:
        cog = disclosures(self.bot, RecordFinder)
        if cog is None:
            return []
        return list(await cog.records_mentioned(text))

    async def post_digest(self, guild: dict[str, Any], alerts: list[dict[str, Any]], day: str) -> int | None:
        """Post the digest of ``day`` (the poller's date, YYYY-MM-DD)."""
        text = self.text_for(guild["guild_id"])
        with lane(Lane.BULK):
            channel = await self._channel(guild["channel_id"])
            message = await channel.send(embed=digest_embed(alerts, text, day), allowed_mentions=NO_PINGS)
        return message.id
