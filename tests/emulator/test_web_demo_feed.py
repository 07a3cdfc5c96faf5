"""The demo feed: clearly marked sample stories, released as it is polled, served on loopback only."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
import feedparser
import pytest

from emulator.demo_feeds import DemoFeed, DemoFeedServer, DemoStory, load_demo_feed, render_rss


def test_shipped_stories_are_marked_as_demo_content() -> None:
    feed = load_demo_feed()
    assert len(feed.stories) >= 5
    assert "not real news" in feed.title
    for story in feed.stories:
        assert story.title.startswith(("[Demo]", "[デモ]")), story.title
    assert len({s.slug for s in feed.stories}) == len(feed.stories)


def test_rss_escapes_text_and_lists_newest_first() -> None:
    feed = DemoFeed("Demo <feed>", "d", ())
    first = DemoStory("a", "[Demo] A & <b>", "x < y")
    second = DemoStory("b", "[Demo] B", "z")
    now = datetime(2025, 1, 2, tzinfo=UTC)
    parsed = feedparser.parse(render_rss(feed, "http://127.0.0.1:1", [(first, now), (second, now)]))
    assert parsed.feed.title == "Demo <feed>"
    assert [e.title for e in parsed.entries] == ["[Demo] B", "[Demo] A & <b>"]
    assert parsed.entries[1].link == "http://127.0.0.1:1/stories/a"


async def test_first_fetch_is_a_small_baseline_then_each_fetch_releases_more() -> None:
    server = await DemoFeedServer(initial=1, per_fetch=2).start()
    try:
        async with aiohttp.ClientSession() as http:
            counts = []
            for _ in range(3):
                async with http.get(server.feed_url) as resp:
                    assert resp.status == 200
                    counts.append(len(feedparser.parse(await resp.text()).entries))
            story = server.feed.stories[0]
            async with http.get(f"{server.url}/stories/{story.slug}") as resp:
                page = await resp.text()
            async with http.get(f"{server.url}/stories/nope") as resp:
                assert resp.status == 404
    finally:
        await server.stop()
    assert counts == [1, 3, 5]
    assert "DEMO CONTENT" in page


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.com"])
async def test_demo_feed_refuses_non_loopback_hosts(host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        await DemoFeedServer().start(host)
