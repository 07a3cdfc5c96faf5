"""The sandbox's built-in demo feed: sample AI-in-anime stories (data/demo/) served as RSS on loopback.

The first request is the alerts cog's silent baseline, so it gets only the first story; every later request
releases ``per_fetch`` more, so a freshly subscribed alert channel fills within a few poll cycles.
"""

from __future__ import annotations

import html
import logging
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from aiohttp import web

from emulator.web.loopback import require_loopback

log = logging.getLogger(__name__)

DEMO_STORIES = Path(__file__).resolve().parents[1] / "data" / "demo" / "stories.toml"
FEED_PATH = "/feed.xml"


@dataclass(frozen=True)
class DemoStory:
    slug: str
    title: str
    summary: str
    language: str = "en"


@dataclass(frozen=True)
class DemoFeed:
    title: str
    description: str
    stories: tuple[DemoStory, ...]


def load_demo_feed(path: Path = DEMO_STORIES) -> DemoFeed:
    """Read the sample stories (every one is fictional and says so)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    meta = data.get("feed", {})
    stories = tuple(
        DemoStory(str(s["slug"]), str(s["title"]), str(s["summary"]), str(s.get("language", "en")))
        for s in data.get("story", [])
    )
    return DemoFeed(str(meta.get("title", "Demo feed")), str(meta.get("description", "")), stories)


def render_rss(feed: DemoFeed, base_url: str, released: list[tuple[DemoStory, datetime]]) -> str:
    """RSS 2.0 for the released stories, newest first (every text escaped)."""
    items = []
    for story, at in reversed(released):
        link = f"{base_url}/stories/{story.slug}"
        items.append(
            "<item>"
            f"<title>{escape(story.title)}</title>"
            f"<link>{escape(link)}</link>"
            f'<guid isPermaLink="true">{escape(link)}</guid>'
            f"<description>{escape(story.summary)}</description>"
            f"<pubDate>{format_datetime(at)}</pubDate>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(feed.title)}</title><link>{escape(base_url)}/</link>"
        f"<description>{escape(feed.description)}</description>" + "".join(items) + "</channel></rss>\n"
    )


def render_story_page(story: DemoStory) -> str:
    """A minimal HTML page for a story link, with the demo notice first."""
    return (
        f'<!doctype html><html lang="{html.escape(story.language)}"><meta charset="utf-8">'
        f'<title>{html.escape(story.title)}</title><body style="font-family:sans-serif;max-width:40em;margin:2em auto">'
        "<p><strong>DEMO CONTENT</strong>: a fictional sample story served by the Haikei sandbox. Not real news.</p>"
        f"<h1>{html.escape(story.title)}</h1><p>{html.escape(story.summary)}</p></body></html>"
    )


class DemoFeedServer:
    """Serve ``/feed.xml`` and ``/stories/<slug>`` on loopback, releasing stories as it is polled."""

    def __init__(self, feed: DemoFeed | None = None, *, initial: int = 1, per_fetch: int = 2) -> None:
        self.feed = feed or load_demo_feed()
        self.initial = initial
        self.per_fetch = per_fetch
        self.requests = 0
        self.released: list[tuple[DemoStory, datetime]] = []
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def feed_url(self) -> str:
        return self.url + FEED_PATH

    def release(self) -> list[tuple[DemoStory, datetime]]:
        """Count one fetch and release the stories it is due (the first fetch gets ``initial``)."""
        target = self.initial if self.requests == 0 else len(self.released) + self.per_fetch
        self.requests += 1
        now = datetime.now(UTC)
        for story in self.feed.stories[len(self.released) : target]:
            self.released.append((story, now))
        return list(self.released)

    async def _feed(self, request: web.Request) -> web.Response:
        body = render_rss(self.feed, self.url, self.release())
        return web.Response(text=body, content_type="application/rss+xml", charset="utf-8")

    async def _story(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        story = next((s for s in self.feed.stories if s.slug == slug), None)
        if story is None:
            raise web.HTTPNotFound()
        return web.Response(text=render_story_page(story), content_type="text/html", charset="utf-8")

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> DemoFeedServer:
        """Listen on loopback only (ValueError otherwise); ``port=0`` picks a free port."""
        require_loopback(host)
        app = web.Application()
        app.router.add_get(FEED_PATH, self._feed)
        app.router.add_get("/stories/{slug}", self._story)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = self._runner.addresses[0][1]
        log.info("Demo feed (sample stories, not real news) at %s", self.feed_url)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
