"""The alerts schema: server settings, feeds and subscriptions, seen items, posted alerts, decisions."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

alerts = Migrations("alerts")


@alerts(name="0001_guilds")
def _guilds(db: Database) -> None:
    db.table("alerts_guilds").create(
        {
            "guild_id": int,
            "channel_id": int,
            "mention_role_id": int,
            "digest_time": str,
            "last_digest_on": str,
            "paused": int,
            "relevance": str,
            "updated_at": str,
        },
        pk="guild_id",
        defaults={"paused": 0, "relevance": "strict"},
    )
    db.table("alerts_keywords").create(
        {"guild_id": int, "term": str, "exclude": int, "added_at": str},
        pk=("guild_id", "term"),
    )


@alerts(name="0002_feeds")
def _feeds(db: Database) -> None:
    db.table("alerts_feeds").create(
        {
            "id": int,
            "url": str,
            "title": str,
            "etag": str,
            "last_modified": str,
            "failures": int,
            "next_due": float,
            "disabled": int,
            "disabled_notified": int,
            "fetched_ok": int,
            "last_success": str,
            "last_error": str,
            "last_error_at": str,
            "items_posted": int,
            "created_at": str,
        },
        pk="id",
        not_null={"url"},
        defaults={
            "failures": 0,
            "next_due": 0.0,
            "disabled": 0,
            "disabled_notified": 0,
            "fetched_ok": 0,
            "items_posted": 0,
        },
    )
    db.table("alerts_feeds").create_index(["url"], unique=True)
    db.table("alerts_subscriptions").create(
        {"guild_id": int, "feed_id": int, "name": str, "added_at": str},
        pk=("guild_id", "feed_id"),
        foreign_keys=[("feed_id", "alerts_feeds", "id")],
    )
    db.table("alerts_subscriptions").create_index(["feed_id"])


@alerts(name="0003_items")
def _items(db: Database) -> None:
    db.table("alerts_seen").create(
        {
            "feed_id": int,
            "item_key": str,
            "url": str,
            "title": str,
            "first_seen": str,
            "last_seen": str,
            "baseline": int,
        },
        pk=("feed_id", "item_key"),
        foreign_keys=[("feed_id", "alerts_feeds", "id")],
    )
    db.table("alerts_seen").create_index(["url"])
    db.table("alerts_seen").create_index(["last_seen"])
    db.table("alerts_posted").create(
        {
            "id": int,
            "guild_id": int,
            "channel_id": int,
            "message_id": int,
            "feed_id": int,
            "item_key": str,
            "canonical_url": str,
            "url": str,
            "title": str,
            "summary": str,
            "source": str,
            "published": str,
            "matched": str,
            "score": int,
            "record_ids": str,
            "record_titles": str,
            "record_labels": str,
            "members": str,
            "posted_at": str,
            "digest_state": str,
            "edit_pending": int,
        },
        pk="id",
        defaults={
            "members": "[]",
            "edit_pending": 0,
            "record_ids": "[]",
            "record_titles": "[]",
            "record_labels": "[]",
            "matched": "[]",
        },
    )
    db.table("alerts_posted").create_index(["guild_id", "canonical_url"])
    db.table("alerts_posted").create_index(["guild_id", "item_key"])
    db.table("alerts_posted").create_index(["guild_id", "posted_at"])
    db.table("alerts_outcomes").create(
        {
            "guild_id": int,
            "canonical_url": str,
            "feed_id": int,
            "item_key": str,
            "outcome": str,
            "terms": str,
            "score": int,
            "alert_id": int,
            "at": str,
        },
        pk=("guild_id", "canonical_url"),
    )
