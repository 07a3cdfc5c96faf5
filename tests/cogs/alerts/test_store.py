"""Store functions on a migrated in-memory database: settings, keywords, subscriptions, seen items, why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from cogs.alerts import privacy, store, store_items


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


PRIVATE = "http://127.0.0.1/p?apikey=SECRET"


def feed_rows(db: Database) -> list[tuple[object, ...]]:
    return [tuple(row) for row in db.execute("SELECT * FROM alerts_feeds")]


def seen_count(db: Database, feed_id: int) -> int:
    return int(db.execute("SELECT count(*) FROM alerts_seen WHERE feed_id = ?", [feed_id]).fetchone()[0])


def test_the_last_unsubscribe_deletes_the_feed_and_its_seen_items(db: Database) -> None:
    added, feed = store_items.subscribe_after_probe(
        db,
        1,
        PRIVATE,
        "Paid wire",
        title=None,
        seen=[("k1", "https://x/1", "one")],
        etag=None,
        last_modified=None,
        next_due=0.0,
    )
    assert added and store_items.subscribe_after_probe(
        db, 2, PRIVATE, "Wire", title=None, seen=[], etag=None, last_modified=None, next_due=0.0
    ) == (True, feed)
    posted = store_items.insert_alert(db, {"guild_id": 1, "feed_id": feed, "item_key": "k1", "title": "one"})
    store_items.record_outcomes(
        db, [{"guild_id": 1, "canonical_url": "https://x/1", "feed_id": feed, "outcome": "posted"}]
    )

    assert store.unsubscribe(db, 1, feed)  # server 2 still follows it: everything stays
    assert store.get_feed(db, feed) is not None and seen_count(db, feed) == 1

    assert store.unsubscribe(db, 2, feed)  # the last one: the feed, its address and seen items go
    assert feed_rows(db) == [] and seen_count(db, feed) == 0
    assert not store.unsubscribe(db, 2, feed)
    # Server 1's history stays, pointing at no feed (a new feed may take the number).
    alert = store_items.get_alert(db, posted)
    assert alert is not None and alert["feed_id"] is None
    assert store_items.why(db, 1, "https://x/1")["outcome"]["feed_id"] is None
    # Subscribing again starts a new feed whose first fetch is silent, and it counts no old alert.
    _, again = store_items.subscribe_after_probe(
        db,
        1,
        PRIVATE,
        "Paid wire",
        title=None,
        seen=[("k1", "https://x/1", "one")],
        etag=None,
        last_modified=None,
        next_due=0.0,
    )
    row = store.guild_feed(db, 1, again)
    assert row is not None and row["items_posted"] == 0
    assert store_items.mark_seen(db, again, [("k1", "https://x/1", "one")]) == ([], False)


def test_a_feed_deleted_while_it_was_fetched_is_left_alone(db: Database) -> None:
    feed = store.ensure_feed(db, PRIVATE)
    store.subscribe(db, 1, feed, None)
    store.unsubscribe(db, 1, feed)
    items = [("k1", "https://x/1", "one")]
    assert store_items.record_fetch(
        db, feed, items, etag=None, last_modified=None, title="T", next_due=1.0
    ) == ([], False)
    assert store.record_failure(db, feed, error="timeout", next_due=1.0, disable_after=10) == (0, False)
    store.record_success(db, feed, etag=None, last_modified=None, title="T", next_due=1.0)
    alert_id = store_items.insert_alert(
        db, {"guild_id": 1, "feed_id": feed, "item_key": "k1", "title": "one"}
    )
    assert feed_rows(db) == [] and seen_count(db, feed) == 0
    alert = store_items.get_alert(db, alert_id)
    assert alert is not None and alert["feed_id"] is None


def test_prune_deletes_feeds_nobody_follows_left_from_before(db: Database) -> None:
    left = store.ensure_feed(db, PRIVATE)  # as /alerts remove and purges used to leave them
    store_items.mark_seen(db, left, [("k1", "https://x/1", "one")])
    kept = store.ensure_feed(db, "http://127.0.0.1/rss")
    store.subscribe(db, 1, kept, None)
    assert store_items.prune(db) == 1
    assert [row[1] for row in feed_rows(db)] == ["http://127.0.0.1/rss"] and seen_count(db, left) == 0


def test_subscribing_to_recommended_feeds_shares_them(db: Database) -> None:
    pairs = [("http://127.0.0.1/a", "A"), ("http://127.0.0.1/b", "B")]
    assert store.subscribe_urls(db, 1, pairs) == 2 and store.subscribe_urls(db, 2, pairs[:1]) == 1
    a = store.feed_by_url(db, "http://127.0.0.1/a")
    assert a is not None
    store.unsubscribe(db, 1, a["id"])
    assert store.get_feed(db, a["id"]) is not None  # server 2 follows it
    assert privacy.forget_server(db, 2)["alerts.privacy.feeds"] == 1 and store.get_feed(db, a["id"]) is None


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
    store.subscribe(db, 1, feed, None)
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
