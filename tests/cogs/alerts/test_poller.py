"""The poller, one cycle at a time, against the local feed server and a real database file."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from bot.db import AsyncDatabase, open_database
from cogs.alerts import store, store_items
from cogs.alerts.fetch import FeedFetcher, FetchLimits
from cogs.alerts.migrations import alerts
from cogs.alerts.poller import BACKOFF_CAP_SECONDS, DISABLE_AFTER, Poller
from cogs.alerts.relevance import Keywords
from tests.cogs.alerts.feedserver import ENTITY_BOMB, HTML_PAGE, INVALID_XML, FeedServer, atom, rdf, rss

KEYWORDS = Keywords.load(Path(__file__).resolve().parents[3] / "data" / "keywords.toml")
GUILD = 1001
OTHER_GUILD = 1002
CHANNEL = 55


class FakePublisher:
    """Records what the poller would send to Discord."""

    def __init__(self) -> None:
        self.posts: list[tuple[int, dict[str, Any]]] = []
        self.edits: list[dict[str, Any]] = []
        self.disabled: list[tuple[int, dict[str, Any]]] = []
        self.digests: list[tuple[int, list[dict[str, Any]]]] = []
        self.records: list[dict[str, Any]] = []

    async def post_alert(self, guild: dict[str, Any], alert: dict[str, Any]) -> int | None:
        self.posts.append((guild["guild_id"], alert))
        return 9000 + len(self.posts)

    async def edit_alert(self, alert: dict[str, Any]) -> None:
        self.edits.append(alert)

    async def announce_disabled(self, guild: dict[str, Any], feed: dict[str, Any]) -> None:
        self.disabled.append((guild["guild_id"], feed))

    async def records_mentioned(self, text: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r["title"].lower() in text.lower()]

    async def post_digest(self, guild: dict[str, Any], alerts_: list[dict[str, Any]], day: str) -> int | None:
        self.digests.append((guild["guild_id"], alerts_))
        return 777


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def story(
    n: int, title: str | None = None, host: str = "news.example", about: str = "AI and anime"
) -> dict[str, str]:
    return {
        "title": title or f"Studio {n} admits generative AI in anime backgrounds",
        "link": f"https://{host}/story-{n}?utm_source=rss",
        "guid": f"{host}-{n}",
        "date": "Mon, 06 Jan 2025 10:00:00 GMT",
        "description": f"<p>Story {n} about <b>{about}</b>.</p>",
    }


class Harness:
    def __init__(self, path: Path, server: FeedServer) -> None:
        self.path = path
        self.server = server
        self.clock = Clock()
        self.publisher = FakePublisher()
        self.db: AsyncDatabase | None = None
        self.poller: Poller | None = None
        self.fetcher: FeedFetcher | None = None

    async def open(self) -> Harness:
        self.db = AsyncDatabase(open_database(self.path))
        await self.db.migrate(alerts)
        self.fetcher = FeedFetcher(
            frozenset({"127.0.0.1"}), limits=FetchLimits(connect=2, total=1.5, sock_read=1)
        )
        self.poller = Poller(
            self.db,
            self.fetcher,
            self.publisher,
            KEYWORDS,
            interval=600,
            clock=self.clock,
            rng=random.Random(4),
        )
        return self

    async def close(self) -> None:
        assert self.poller and self.fetcher and self.db
        await self.poller.stop()
        await self.fetcher.close()
        await self.db.close()

    async def restart(self) -> None:
        await self.close()
        await self.open()

    async def setup_guild(self, guild_id: int = GUILD, **settings: Any) -> None:
        assert self.db
        await self.db.run(store.update_guild, guild_id, channel_id=CHANNEL, **settings)

    async def subscribe(self, path: str, name: str, guild_id: int = GUILD) -> int:
        assert self.db
        feed_id = await self.db.run(store.ensure_feed, self.server.url(path))
        await self.db.run(store.subscribe, guild_id, feed_id, name)
        return feed_id

    async def cycle(self, advance: float = 10_000):
        assert self.poller
        self.clock.advance(advance)
        return await self.poller.run_once()

    async def feed(self, feed_id: int) -> dict[str, Any]:
        assert self.db
        return await self.db.run(store.get_feed, feed_id)


@pytest.fixture
async def h(tmp_path: Path, feed_server: FeedServer):
    harness = await Harness(tmp_path / "alerts.db", feed_server).open()
    try:
        yield harness
    finally:
        await harness.close()


async def test_first_fetch_is_silent_then_new_relevant_items_post_once(
    h: Harness, feed_server: FeedServer
) -> None:
    feed_server.documents["/rss"] = rss([story(1), story(2)])
    await h.setup_guild()
    await h.subscribe("/rss", "Local News")
    report = await h.cycle()
    assert report.fetched == 1 and h.publisher.posts == []
    feed_server.documents["/rss"] = rss([story(3), story(1), story(2), story(4, "New anime PV released")])
    report = await h.cycle()
    assert [a["title"] for _, a in h.publisher.posts] == [
        "Studio 3 admits generative AI in anime backgrounds"
    ]
    posted = h.publisher.posts[0][1]
    assert posted["source"] == "Local News" and posted["url"].startswith("https://news.example/story-3")
    await h.cycle()  # unchanged feed: 304, nothing new
    assert len(h.publisher.posts) == 1
    assert feed_server.conditional_hits.get("/rss") == 1


async def test_restart_never_reposts(h: Harness, feed_server: FeedServer) -> None:
    feed_server.documents["/rss"] = rss([story(1)])
    await h.setup_guild()
    feed_id = await h.subscribe("/rss", "Local")
    await h.cycle()
    feed_server.documents["/rss"] = rss([story(2), story(1)])
    await h.cycle()
    assert len(h.publisher.posts) == 1
    await h.restart()
    feed_server.documents["/rss"] = rss([story(2), story(1)], title="changed, so no 304")
    await h.cycle()
    assert len(h.publisher.posts) == 1
    assert (await h.feed(feed_id))["items_posted"] == 1


async def test_one_story_in_two_feeds_posts_once_and_the_other_joins(
    h: Harness, feed_server: FeedServer
) -> None:
    feed_server.documents["/a"] = rss([])
    feed_server.documents["/b"] = atom([])
    await h.setup_guild()
    await h.subscribe("/a", "Outlet A")
    await h.subscribe("/b", "Outlet B")
    await h.cycle()
    same = story(5)
    feed_server.documents["/a"] = rss([same])
    feed_server.documents["/b"] = atom(
        [{**same, "guid": "urn:other", "link": "https://news.example/story-5/"}]
    )
    report = await h.cycle()
    assert len(h.publisher.posts) == 1
    assert report.posted == 1
    assert h.publisher.edits == []  # same canonical URL: recorded as a duplicate, not an edit


async def test_same_story_from_another_outlet_is_clustered_with_one_coalesced_edit(
    h: Harness, feed_server: FeedServer
) -> None:
    for path in ("/a", "/b", "/c"):
        feed_server.documents[path] = rss([])
    await h.setup_guild()
    for path, name in (("/a", "Outlet A"), ("/b", "Outlet B"), ("/c", "Outlet C")):
        await h.subscribe(path, name)
    await h.cycle()
    title = "Toei Animation admits generative AI backgrounds in One Piece anime"
    feed_server.documents["/a"] = rss([story(1, title, "a.example")])
    await h.cycle()
    feed_server.documents["/b"] = rss([story(1, title + " - Outlet B", "b.example")])
    feed_server.documents["/c"] = rss([story(1, title.upper(), "c.example")])
    report = await h.cycle()
    assert len(h.publisher.posts) == 1 and report.clustered == 2
    assert len(h.publisher.edits) == 1  # two members joined, one edit
    assert [m["source"] for m in h.publisher.edits[0]["members"]] == ["Outlet B", "Outlet C"]


async def test_items_naming_the_same_record_cluster(h: Harness, feed_server: FeedServer) -> None:
    h.publisher.records = [
        {"id": "dog-and-boy", "title": "The Dog & The Boy", "label_key": "disclosures.label.credited"}
    ]
    for path in ("/a", "/b"):
        feed_server.documents[path] = rss([])
    await h.setup_guild()
    await h.subscribe("/a", "A")
    await h.subscribe("/b", "B")
    await h.cycle()
    feed_server.documents["/a"] = rss(
        [story(1, "Netflix anime The Dog & The Boy credits AI-generated backgrounds", "a.example")]
    )
    await h.cycle()
    feed_server.documents["/b"] = rss(  # the same news reworded (another story would be posted)
        [story(2, "Netflix credits AI for the backgrounds of its The Dog & The Boy short", "b.example")]
    )
    await h.cycle()
    assert len(h.publisher.posts) == 1
    assert h.publisher.posts[0][1]["record_ids"] == ["dog-and-boy"]
    assert h.publisher.edits[0]["members"][0]["source"] == "B"


async def test_each_fault_leaves_other_feeds_unaffected(h: Harness, feed_server: FeedServer) -> None:
    feed_server.documents["/good-rss"] = rss([story(1)])
    feed_server.documents["/good-rdf"] = rdf([story(2, host="rdf.example")])
    feed_server.documents["/bomb"] = ENTITY_BOMB
    feed_server.documents["/html"] = HTML_PAGE
    feed_server.documents["/invalid"] = INVALID_XML + b"<<<>>>&&&"
    feed_server.documents["/wrong-encoding"] = rss(
        [story(3, "生成AIアニメの背景 " + "記事", "j.example")], encoding="iso-8859-1"
    )
    faults = [
        "/fault/timeout",
        "/fault/status/500",
        "/fault/status/404",
        "/fault/status/410",
        "/fault/loop/0",
        "/fault/huge",
        "/fault/drip",
        "/fault/redirect-refused",
        "/bomb",
        "/html",
        "/invalid",
    ]
    await h.setup_guild()
    good = [await h.subscribe(p, p) for p in ("/good-rss", "/good-rdf", "/wrong-encoding")]
    bad = {p: await h.subscribe(p, p) for p in faults}
    report = await h.cycle()
    assert report.fetched >= 3
    feed_server.documents["/good-rss"] = rss([story(10), story(1)])
    feed_server.documents["/good-rdf"] = rdf([story(11, host="rdf.example"), story(2, host="rdf.example")])
    feed_server.documents["/wrong-encoding"] = rss(
        [story(12, "画像生成AIで描かれたアニメのイラスト", "j.example")], encoding="iso-8859-1"
    )
    report = await h.cycle()
    titles = sorted(a["title"] for _, a in h.publisher.posts)
    assert titles == sorted(
        [
            "Studio 10 admits generative AI in anime backgrounds",
            "Studio 11 admits generative AI in anime backgrounds",
            "画像生成AIで描かれたアニメのイラスト",
        ]
    )
    for feed_id in good:
        assert (await h.feed(feed_id))["failures"] == 0
    reasons = {path: (await h.feed(fid))["last_error"] for path, fid in bad.items()}
    recovered = "/invalid"  # lxml's recovering parser salvages the intact part; either outcome is handled
    assert all(reasons[p] for p in faults if p != recovered), reasons
    assert reasons[recovered] is None or reasons[recovered].startswith("invalid")
    assert reasons["/fault/redirect-refused"].startswith("refused_address")
    assert reasons["/fault/huge"].startswith("too_large")
    assert reasons["/fault/timeout"].startswith("timeout") and reasons["/fault/drip"].startswith("timeout")
    assert reasons["/bomb"].startswith("entities") and reasons["/html"].startswith("not_a_feed")
    assert reasons["/fault/status/410"].startswith("http_410")


async def test_backoff_grows_and_ten_failures_disable_with_one_announcement(
    h: Harness, feed_server: FeedServer
) -> None:
    await h.setup_guild()
    await h.setup_guild(OTHER_GUILD)
    feed_id = await h.subscribe("/fault/status/500", "Broken")
    await h.subscribe("/fault/status/500", "Broken too", OTHER_GUILD)
    delays = []
    for _ in range(DISABLE_AFTER):
        report = await h.cycle(advance=BACKOFF_CAP_SECONDS * 2)
        assert report.due == 1
        feed = await h.feed(feed_id)
        delays.append(feed["next_due"] - h.clock.now)
    assert delays[1] > delays[0] and max(delays) <= BACKOFF_CAP_SECONDS * 1.2 + 1
    feed = await h.feed(feed_id)
    assert feed["disabled"] == 1 and feed["failures"] == DISABLE_AFTER
    assert sorted(g for g, _ in h.publisher.disabled) == [GUILD, OTHER_GUILD]
    assert h.publisher.disabled[0][1]["last_error"].startswith("http_500")
    report = await h.cycle(advance=BACKOFF_CAP_SECONDS * 2)
    assert report.due == 0 and len(h.publisher.disabled) == 2
    assert feed_server.hits["/fault/status/500"] == DISABLE_AFTER
    assert h.db is not None
    await h.db.run(store.enable_feed, feed_id)
    assert (await h.cycle(advance=1)).due == 1


async def test_one_fetch_per_url_however_many_servers(h: Harness, feed_server: FeedServer) -> None:
    feed_server.documents["/shared"] = rss([])
    await h.setup_guild()
    await h.setup_guild(OTHER_GUILD, relevance="broad")
    await h.subscribe("/shared", "Shared")
    await h.subscribe("/shared", "Shared (other)", OTHER_GUILD)
    await h.cycle()
    feed_server.documents["/shared"] = rss(
        [story(1), story(2, "Generative AI startup raises money", about="funding")]
    )
    await h.cycle()
    assert feed_server.hits["/shared"] == 2
    per_guild = sorted((g, a["title"]) for g, a in h.publisher.posts)
    assert per_guild == [
        (GUILD, "Studio 1 admits generative AI in anime backgrounds"),
        (OTHER_GUILD, "Generative AI startup raises money"),
        (OTHER_GUILD, "Studio 1 admits generative AI in anime backgrounds"),
    ]


async def test_paused_and_digest_modes(h: Harness, feed_server: FeedServer) -> None:
    from datetime import UTC, datetime

    feed_server.documents["/rss"] = rss([])
    await h.setup_guild(paused=1)
    await h.setup_guild(OTHER_GUILD, digest_time="09:00")
    await h.subscribe("/rss", "Local")
    await h.subscribe("/rss", "Local", OTHER_GUILD)
    await h.cycle()
    feed_server.documents["/rss"] = rss([story(1), story(2)])
    await h.cycle()
    assert h.publisher.posts == []
    assert h.poller is not None
    assert await h.poller.run_digests(datetime(2025, 3, 1, 8, 59, tzinfo=UTC)) == 0
    assert await h.poller.run_digests(datetime(2025, 3, 1, 9, 0, tzinfo=UTC)) == 1
    assert await h.poller.run_digests(datetime(2025, 3, 1, 23, 0, tzinfo=UTC)) == 0
    ((guild_id, listed),) = h.publisher.digests
    assert guild_id == OTHER_GUILD and len(listed) == 2
    assert h.db is not None
    info = await h.db.run(store_items.why, GUILD, "https://news.example/story-1")
    assert info["outcome"]["outcome"] == "paused"


async def test_max_age_delays_the_next_fetch(h: Harness, feed_server: FeedServer) -> None:
    feed_server.documents["/cached"] = rss([])
    feed_server.headers["/cached"] = {"Cache-Control": "max-age=3000"}
    await h.setup_guild()
    feed_id = await h.subscribe("/cached", "Cached")
    await h.cycle()
    assert (await h.feed(feed_id))["next_due"] - h.clock.now >= 3000
    assert (await h.cycle(advance=700)).due == 0
