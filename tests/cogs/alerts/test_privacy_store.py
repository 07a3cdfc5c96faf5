"""A purged server's alerts go (with the feeds no other server follows); posted alerts are forgotten after POSTED_ALERT_DAYS, and
the poller's own pruning keeps the periods stated in bot.retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from bot.retention import ALERT_DECISION_DAYS, DAY, POSTED_ALERT_DAYS, SEEN_ITEM_DAYS
from cogs.alerts import privacy, store, store_items


def alert(db: Database, guild_id: int, key: str, posted_at: datetime) -> int:
    return store_items.insert_alert(
        db,
        {
            "guild_id": guild_id,
            "item_key": key,
            "canonical_url": f"https://news.example/{key}",
            "url": f"https://news.example/{key}",
            "title": key,
            "posted_at": posted_at.isoformat(timespec="seconds"),
        },
    )


def test_a_servers_alert_data_is_purged_and_shared_feeds_stay(db: Database) -> None:
    feed = store.ensure_feed(db, "http://127.0.0.1/rss")
    for guild_id in (1, 2):
        store.subscribe(db, guild_id, feed, None)
        store.update_guild(db, guild_id, channel_id=5)
        store.add_keyword(db, guild_id, "Kaiber", False)
        alert(db, guild_id, f"g{guild_id}", datetime.now(UTC))
    store_items.record_outcomes(
        db,
        [{"guild_id": 1, "canonical_url": "https://x/1", "outcome": "posted", "at": "2025-01-01T00:00:00"}],
    )

    assert privacy.forget_server(db, 1) == {
        "alerts.privacy.subscriptions": 1,
        "alerts.privacy.feeds": 0,  # server 2 still follows it
        "alerts.privacy.posted": 1,
    }

    for table in privacy.GUILD_TABLES:
        assert db.execute(f"SELECT count(*) FROM {table} WHERE guild_id = 1").fetchone()[0] == 0, table
        if table != "alerts_outcomes":  # the other server keeps everything
            assert db.execute(f"SELECT count(*) FROM {table} WHERE guild_id = 2").fetchone()[0] == 1, table
    assert store.guild_feeds(db, 2) and store.count_feeds(db) == 1
    assert db.execute("SELECT count(*) FROM alerts_posted WHERE guild_id = 2").fetchone()[0] == 1


def test_a_purge_deletes_the_feeds_only_that_server_followed_with_their_seen_items(db: Database) -> None:
    private = store.ensure_feed(db, "http://127.0.0.1/p?apikey=B-SERVER-SECRET", "Paid wire")
    shared = store.ensure_feed(db, "http://127.0.0.1/shared?key=AB", "Shared")
    other = store.ensure_feed(db, "http://127.0.0.1/other", "Other")
    store.subscribe(db, 2, private, None)
    store.subscribe(db, 2, shared, None)
    store.subscribe(db, 1, shared, None)
    store.subscribe(db, 1, other, None)
    for feed in (private, shared, other):
        store_items.mark_seen(db, feed, [(f"k{feed}", f"https://news.example/{feed}", "story")])
    gone = alert(db, 2, "b", datetime.now(UTC))
    db.execute("UPDATE alerts_posted SET feed_id = ? WHERE id = ?", [private, gone])

    counts = privacy.forget_server(db, 2)

    assert counts["alerts.privacy.feeds"] == 1 and counts["alerts.privacy.subscriptions"] == 2
    assert store.get_feed(db, private) is None
    assert "SECRET" not in " ".join(str(v) for row in db.execute("SELECT * FROM alerts_feeds") for v in row)
    assert db.execute("SELECT count(*) FROM alerts_seen WHERE feed_id = ?", [private]).fetchone()[0] == 0
    # The feeds server 1 follows stay, seen items included.
    assert {f["id"] for f in store.guild_feeds(db, 1)} == {shared, other}
    assert db.execute("SELECT count(*) FROM alerts_seen").fetchone()[0] == 2


def test_posted_alerts_are_forgotten_after_the_stated_period(db: Database) -> None:
    now = datetime.now(UTC)
    old = alert(db, 1, "old", now - timedelta(days=POSTED_ALERT_DAYS + 1))
    recent = alert(db, 1, "recent", now - timedelta(days=POSTED_ALERT_DAYS - 1))
    assert privacy.apply_retention(db, now.timestamp()) == {"alerts.privacy.posted": 1}
    assert store_items.get_alert(db, old) is None and store_items.get_alert(db, recent) is not None
    assert privacy.apply_retention(db, now.timestamp() + 2 * DAY) == {"alerts.privacy.posted": 1}


def test_the_pollers_pruning_keeps_the_stated_periods() -> None:
    assert timedelta(days=SEEN_ITEM_DAYS) == store_items.SEEN_RETENTION
    assert timedelta(days=ALERT_DECISION_DAYS) == store_items.OUTCOME_RETENTION
