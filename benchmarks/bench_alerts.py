"""Alerts benchmark: one poller cycle over 500 local feeds x 50 items (20% 304, 5% failing), the parse
time of fastfeedparser against feedparser (the baseline) on the same bytes, measured in the same run, and the
precision and recall of each relevance mode on the labelled headlines of tests/cogs/alerts/relevance_set.toml,
and the time to turn hostile-sized feed HTML into text (lxml) next to a one-regex tag strip on the same input.

Run: .venv/bin/python benchmarks/bench_alerts.py [--feeds 500] [--items 50] [--relevance-only]
Everything is served from 127.0.0.1 by a server in a separate process (as a remote site would be).
Exits 1 when relevance, the cycle or the HTML-to-text time misses its target (the parse speed-up is too noisy to
gate on).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import multiprocessing
import random
import re
import resource
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bot.db import AsyncDatabase, open_database  # noqa: E402
from cogs.alerts import store  # noqa: E402
from cogs.alerts.fetch import FeedFetcher  # noqa: E402
from cogs.alerts.migrations import alerts  # noqa: E402
from cogs.alerts.poller import Poller  # noqa: E402
from cogs.alerts.relevance import DEFAULT_MODE, Keywords, Matcher  # noqa: E402
from cogs.alerts.render import plain_text  # noqa: E402

log = logging.getLogger("bench_alerts")

RELEVANCE_SET = ROOT / "tests" / "cogs" / "alerts" / "relevance_set.toml"
RELEVANCE_TARGET = 0.95  # precision and recall of the default mode
CYCLE_TARGET_S = 5.0
TEXT_TARGET_S = 1.0  # one feed text of 2 MB (or 100k nested tags) into plain text

WORDS = [
    "studio",
    "season",
    "episode",
    "trailer",
    "release",
    "director",
    "fans",
    "series",
    "premiere",
    "update",
    "festival",
    "award",
]


def feed_document(index: int, version: int, items: int) -> bytes:
    """A realistic RSS 2.0 feed: 50 items with HTML descriptions; ~1 in 10 items is about generative AI."""
    rng = random.Random(index * 1000 + version)
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>']
    parts.append(
        f"<title>Bench feed {index}</title><link>http://127.0.0.1/</link><description>b</description>"
    )
    for n in range(items):
        words = " ".join(rng.choice(WORDS) for _ in range(8))
        ai = rng.random() < 0.1
        title = f"{'Generative AI used in anime ' if ai else ''}{words} {index}-{version}-{n}"
        body = "<p>" + " ".join(rng.choice(WORDS) for _ in range(60)) + "</p>"
        parts.append(
            f"<item><title>{escape(title)}</title><link>https://news{index}.example/{version}/{n}</link>"
            f"<guid>bench-{index}-{version}-{n}</guid><pubDate>Mon, 06 Jan 2025 10:{n % 60:02d}:00 GMT</pubDate>"
            f"<description>{escape(body)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def serve(port_queue: Any, feeds: int, items: int) -> None:
    """The feed server process: /feed/{i}; POST /bump switches 80% of feeds to new items."""
    state = {"version": 1}
    cache: dict[tuple[int, int], bytes] = {}

    async def feed(request: web.Request) -> web.Response:
        index = int(request.match_info["i"])
        if index % 20 == 1:
            return web.Response(status=500)
        version = state["version"] if index % 5 != 0 else 1
        etag = f'"{index}-{version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = cache.get((index, version))
        if body is None:
            body = cache[(index, version)] = feed_document(index, version, items)
        return web.Response(body=body, headers={"ETag": etag}, content_type="application/rss+xml")

    async def bump(request: web.Request) -> web.Response:
        state["version"] += 1
        return web.Response(text="ok")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{i}", feed)
        app.router.add_post("/bump", bump)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


class CountingPublisher:
    def __init__(self) -> None:
        self.posts = 0

    async def post_alert(self, guild: dict[str, Any], alert: dict[str, Any]) -> int | None:
        self.posts += 1
        return self.posts

    async def edit_alert(self, alert: dict[str, Any]) -> None:
        return None

    async def announce_disabled(self, guild: dict[str, Any], feed: dict[str, Any]) -> None:
        return None

    async def records_mentioned(self, text: str) -> list[dict[str, Any]]:
        return []

    async def post_digest(self, guild: dict[str, Any], alerts: list[dict[str, Any]], day: str) -> int | None:
        return None


def parse_comparison(documents: list[bytes]) -> tuple[float, float]:
    """Best-of-N seconds to parse every document with fastfeedparser and with feedparser (bytes, never URLs)."""
    import fastfeedparser
    import feedparser

    def best(runs: int, parse: Any) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            for data in documents:
                parse(data)
            times.append(time.perf_counter() - started)
        return min(times)  # best of N: the least disturbed by other work on a shared machine

    fast = best(
        7,
        lambda data: fastfeedparser.parse(
            data, include_tags=False, include_media=False, include_enclosures=False
        ),
    )
    slow = best(3, feedparser.parse)
    return fast, slow


async def cycle_benchmark(port: int, feeds: int, items: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = AsyncDatabase(open_database(Path(tmp) / "bench.db"))
        await db.migrate(alerts)
        await db.run(store.update_guild, 1, channel_id=10)
        pairs = [(f"http://127.0.0.1:{port}/feed/{i}", f"Feed {i}") for i in range(feeds)]
        await db.run(store.subscribe_urls, 1, pairs)
        keywords = Keywords.load(ROOT / "data" / "keywords.toml")
        publisher = CountingPublisher()
        clock = {"now": time.time()}
        fetcher = FeedFetcher(frozenset({"127.0.0.1"}))
        poller = Poller(db, fetcher, publisher, keywords, interval=600, clock=lambda: clock["now"])
        warm = await poller.run_once()  # first fetch: baseline (silent), establishes ETags
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"http://127.0.0.1:{port}/bump") as bumped,
        ):
            bumped.raise_for_status()
        clock["now"] += 100_000
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu0, wall0 = time.process_time(), time.perf_counter()
        report = await poller.run_once()
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        await poller.stop()
        await fetcher.close()
        await db.close()
    items_processed = report.fetched * items
    return {
        "warm_fetched": warm.fetched,
        "due": report.due,
        "fetched": report.fetched,
        "not_modified": report.not_modified,
        "failed": report.failed,
        "new_items": report.new_items,
        "posted": report.posted,
        "wall": wall,
        "cpu": cpu,
        "items_per_s": items_processed / wall if wall else 0.0,
        "peak_rss_mib": rss_after / 1024,
        "rss_growth_mib": (rss_after - rss_before) / 1024,
    }


def relevance_figures() -> list[str]:
    """Print precision and recall of strict (the default) and broad on the labelled set; return the misses."""
    data = tomllib.loads(RELEVANCE_SET.read_text(encoding="utf-8"))
    cases = [case for name in ("dev", "check1", "check2") for case in data[name]]
    matcher = Matcher(Keywords.load(ROOT / "data" / "keywords.toml"))
    languages = sum(case["language"] == "ja" for case in cases)
    print(
        f"relevance on {len(cases)} labelled headlines ({len(cases) - languages} en, {languages} ja, "
        f"{sum(case['label'] for case in cases)} relevant):"
    )
    recall: dict[str, float] = {}
    misses = []
    for mode in ("strict", "broad"):
        tp = fp = fn = 0
        for case in cases:
            said = matcher.judge(case["text"], "", mode).relevant
            tp += said and case["label"]
            fp += said and not case["label"]
            fn += case["label"] and not said
        precision, recall[mode] = tp / (tp + fp), tp / (tp + fn)
        if mode == DEFAULT_MODE:
            target = f"(target >= {RELEVANCE_TARGET:.2f} both; the default mode)"
            if precision < RELEVANCE_TARGET or recall[mode] < RELEVANCE_TARGET:
                misses.append(f"{mode} precision/recall")
        else:
            target = "(target: recall > strict recall)"
            if recall[mode] <= recall["strict"]:
                misses.append(f"{mode} recall")
        print(f"  {mode:7} precision {precision:.3f}  recall {recall[mode]:.3f}  {target}")
    return misses


def text_figures() -> list[str]:
    """plain_text on inputs a hostile feed could send, against a regex tag strip (no parsing) as the baseline."""
    block = '<p>Hello <b>world</b> &amp; <a title=">" href="https://e.example/?a=1&amp;b=2">friends</a></p>'
    cases = {
        "2 MB of markup": block * (2_000_000 // len(block)),
        "100k nested tags": "<b>" * 100_000 + "deep" + "</b>" * 100_000,
        "2 MB of text with < and &": "a < b & " * 250_000,
    }
    tag = re.compile(r"<[^<>]*>")  # linear: `<[^>]*>` takes minutes on a text of many "<" and no ">"
    misses: list[str] = []
    print(f"feed HTML to text (target <= {TEXT_TARGET_S:.1f} s each):")
    for name, markup in cases.items():
        started = time.perf_counter()
        plain_text(markup)
        took = time.perf_counter() - started
        started = time.perf_counter()
        html.unescape(tag.sub(" ", markup))
        baseline = time.perf_counter() - started
        print(f"  {name:26} lxml {took * 1000:8.1f} ms   regex strip {baseline * 1000:8.1f} ms  [baseline]")
        if took > TEXT_TARGET_S:
            misses.append(f"HTML to text ({name})")
    return misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--relevance-only", action="store_true", help="only the relevance figures")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    misses = relevance_figures()
    if args.relevance_only:
        sys.exit(1 if misses else 0)
    misses += text_figures()

    documents = [feed_document(i, 2, args.items) for i in range(min(args.feeds, 200))]
    fast, slow = parse_comparison(documents)
    size = sum(map(len, documents)) / len(documents) / 1024
    print(f"parse {len(documents)} feeds x {args.items} items (~{size:.0f} KiB each), same bytes:")
    print(f"  fastfeedparser  {fast * 1000:8.1f} ms  ({fast / len(documents) * 1000:.2f} ms/feed)")
    print(
        f"  feedparser      {slow * 1000:8.1f} ms  ({slow / len(documents) * 1000:.2f} ms/feed)  [baseline]"
    )
    print(f"  speed-up        {slow / fast:8.1f}x  (target >= 40x)")

    queue: Any = multiprocessing.get_context("spawn").Queue()
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(queue, args.feeds, args.items), daemon=True
    )
    server.start()
    try:
        port = queue.get(timeout=30)
        result = asyncio.run(cycle_benchmark(port, args.feeds, args.items))
    finally:
        server.terminate()
        server.join(5)
    print(
        f"cycle over {args.feeds} feeds x {args.items} items (20% 304, 5% failing), after a silent first fetch:"
    )
    print(
        f"  due {result['due']:.0f}, fetched {result['fetched']:.0f}, 304 {result['not_modified']:.0f}, "
        f"failed {result['failed']:.0f}, new items {result['new_items']:.0f}, posted {result['posted']:.0f}"
    )
    print(
        f"  wall {result['wall']:.2f} s (target <= 5 s), CPU {result['cpu']:.2f} s, {result['items_per_s']:,.0f} items/s"
    )
    print(
        f"  peak RSS {result['peak_rss_mib']:.0f} MiB (grew {result['rss_growth_mib']:.0f} MiB during the cycle)"
    )
    if result["wall"] > CYCLE_TARGET_S:
        misses.append("cycle wall time")
    if misses:
        print(f"MISSED: {', '.join(misses)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
