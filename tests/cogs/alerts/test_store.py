"""Store functions on a migrated in-memory database: settings, keywords, subscriptions, seen items, why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from cogs.alerts import store, store_items


def test_guild_settings_default_and_update(db: Database) -> None:
    assert store.get_guild(db, 1)["relevance"] == "strict"
    store.update_guild(db, 1, channel_id=5, paused=1)
    row = store.get_guild(db, 1)
    assert row["channel_id"] == 5 and row["paused"] == 1 and row["relevance"] == "strict"


def test_keywords_add_switch_remove(db: Database) -> None:
    assert store.add_keyword(db, 1, "Kaiber", False)
    assert not store.add_keyword(db, 1, "Kaiber", False)
    assert store.add_keyword(db, 1, "Kaiber", True)  # switched to an exclusion
    assert store.guilds_with_keywords(db, [1])[1]["exclusions"] == ("Kaiber",)
    assert store.remove_keyword(db, 1, "Kaiber") and not store.remove_keyword(db, 1, "Kaiber")


def test_subscriptions_share_one_feed_per_url(db: Database) -> None:
    a = store.ensure_feed(db, "http://127.0.0.1/rss")
    assert store.ensure_feed(db, "http://127.0.0.1/rss") == a
    assert store.subscribe(db, 1, a, "One") and store.subscribe(db, 2, a, "Two")
    assert not store.subscribe(db, 1, a, None)
    assert len(store.due_feeds(db, 1.0)) == 1
    assert store.count_feeds(db) == 1
    assert store.unsubscribe(db, 1, a) and store.unsubscribe(db, 2, a)
    assert store.due_feeds(db, 1.0) == []


def test_seen_items_first_fetch_is_baseline_then_new_items(db: Database) -> None:
    feed = store.ensure_feed(db, "http://127.0.0.1/rss")
    new, baseline = store_items.mark_seen(db, feed, [("g:1", "https://x/1", "one")])
    assert new == [] and baseline
    new, baseline = store_items.mark_seen(
        db, feed, [("g:1", "https://x/1", "one"), ("g:2", "https://x/2", "two")]
    )
    assert new == ["g:2"] and not baseline


def test_prune_keeps_recent_seen_items(db: Database) -> None:
    feed = store.ensure_feed(db, "http://127.0.0.1/rss")
    store_items.mark_seen(db, feed, [("g:1", "https://x/1", "one")])
    assert store_items.prune(db, datetime.now(UTC)) == 0
    assert store_items.prune(db, datetime.now(UTC) + timedelta(days=61)) == 1


def test_why_reports_feed_outcome_and_alert(db: Database) -> None:
    feed = store.ensure_feed(db, "http://127.0.0.1/rss")
    store.subscribe(db, 1, feed, "Local")
    store_items.mark_seen(db, feed, [])
    store_items.mark_seen(db, feed, [("g:1", "https://x/1", "one")])
    alert_id = store_items.insert_alert(
        db,
        {
            "guild_id": 1,
            "channel_id": 5,
            "feed_id": feed,
            "item_key": "g:1",
            "canonical_url": "https://x/1",
            "title": "one",
            "source": "Local",
        },
    )
    store_items.set_message(db, alert_id, 5, 99)
    store_items.record_outcomes(
        db,
        [
            {
                "guild_id": 1,
                "canonical_url": "https://x/1",
                "feed_id": feed,
                "item_key": "g:1",
                "outcome": "posted",
                "terms": ["generative ai"],
                "score": 4,
                "alert_id": alert_id,
            }
        ],
    )
    info = store_items.why(db, 1, "https://x/1")
    assert info["seen"][0]["feed_name"] == "Local"
    assert info["outcome"]["terms"] == ["generative ai"]
    assert info["alert"]["message_id"] == 99
    assert store_items.posted_match(db, 1, "other", "https://x/1") == alert_id
    assert store_items.posted_match(db, 2, "g:1", "https://x/1") is None
    assert store_items.why(db, 1, "https://nowhere/")["seen"] == []


def test_pending_edits_survive_until_done_and_a_newer_change_is_never_cleared(tmp_path) -> None:
    from bot.db import apply_migrations, open_database
    from cogs.alerts import store_items
    from cogs.alerts.migrations import alerts as migrations

    db = open_database(tmp_path / "a.db")
    apply_migrations(db, migrations)
    with db.conn:
        alert_id = db["alerts_posted"].insert({"guild_id": 1, "title": "t", "members": "[]"}).last_pk
    store_items._write_members(db, alert_id, [{"source": "A"}])
    (first,) = store_items.take_pending_edits(db)
    assert store_items.take_pending_edits(db) != []  # handed out, not yet done: a restart would redo it
    store_items._write_members(db, alert_id, [{"source": "A"}, {"source": "B"}])  # changed while in flight
    assert not store_items.edit_done(db, alert_id, first["edit_pending"])
    (second,) = store_items.take_pending_edits(db)
    assert store_items.edit_done(db, alert_id, second["edit_pending"])
    assert store_items.take_pending_edits(db) == []
