"""Fan-out benchmark: one story relevant to 1,000 servers, the real bot against the local Discord emulator
enforcing Discord's limits (50 requests/s per bot token over any one second, 5 messages per 5 s per channel).

Figures, each next to its target; the limit and the baseline are measured in the same run:
- the time from the poller cycle's start until the last of the 1,000 alert channels has the alert, next to
  the limit (servers / 50 per second = 20 s); target <= 1.2x the limit;
- 429s received (global: target 0; per route) and invalid requests (401/403/429; Discord bans at 10,000 in ten
  minutes); target 0;
- `/disclosure lookup` fired every 0.25 s during the fan-outs: acknowledgement p50/p99, deadline misses
  (target 0, p99 < 3 s);
- "Also reported by" at that scale: a second outlet reports the story (1,000 coalesced edits queued), then a
  new story arrives: its time to the last channel (target <= 1.2x the limit: edits never starve posts) and when
  the last edit landed (target <= 1.2x (posts + edits) / 50);
- baseline: discord.py on its own (every send at once, no pacer) to a quarter of the channels.

Run: .venv/bin/python benchmarks/bench_fanout.py [--guilds 1000] [--no-edits] [--baseline-guilds 250]
Exits 1 when a target is missed. Two shared cores make the times noisy by a few percent.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import discord  # noqa: E402
import discord.http  # noqa: E402
from aiohttp import web  # noqa: E402

from bot.client import Haikei  # noqa: E402
from bot.db import AsyncDatabase, open_database  # noqa: E402
from bot.settings import Settings  # noqa: E402
from cogs.alerts import store  # noqa: E402
from cogs.alerts.cog import Alerts  # noqa: E402
from cogs.alerts.fanout import EditQueue  # noqa: E402
from cogs.alerts.poller import CycleReport  # noqa: E402
from emulator.bootstrap import running  # noqa: E402
from emulator.emulator import Emulator, SandboxEvent  # noqa: E402
from emulator.state import World  # noqa: E402

TARGET_RATIO = 1.2
DEADLINE = 3.0
LOOKUP_EVERY = 0.25
STORY_A = "Toei Animation admits generative AI backgrounds in new anime"
STORY_C = "Netflix anime The Dog & The Boy credits AI-generated backgrounds"


def rss(items: list[tuple[str, str]], title: str) -> bytes:
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
        "<pubDate>Mon, 06 Jan 2025 10:00:00 GMT</pubDate><description>Reported today.</description></item>"
        for t, link in items
    )
    head = f"<title>{escape(title)}</title><link>http://127.0.0.1/</link><description>d</description>"
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{head}{entries}</channel></rss>'.encode()


class Feeds:
    """Two feeds on 127.0.0.1 whose documents the benchmark swaps."""

    def __init__(self) -> None:
        self.documents = {"/a": rss([], "Outlet A"), "/b": rss([], "Outlet B")}
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        async def serve(request: web.Request) -> web.Response:
            return web.Response(body=self.documents[request.path], content_type="application/rss+xml")

        app = web.Application()
        app.router.add_get("/a", serve)
        app.router.add_get("/b", serve)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


class Arrivals:
    """When each alert channel first showed a message (or an edit) matching ``wanted``."""

    def __init__(self, emu: Emulator, channels: set[int], kind: str, wanted: Callable[[dict], bool]) -> None:
        self.channels, self.kind, self.wanted = channels, kind, wanted
        self.at: dict[int, float] = {}
        self.complete = asyncio.Event()
        self.unsubscribe = emu.subscribe(self.on_event)

    def on_event(self, event: SandboxEvent) -> None:
        channel = int(event.data.get("channel_id") or 0)
        fresh = event.kind == self.kind and channel in self.channels and channel not in self.at
        if fresh and self.wanted(event.data):
            self.at[channel] = time.perf_counter()
            if len(self.at) == len(self.channels):
                self.complete.set()

    async def wait(self, timeout: float) -> float | None:
        """Seconds at which the last channel arrived (perf_counter), or None on timeout."""
        try:
            await asyncio.wait_for(self.complete.wait(), timeout)
        except TimeoutError:
            return None
        finally:
            self.unsubscribe()
        return max(self.at.values())


def embed_title(message: dict[str, Any]) -> str:
    embeds = message.get("embeds") or [{}]
    return str(embeds[0].get("title") or "")


def also_reported_by(outlet: str) -> Callable[[dict], bool]:
    def check(message: dict[str, Any]) -> bool:
        fields = (message.get("embeds") or [{}])[0].get("fields") or []
        return embed_title(message) == STORY_A and any(outlet in str(f.get("value")) for f in fields)

    return check


class Lookups:
    """`/disclosure lookup` every LOOKUP_EVERY seconds while running; acknowledgement latencies."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.results: list[Any] = []
        self.task: asyncio.Task[None] | None = None

    async def _fire(self) -> None:
        while True:
            self.results.append(
                await self.emu.driver.command("disclosure lookup", {"query": "The Dog & The Boy"})
            )
            await asyncio.sleep(LOOKUP_EVERY)

    def start(self) -> None:
        self.task = asyncio.create_task(self._fire())

    async def stop(self) -> list[float]:
        assert self.task is not None
        self.task.cancel()
        (outcome,) = await asyncio.gather(self.task, return_exceptions=True)
        if not isinstance(outcome, asyncio.CancelledError):
            print(f"  lookups stopped: {outcome!r}")  # e.g. the disclosures cog did not load
        for result in self.results:
            with contextlib.suppress(TimeoutError):
                await result.wait(timeout=DEADLINE + 2)
        return [r.ack_latency if r.ack_latency is not None else float("inf") for r in self.results]


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def subscribe_all(db: Any, pairs: list[tuple[int, int]], feeds: list[tuple[str, str]]) -> None:
    ids = [(store.ensure_feed(db, url), name) for url, name in feeds]
    for guild_id, channel_id in pairs:
        store.update_guild(db, guild_id, channel_id=channel_id)
        for feed_id, name in ids:
            store.subscribe(db, guild_id, feed_id, name)


class Counters:
    """Emulator counters over one phase."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.start = self.now()

    def now(self) -> tuple[int, int, int, int]:
        r = self.emu.ratelimits
        return r.global_hits, r.route_hits, r.invalid.total, len(self.emu.deadline_misses)

    def delta(self) -> tuple[int, int, int, int]:
        (g0, r0, i0, d0), (g1, r1, i1, d1) = self.start, self.now()
        return g1 - g0, r1 - r0, i1 - i0, d1 - d0


async def unpaced_baseline(
    emu: Emulator, channels: list[int]
) -> tuple[float, int, tuple[int, int, int, int]]:
    """discord.py alone: every send at once from a client without the pacer; (seconds, sends that failed,
    emulator counters). discord.py gives up on a request after five 429s."""
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    await http.static_login(emu.token)
    counters = Counters(emu)
    route = "/channels/{channel_id}/messages"
    started = time.perf_counter()
    outcomes = await asyncio.gather(
        *(
            http.request(discord.http.Route("POST", route, channel_id=c), json={"content": "baseline"})
            for c in channels
        ),
        return_exceptions=True,
    )
    elapsed = time.perf_counter() - started
    await http.close()
    return elapsed, sum(isinstance(o, Exception) for o in outcomes), counters.delta()


class Figures:
    """Rows of "figure, target", remembering the targets missed."""

    def __init__(self) -> None:
        self.misses: list[str] = []

    def row(self, label: str, value: object, target: str = "", ok: bool = True) -> None:
        print(f"  {label:44} {value!s:>18}   {target}{'' if ok else '   << MISSED'}".rstrip())
        if not ok:
            self.misses.append(label)

    def time(self, label: str, took: float | None, limit: float, note: str = "") -> None:
        shown = f"{took:.1f} s ({took / limit:.2f}x)" if took is not None else "never"
        target = f"target <= {TARGET_RATIO * limit:.1f} s{note}"
        self.row(label, shown, target, took is not None and took <= TARGET_RATIO * limit)

    def errors(self, counters: Counters) -> None:
        global_429, route_429, invalid, missed = counters.delta()
        self.row(
            "global 429s / per-route 429s",
            f"{global_429} / {route_429}",
            "target 0 / 0",
            not (global_429 or route_429),
        )
        self.row("invalid requests (401/403/429)", invalid, "target 0 (ban: 10,000 / 10 min)", not invalid)
        self.row("interaction deadline misses (3 s)", missed, "target 0", not missed)

    def lookups(self, latencies: list[float]) -> None:
        worst, median = p99(latencies), statistics.median(latencies) if latencies else 0.0
        shown = f"{median * 1000:.0f} / {worst * 1000:.0f} ms"
        label = f"/disclosure lookup ack p50 / p99 (n={len(latencies)})"
        self.row(label, shown, f"target p99 < {DEADLINE:.0f} s", bool(latencies) and worst < DEADLINE)


async def fan_out(
    emu: Emulator, arrivals: Arrivals, run: Callable[[], Awaitable[CycleReport]]
) -> tuple[float | None, list[float], CycleReport]:
    """Run a cycle while lookups are fired; (seconds until the last channel, lookup latencies, report)."""
    lookups = Lookups(emu)
    started = time.perf_counter()
    cycle = asyncio.ensure_future(run())
    lookups.start()
    last = await arrivals.wait(timeout=len(arrivals.channels))
    latencies = await lookups.stop()
    report = await cycle
    return (None if last is None else last - started), latencies, report


async def bench(args: argparse.Namespace) -> list[str]:
    world = World()
    guilds = [world.add_guild(f"Server {i:04d}", world.owner) for i in range(args.guilds)]
    pairs = [(g.id, next(c for c in g.channel_ids if world.channels[c].name == "alerts")) for g in guilds]
    channels = {c for _, c in pairs}
    emu = Emulator(world=world, global_rate_limit=args.global_limit)
    emu.ratelimits.add_discord_buckets()
    await emu.start()
    feeds = Feeds()
    await feeds.start()
    limit = args.guilds / args.global_limit
    figures = Figures()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            discord_token=emu.token,
            discord_api_base=emu.api_base,
            database_path=Path(tmp) / "haikei.db",
            poll_secret="bench-secret-" + "x" * 32,
            feed_allow_hosts=frozenset({"127.0.0.1"}),
            feed_poll_seconds=3600,
        )
        bot = Haikei(settings, AsyncDatabase(open_database(settings.database_path)))
        ready0 = time.perf_counter()
        async with running(bot, emu, ready_timeout=300):
            ready = time.perf_counter() - ready0
            cog = bot.get_cog("Alerts")
            assert isinstance(cog, Alerts)
            poller = cog.poller
            offset = {"s": 0.0}
            poller.clock = lambda: time.time() + offset["s"]

            async def cycle() -> CycleReport:
                offset["s"] += 100_000
                return await poller.run_once()

            await bot.db.run(
                subscribe_all, pairs, [(feeds.url("/a"), "Outlet A"), (feeds.url("/b"), "Outlet B")]
            )
            await cycle()  # the first fetch is silent
            print(
                f"fan-out to {args.guilds} servers (bot ready in {ready:.1f} s); the emulator allows "
                f"{args.global_limit} requests/s per token and 5 messages / 5 s per channel:"
            )
            figures.row("limit: servers / global rate [baseline]", f"{limit:.1f} s", "(the floor)")
            feeds.documents["/a"] = rss([(STORY_A, "https://a.example/s/1")], "Outlet A")
            counters = Counters(emu)
            story_a = Arrivals(emu, channels, "message_create", lambda m: embed_title(m) == STORY_A)
            took, lookups, report = await fan_out(emu, story_a, cycle)
            figures.time("time until the last channel has the alert", took, limit)
            figures.row("alerts posted", report.posted, f"target {args.guilds}", report.posted == args.guilds)
            figures.errors(counters)
            figures.lookups(lookups)
            if not args.no_edits:
                await edits_phase(emu, feeds, channels, cycle, cog.publisher.edits, limit, figures)

        if args.baseline_guilds:
            sample = [c for _, c in pairs[: args.baseline_guilds]]
            elapsed, failed, (g429, r429, invalid, _) = await unpaced_baseline(emu, sample)
            own = len(sample) / args.global_limit
            print(f"baseline: discord.py alone, {len(sample)} sends at once, no pacer (limit {own:.1f} s):")
            figures.row(
                "time until every send succeeded or failed", f"{elapsed:.1f} s ({elapsed / own:.2f}x)"
            )
            figures.row("sends that failed (5 x 429: message lost)", failed)
            figures.row("global 429s / per-route 429s", f"{g429} / {r429}")
            figures.row("invalid requests", invalid)
    await feeds.stop()
    await emu.stop()
    return figures.misses


async def edits_phase(
    emu: Emulator,
    feeds: Feeds,
    channels: set[int],
    cycle: Callable[[], Awaitable[CycleReport]],
    queue: EditQueue,
    limit: float,
    figures: Figures,
) -> None:
    """Outlet B reports story A (one edit per server), then story C arrives while those edits are queued."""
    n = len(channels)
    edits = Arrivals(emu, channels, "message_update", also_reported_by("Outlet B"))
    counters = Counters(emu)
    feeds.documents["/b"] = rss([(STORY_A + " - Outlet B", "https://b.example/s/9")], "Outlet B")
    queued = time.perf_counter()
    report_b = await cycle()
    items = [(STORY_C, "https://a.example/s/2"), (STORY_A, "https://a.example/s/1")]
    feeds.documents["/a"] = rss(items, "Outlet A")
    story_c = Arrivals(emu, channels, "message_create", lambda m: embed_title(m) == STORY_C)
    took, lookups, report_c = await fan_out(emu, story_c, cycle)
    edits_before = len(edits.at)
    last_edit = await edits.wait(timeout=4 * n / 50 + 30)
    print(f"'Also reported by' at that scale: {report_b.clustered} servers joined, then a new story:")
    figures.time("new story: time until the last channel", took, limit, " (edits wait)")
    figures.row("  edits that landed before it finished", edits_before, "(the rest waited)")
    figures.time("last edit landed (after queued)", last_edit and last_edit - queued, 2 * limit, " (2n / 50)")
    await asyncio.wait_for(queue.join(), 30)  # an edit counts once it is also recorded as done
    sent = f"{queue.edited} / {queue.coalesced} / {queue.failed}"
    figures.row(
        "edits sent / coalesced / failed", sent, f"target {n} / - / 0", queue.edited >= n and not queue.failed
    )
    figures.row("new alerts posted", report_c.posted, f"target {n}", report_c.posted == n)
    figures.errors(counters)
    figures.lookups(lookups)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--global-limit", type=int, default=50, help="the emulator's requests/s per token")
    parser.add_argument("--no-edits", action="store_true", help="skip the 'Also reported by' phase")
    parser.add_argument("--baseline-guilds", type=int, default=250, help="0: skip the unpaced baseline")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    misses = asyncio.run(bench(args))
    if misses:
        print(f"MISSED: {', '.join(misses)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
