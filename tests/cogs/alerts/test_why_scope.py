"""What one server may learn about feeds and stories: only its own feeds, decisions and alerts.

A feed row is shared by every server that follows the same address (so a private feed's URL, with its secret
token, is in the database once); subscriptions, decisions, posted alerts and keywords are per server.
"""

from __future__ import annotations

from typing import Any

import discord
from sqlite_utils import Database

from cogs.alerts import store, store_items
from cogs.alerts.embeds import feed_pages, why_embed

PRIVATE = "http://127.0.0.1/private?token=SECRET-PAID-KEY-123"
STORY = "https://news.example/s/77"
A, B = 1, 2


def private_feed_of_a(db: Database) -> int:
    """Server A follows a private feed whose first fetch held STORY (so it was never posted)."""
    feed = store.ensure_feed(db, PRIVATE, "Paid wire")
    store_items.mark_seen(db, feed, [("g77", STORY, "Studio admits AI backgrounds in anime")])
    store.subscribe(db, A, feed, "our private feed")
    return feed


def alert(db: Database, guild_id: int, feed: int, key: str, url: str) -> int:
    return store_items.insert_alert(
        db,
        {
            "guild_id": guild_id,
            "channel_id": 5,
            "feed_id": feed,
            "item_key": key,
            "canonical_url": url,
            "title": f"story of {guild_id}",
            "source": "Wire",
        },
    )


def sql(db: Database, query: str, params: list[Any] | None = None) -> None:
    """Set a timestamp by hand (committed, as the store writes)."""
    with db.atomic():
        db.execute(query, params or [])


def shown(embed: discord.Embed) -> str:
    return "\n".join(
        [embed.title or "", embed.description or ""] + [f"{f.name}: {f.value}" for f in embed.fields]
    )


def keys(key: str, **params: Any) -> str:
    """A stand-in translator: the key and its parameters, so a test sees exactly what was said."""
    return " ".join([key, *(f"{name}={value}" for name, value in sorted(params.items()))])


def test_why_never_names_a_feed_the_server_does_not_follow(db: Database) -> None:
    private_feed_of_a(db)
    info = store_items.why(db, B, STORY)
    assert info == {"seen": [], "outcome": None, "alert": None}
    text = shown(why_embed(STORY, info, keys))
    assert "alerts.why.never_fetched" in text
    assert "SECRET" not in text and "127.0.0.1" not in text and "private" not in text
    assert "alerts.why.outcome.baseline" not in text  # no explanation borrowed from another server
    # Server A still sees its own feed, by its own name.
    (row,) = store_items.why(db, A, STORY)["seen"]
    assert row["feed_name"] == "our private feed" and row["baseline"]


def test_a_shared_feed_is_named_and_timed_as_the_asking_server_knows_it(db: Database) -> None:
    feed = private_feed_of_a(db)
    sql(db, "UPDATE alerts_seen SET first_seen = '2025-01-01T00:00:00+00:00'")
    store.subscribe(db, B, feed, "wire")
    sql(db, "UPDATE alerts_subscriptions SET added_at = '2025-03-01T00:00:00+00:00' WHERE guild_id = ?", [B])
    (row,) = store_items.why(db, B, STORY)["seen"]
    assert row["feed_name"] == "wire"  # never A's name for it
    assert row["first_seen"] == "2025-03-01T00:00:00+00:00"  # not when the feed first held it for A
    assert row["baseline"]  # it was already there when B subscribed: never posted in B
    assert "subscribed" not in row


def test_an_item_seen_after_subscribing_is_not_baseline(db: Database) -> None:
    feed = private_feed_of_a(db)
    store.subscribe(db, B, feed, "wire")
    sql(db, "UPDATE alerts_subscriptions SET added_at = '2025-03-01T00:00:00+00:00'")
    store_items.mark_seen(db, feed, [("g78", "https://news.example/s/78", "later")])
    sql(db, "UPDATE alerts_seen SET first_seen = '2025-03-02T00:00:00+00:00' WHERE item_key = 'g78'")
    (row,) = store_items.why(db, B, "https://news.example/s/78")["seen"]
    assert not row["baseline"] and row["first_seen"] == "2025-03-02T00:00:00+00:00"


def test_why_never_returns_another_servers_alert(db: Database) -> None:
    feed = private_feed_of_a(db)
    theirs = alert(db, A, feed, "g77", STORY)
    # A decision of B's that names A's alert (it should never, but B must not see A's alert even then).
    store_items.record_outcomes(
        db,
        [{"guild_id": B, "canonical_url": STORY, "outcome": "clustered", "terms": [], "alert_id": theirs}],
    )
    info = store_items.why(db, B, STORY)
    assert info["alert"] is None and info["seen"] == []
    assert store_items.why(db, A, STORY)["alert"]["id"] == theirs


def test_a_server_that_unsubscribed_still_sees_its_own_decision_and_alert(db: Database) -> None:
    feed = private_feed_of_a(db)
    store.subscribe(db, B, feed, "wire")
    ours = alert(db, B, feed, "g77", STORY)
    store_items.record_outcomes(
        db,
        [
            {
                "guild_id": B,
                "canonical_url": STORY,
                "outcome": "posted",
                "terms": ["ai"],
                "score": 3,
                "alert_id": ours,
            }
        ],
    )
    store.unsubscribe(db, B, feed)
    info = store_items.why(db, B, STORY)
    assert info["seen"] == [] and info["outcome"]["outcome"] == "posted" and info["alert"]["id"] == ours
    text = shown(why_embed(STORY, info, keys))
    assert "alerts.why.never_fetched" in text and "alerts.why.outcome.posted" in text
    assert "alerts.why.alert" in text and "private" not in text


def test_feed_list_counts_only_this_servers_alerts(db: Database) -> None:
    feed = private_feed_of_a(db)
    store.subscribe(db, B, feed, "wire")
    for n in range(3):
        alert(db, A, feed, f"a{n}", f"https://news.example/a/{n}")
    alert(db, B, feed, "b0", "https://news.example/b/0")
    (mine,) = store.guild_feeds(db, B)
    assert mine["items_posted"] == 1 and mine["name"] == "wire"
    assert store.guild_feeds(db, A)[0]["items_posted"] == 3
    assert store.get_feed(db, feed)["items_posted"] == 4  # the feed's own total stays (all servers)
    (page,) = feed_pages([mine], keys)
    assert "alerts.feeds.items_posted count=1 since=<t:" in page.fields[0].value
