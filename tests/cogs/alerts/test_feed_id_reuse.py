"""A feed deleted while the poller fetches it (its last server unsubscribed) may pass its number on to a feed
added meanwhile (SQLite reuses the highest id): the old feed's results never reach the new feed or its server."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from bot.db import AsyncDatabase, open_database
from cogs.alerts import store, store_items
from cogs.alerts.fetch import FetchResult
from cogs.alerts.migrations import alerts
from cogs.alerts.poller import Poller
from tests.cogs.alerts.feedserver import rss
from tests.cogs.alerts.test_poller import KEYWORDS, Clock, FakePublisher, story

G, H = 1001, 1002
PRIVATE = "https://private.example/feed?token=SECRET"
PUBLIC = "https://public.example/rss"


class HeldFetcher:
    """Serves documents from memory; the private feed's fetch waits until the test lets it finish."""

    def __init__(self) -> None:
        self.docs: dict[str, bytes] = {}
        self.release = asyncio.Event()
        self.fetching = asyncio.Event()

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        if url == PRIVATE:
            self.fetching.set()
            await self.release.wait()
        return FetchResult(url, 200, self.docs[url], f'"etag-of-{url}"', None, None, "application/rss+xml")

    async def close(self) -> None:
        pass


async def test_a_reused_feed_number_never_gets_the_deleted_feeds_results(tmp_path: Path) -> None:
    db = AsyncDatabase(open_database(tmp_path / "a.db"))
    await db.migrate(alerts)
    fetcher, publisher, clock = HeldFetcher(), FakePublisher(), Clock()
    poller = Poller(db, fetcher, publisher, KEYWORDS, interval=600, clock=clock, rng=random.Random(1))
    try:
        for guild in (G, H):
            await db.run(store.update_guild, guild, channel_id=55)
        fetcher.docs[PRIVATE] = rss([story(1, host="private.example")], title="G private feed")
        _, private_id = await db.run(
            store_items.subscribe_after_probe, G, PRIVATE, "G's feed", title="G private feed", seen=[],
            etag=None, last_modified=None, next_due=0.0,
        )  # fmt: skip
        await db.run(store_items.mark_seen, private_id, [])
        fetcher.docs[PRIVATE] = rss(
            [story(2, host="private.example"), story(1, host="private.example")], title="G private feed"
        )
        clock.advance(10_000)
        cycle = asyncio.create_task(poller.run_once())
        await fetcher.fetching.wait()
        await db.run(store.unsubscribe, G, private_id)  # the last subscriber: the feed is deleted
        fetcher.docs[PUBLIC] = rss([story(9, host="public.example")], title="Public feed")
        _, public_id = await db.run(
            store_items.subscribe_after_probe, H, PUBLIC, "H's feed", title="Public feed",
            seen=[("k9", "https://public.example/story-9", "t")], etag=None, last_modified=None,
            next_due=clock() + 600,
        )  # fmt: skip
        assert public_id == private_id  # SQLite gave the new feed the deleted one's number
        fetcher.release.set()
        await cycle
        public = await db.run(store.get_feed, public_id)
        assert (public["title"], public["etag"]) == ("Public feed", None)
        assert not any("private.example" in alert["url"] for _, alert in publisher.posts)
        seen = await db.run(
            lambda d: [r[0] for r in d.execute("SELECT url FROM alerts_seen WHERE feed_id = ?", [public_id])]
        )
        assert all("private.example" not in (url or "") for url in seen)
    finally:
        await poller.stop()
        await db.close()
