"""What the alerts hold about members (nothing: server settings, feeds and posted stories name no member), a
server's purge (its feeds included, unless another server follows them), and the retention of posted alerts
(store functions)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.db import transaction
from bot.retention import POSTED_ALERT_DAYS, cutoff_iso
from cogs.alerts.store import delete_unfollowed_feeds

GUILD_TABLES = (
    "alerts_guilds",
    "alerts_keywords",
    "alerts_subscriptions",
    "alerts_posted",
    "alerts_outcomes",
)


def forget_server(db: Database, guild_id: int) -> dict[str, int]:
    """Delete a server's alert settings, keywords, subscriptions, posted alerts and decisions, and the feeds it
    was the last to follow, with their seen items (a feed's address may hold the server's private token). A
    feed another server still follows stays: feeds are shared by every server subscribed to the same address."""
    counts: dict[str, int] = {}
    with transaction(db):
        followed = [
            row[0]
            for row in db.execute("SELECT feed_id FROM alerts_subscriptions WHERE guild_id = ?", [guild_id])
        ]
        for table in GUILD_TABLES:
            counts[table] = db.execute(f"DELETE FROM {table} WHERE guild_id = ?", [guild_id]).rowcount
        feeds = delete_unfollowed_feeds(db, followed)
    return {
        "alerts.privacy.subscriptions": counts["alerts_subscriptions"],
        "alerts.privacy.feeds": feeds,
        "alerts.privacy.posted": counts["alerts_posted"],
    }


def stored_servers(db: Database) -> set[int]:
    """The servers with alert settings, subscriptions or history."""
    union = " UNION ".join(f"SELECT guild_id FROM {table}" for table in GUILD_TABLES)
    return {row[0] for row in db.execute(union)}


def apply_retention(db: Database, now: float) -> dict[str, int]:
    """Forget alerts posted more than POSTED_ALERT_DAYS ago (seen items and decisions are pruned by the
    poller: ``store_items.prune``)."""
    with transaction(db):
        posted = db.execute(
            "DELETE FROM alerts_posted WHERE posted_at < ?", [cutoff_iso(now, POSTED_ALERT_DAYS)]
        ).rowcount
    return {"alerts.privacy.posted": posted}
