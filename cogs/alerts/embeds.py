"""Turn alert data into discord.Embed objects (alert, digest, feed status, /alerts why) in a given language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal, get_args

import discord

from bot.embeds import add_field, finish
from bot.retention import POSTED_ALERT_DAYS
from bot.text import clip
from cogs.alerts.failures import UNKNOWN_REASON, stored_reason_key
from cogs.alerts.render import (
    FIELD_LIMIT,
    DigestLine,
    alert_card,
    also_reported_value,
    digest_description,
    safe_text,
)

ALERT_COLOUR = discord.Colour(0xC2456B)
INFO_COLOUR = discord.Colour(0x5B7DB1)
Text = Callable[..., str]
# How a feed stands in /alerts feeds (an alerts.feeds.status.* suffix): what feed_status returns.
FeedStatus = Literal["disabled", "backing_off", "pending", "ok"]
FEED_STATUSES: tuple[FeedStatus, ...] = get_args(FeedStatus)


def error_sentence(stored: str | None, text: Text) -> str:
    """A feed's stored ``last_error`` as a translated sentence (never the exception text it may contain)."""
    if not stored:
        return "—"
    key, params = stored_reason_key(stored)
    sentence = text(key, **{name: safe_text(value, 200) for name, value in params.items()})
    return text(UNKNOWN_REASON) if sentence == key else sentence


def _dt(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def alert_embed(alert: dict[str, Any], text: Text) -> discord.Embed:
    """The alert's embed: escaped title with link, plain summary, source, published time, clusters, records."""
    members = alert.get("members") or []
    labels = [
        text(key) if key.startswith(("disclosures.", "alerts.")) else key
        for key in alert.get("record_labels") or []
    ]
    card = alert_card(
        title=alert.get("title") or "",
        url=alert.get("url"),
        summary=alert.get("summary") or "",
        source=alert.get("source") or "",
        published=_dt(alert.get("published")),
        also_reported=[m.get("source") or "" for m in members],
        record_labels=labels,
        untitled=text("alerts.card.untitled"),
    )
    embed = discord.Embed(
        title=card.title, url=card.url, description=card.description or None, colour=ALERT_COLOUR
    )
    embed.set_author(name=card.source)
    if card.published is not None:
        embed.timestamp = card.published
        embed.set_footer(text=text("alerts.card.published"))
    if card.also_reported:
        add_field(
            embed,
            name=text("alerts.card.also_reported"),
            value=also_reported_value(card.also_reported),
            inline=False,
        )
    if card.record_labels:
        titles = alert.get("record_titles") or []
        lines = [
            f"{safe_text(title, 100)} — {label}" if title else label
            for title, label in zip(titles + [""] * len(card.record_labels), card.record_labels, strict=False)
        ]
        add_field(
            embed, name=text("alerts.card.record"), value=clip("\n".join(lines), FIELD_LIMIT), inline=False
        )
    return finish(embed)


def digest_embed(alerts: Sequence[dict[str, Any]], text: Text, day: str) -> discord.Embed:
    lines = [DigestLine(a.get("title") or "", a.get("url"), a.get("source") or "") for a in alerts]
    return finish(
        discord.Embed(
            title=text("alerts.digest.title", day=day, count=len(alerts)),
            description=digest_description(lines, text("alerts.digest.more", count="{count}")),
            colour=ALERT_COLOUR,
        )
    )


def feed_status(feed: dict[str, Any]) -> FeedStatus:
    if feed.get("disabled"):
        return "disabled"
    if feed.get("failures"):
        return "backing_off"
    if not feed.get("fetched_ok"):
        return "pending"
    return "ok"


def _when(value: str | None, never: str) -> str:
    moment = _dt(value)
    return discord.utils.format_dt(moment, "R") if moment else never


def feed_pages(feeds: Sequence[dict[str, Any]], text: Text, per_page: int = 8) -> list[discord.Embed]:
    """One field per feed (status, last success, last error, items posted), eight feeds a page."""
    pages: list[discord.Embed] = []
    never = text("alerts.feeds.never")
    # A server's count of alerts from a feed: the ones still kept (the feed row's own total is every server's).
    since = discord.utils.format_dt(discord.utils.utcnow() - timedelta(days=POSTED_ALERT_DAYS), "D")
    for start in range(0, len(feeds), per_page):
        chunk = feeds[start : start + per_page]
        embed = discord.Embed(title=text("alerts.feeds.title", count=len(feeds)), colour=INFO_COLOUR)
        for feed in chunk:
            status = feed_status(feed)
            value = "\n".join(
                [
                    text(f"alerts.feeds.status.{status}", count=feed.get("failures") or 0),
                    f"<{clip(feed['url'], 300)}>",
                    text("alerts.feeds.last_success", when=_when(feed.get("last_success"), never)),
                    text(
                        "alerts.feeds.last_error",
                        error=error_sentence(feed.get("last_error"), text),
                        when=_when(feed.get("last_error_at"), never),
                    ),
                    text("alerts.feeds.items_posted", count=feed.get("items_posted") or 0, since=since),
                ]
            )
            name = safe_text(feed.get("name") or feed.get("title") or feed["url"], 200)
            add_field(embed, name=f"#{feed['id']} {name}", value=clip(value, FIELD_LIMIT), inline=False)
        if len(feeds) > per_page:
            embed.set_footer(
                text=text("alerts.feeds.page", page=start // per_page + 1, pages=-(-len(feeds) // per_page))
            )
        pages.append(finish(embed))
    return pages


def why_embed(url: str, info: dict[str, Any], text: Text) -> discord.Embed:
    """Answer /alerts why: fetched by which feeds, matched on which terms, clustered, posted or why not."""
    embed = discord.Embed(
        title=text("alerts.why.title"), description=f"<{clip(url, 400)}>", colour=INFO_COLOUR
    )
    seen = info["seen"]  # only this server's feeds (store_items.why)
    outcome = info["outcome"]
    if not seen:
        add_field(
            embed, name=text("alerts.why.fetched"), value=text("alerts.why.never_fetched"), inline=False
        )
        if outcome is None and info["alert"] is None:
            return finish(embed)
    else:
        lines = [
            text(
                "alerts.why.seen_line",
                feed=safe_text(row["feed_name"] or row["feed_url"], 100),
                when=_when(row["first_seen"], "?"),
                baseline=text("alerts.why.baseline") if row["baseline"] and outcome is None else "",
            )
            for row in seen[:10]
        ]
        add_field(
            embed, name=text("alerts.why.fetched"), value=clip("\n".join(lines), FIELD_LIMIT), inline=False
        )
    if outcome is None:
        reason = (
            text("alerts.why.outcome.baseline")
            if seen and all(r["baseline"] for r in seen)
            else text("alerts.why.outcome.unknown")
        )
        add_field(embed, name=text("alerts.why.decision"), value=reason, inline=False)
    else:
        terms = ", ".join(outcome["terms"]) or "—"
        add_field(
            embed,
            name=text("alerts.why.decision"),
            value=text(
                f"alerts.why.outcome.{outcome['outcome']}",
                terms=safe_text(terms, 500),
                score=outcome["score"],
            ),
            inline=False,
        )
    alert = info["alert"]
    if alert is not None:
        where = (
            text(
                "alerts.why.posted_at",
                channel=f"<#{alert['channel_id']}>",
                when=_when(alert["posted_at"], "?"),
                link=f"https://discord.com/channels/{alert['guild_id']}/{alert['channel_id']}/{alert['message_id']}",
            )
            if alert.get("message_id")
            else text("alerts.why.not_posted_message")
        )
        members = alert.get("members") or []
        if members:
            where += "\n" + text(
                "alerts.why.members", sources=also_reported_value([m.get("source") or "" for m in members])
            )
        add_field(
            embed,
            name=text("alerts.why.alert", title=safe_text(alert.get("title") or "", 150)),
            value=clip(where, FIELD_LIMIT),
            inline=False,
        )
    return finish(embed)
