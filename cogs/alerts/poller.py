"""The background poller: fetch each due feed once, decide per server what to post, back off failing feeds.

The loop (cycle, digests, daily pruning) runs in one process at a time: it holds the ``alerts.poller`` lease
(``bot.leases``), so processes running other shard ranges against the same database stand by and take over
when the holder stops or its lease expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.leases import Lease
from cogs.alerts import fanout, store, store_items
from cogs.alerts.decide import Candidate, Decider
from cogs.alerts.fetch import FeedFetcher, FetchError, FetchResult
from cogs.alerts.identity import canonical_url, item_keys
from cogs.alerts.parse import ParsedFeed, ParseError, parse_feed
from cogs.alerts.relevance import Keywords

log = logging.getLogger(__name__)

DISABLE_AFTER = 10
BACKOFF_CAP_SECONDS = 6 * 3600
JITTER_FRACTION = 0.2
PRUNE_EVERY_SECONDS = 24 * 3600
TICK_BOUNDS = (5.0, 60.0)  # the loop wakes every interval / 4 seconds, within these bounds
LEASE_TICKS = 3  # the lease lasts this many ticks: a crashed holder's work passes on within about 4 ticks
LEASE_NAME = "alerts.poller"


class Publisher(Protocol):
    """What the poller needs from Discord (the cog implements it; tests and the benchmark fake it)."""

    async def post_alert(self, guild: dict[str, Any], alert: dict[str, Any]) -> int | None: ...

    async def edit_alert(self, alert: dict[str, Any]) -> None: ...

    async def announce_disabled(self, guild: dict[str, Any], feed: dict[str, Any]) -> None: ...

    async def records_mentioned(self, text: str) -> list[dict[str, Any]]: ...

    async def post_digest(
        self, guild: dict[str, Any], alerts: list[dict[str, Any]], day: str
    ) -> int | None: ...


class Database(Protocol):
    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any: ...


@dataclass
class CycleReport:
    """What one cycle did (tests and the benchmark read it)."""

    due: int = 0
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    new_items: int = 0
    posted: int = 0
    clustered: int = 0
    edited: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    disabled: list[str] = field(default_factory=list)
    pruned: int = 0


def parse_and_identify(body: bytes, content_type: str | None) -> tuple[ParsedFeed, list[str]]:
    """CPU work for one feed (runs in the executor): parse, then one identity key per item."""
    parsed = parse_feed(body, content_type)
    return parsed, item_keys(parsed.items)


class Poller:
    """Drivable without a clock: ``await run_once()`` runs one cycle; ``start()`` loops it in the background."""

    def __init__(
        self,
        db: Database,
        fetcher: FeedFetcher,
        publisher: Publisher,
        keywords: Keywords,
        *,
        interval: int,
        concurrency: int = 32,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        executor: Executor | None = None,
        tick: float | None = None,
        lease: Lease | None = None,
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.publisher = publisher
        self.decider = Decider(db, publisher, keywords, now=lambda: datetime.fromtimestamp(self.clock(), UTC))
        self.interval = interval
        self.clock = clock
        self.rng = rng or random.Random()
        self._semaphore = asyncio.Semaphore(concurrency)
        self._own_executor = executor is None
        self.executor = executor or ThreadPoolExecutor(max_workers=2, thread_name_prefix="feed-parse")
        self._task: asyncio.Task[None] | None = None
        self._cycle_lock = asyncio.Lock()
        low, high = TICK_BOUNDS
        self.tick = tick if tick is not None else max(low, min(high, interval / 4))
        self.lease = lease or Lease(db, LEASE_NAME, ttl=self.tick * LEASE_TICKS)
        self.cycles = 0  # rounds the background loop ran while holding the lease
        # The owner prunes once when it loads; the cycle prunes again each time a day has passed since.
        self._last_prune = self.clock()

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name="alerts-poller")

    async def stop(self) -> None:
        """Stop the loop and hand the lease over at once (another process need not wait for it to expire)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.lease.release()
        if self._own_executor:
            self.executor.shutdown(wait=False, cancel_futures=True)

    async def _loop(self) -> None:
        """Every tick: take or renew the lease; while this process holds it, run a cycle and the digests."""
        while True:
            ran, _ = await self.lease.attempt(self._round, "the alert poller cycle")
            if ran:
                self.cycles += 1
            await asyncio.sleep(self.tick)

    async def _round(self) -> None:
        await self.run_once()
        await self.run_digests()

    # ------------------------------------------------------------ one cycle

    async def run_once(self) -> CycleReport:
        """Fetch every due feed (concurrently, bounded), then decide and post feed by feed, then edit."""
        async with self._cycle_lock:
            report = CycleReport()
            feeds = await self.db.run(store.due_feeds, self.clock())
            report.due = len(feeds)
            results = await asyncio.gather(*(self._fetch(feed) for feed in feeds))
            subs = await self.db.run(store.subscribers, [f["id"] for f in feeds])
            guild_ids = {s["guild_id"] for rows in subs.values() for s in rows}
            guilds = await self.db.run(store.guilds_with_keywords, guild_ids)
            self.decider.begin_cycle(guilds)
            for feed, outcome in zip(feeds, results, strict=True):
                try:
                    await self._apply(feed, outcome, subs[feed["id"]], guilds, report)
                except Exception:
                    log.exception("Could not process feed %s", feed["url"])
            for alert in await self.db.run(store_items.take_pending_edits):
                try:
                    await self.publisher.edit_alert(alert)
                    report.edited += 1
                except Exception:
                    log.exception("Could not edit alert %s", alert["id"])
            report.posted, report.clustered = self.decider.posted, self.decider.clustered
            report.pruned = await self._prune_if_due()
            return report

    async def _prune_if_due(self) -> int:
        """Forget old seen items and decisions at most once a day during uptime, not only at load. The clock
        paces it; the cut-off is wall time, like the timestamps the store writes."""
        now = self.clock()
        if now - self._last_prune < PRUNE_EVERY_SECONDS:
            return 0
        self._last_prune = now
        try:
            return int(await self.db.run(store_items.prune))
        except Exception:
            log.exception("Pruning seen items and decisions failed; trying again in a day")
            return 0

    async def _fetch(
        self, feed: dict[str, Any]
    ) -> tuple[FetchResult, ParsedFeed | None, list[str]] | FetchError | ParseError:
        async with self._semaphore:
            try:
                result = await self.fetcher.fetch(
                    feed["url"], etag=feed.get("etag"), last_modified=feed.get("last_modified")
                )
            except FetchError as exc:
                return exc
            except Exception as exc:  # never let one feed break the cycle
                log.exception("Unexpected fetch failure for %s", feed["url"])
                return FetchError("error", type(exc).__name__)
        if result.not_modified or result.body is None:
            return result, None, []
        loop = asyncio.get_running_loop()
        try:
            parsed, keys = await loop.run_in_executor(
                self.executor, parse_and_identify, result.body, result.content_type
            )
        except ParseError as exc:
            return exc
        return result, parsed, keys

    def next_due(self, *, failures: int = 0, max_age: int | None = None) -> float:
        """When to fetch again: interval plus jitter; doubled per failure up to a cap; never before max-age."""
        base = float(self.interval)
        if failures:
            base = min(self.interval * (2**failures), BACKOFF_CAP_SECONDS)
        delay = base + self.rng.uniform(0, base * JITTER_FRACTION)
        if max_age:
            delay = max(delay, float(max_age))
        return self.clock() + delay

    async def _apply(
        self,
        feed: dict[str, Any],
        outcome: tuple[FetchResult, ParsedFeed | None, list[str]] | FetchError | ParseError,
        subs: list[dict[str, Any]],
        guilds: dict[int, dict[str, Any]],
        report: CycleReport,
    ) -> None:
        if isinstance(outcome, FetchError | ParseError):
            await self._failed(feed, outcome, subs, guilds, report)
            return
        result, parsed, keys = outcome
        if parsed is None:
            report.not_modified += 1
            await self.db.run(
                store.record_success,
                feed["id"],
                etag=result.etag,
                last_modified=result.last_modified,
                title=None,
                next_due=self.next_due(max_age=result.max_age),
                url=feed["url"],
            )
            return
        report.fetched += 1
        canonicals = [canonical_url(item.link) for item in parsed.items]
        items = [
            (key, url, item.title) for key, url, item in zip(keys, canonicals, parsed.items, strict=True)
        ]
        new_keys, _baseline = await self.db.run(
            store_items.record_fetch,
            feed["id"],
            items,
            etag=result.etag,
            last_modified=result.last_modified,
            title=parsed.title,
            next_due=self.next_due(max_age=result.max_age),
            url=feed["url"],
        )
        if not new_keys:
            return
        fresh = set(new_keys)
        by_key = {key: (item, url) for key, item, url in zip(keys, parsed.items, canonicals, strict=True)}
        candidates = [
            Candidate(feed_id=feed["id"], key=key, item=by_key[key][0], canonical=by_key[key][1])
            for key in dict.fromkeys(keys)
            if key in fresh
        ]
        report.new_items += len(candidates)

        async def decide(sub: dict[str, Any]) -> None:
            guild = guilds.get(sub["guild_id"])
            if guild is not None:
                source = sub.get("name") or parsed.title or feed.get("title") or feed["url"]
                await self.decider.decide(guild, source, candidates)

        # Servers at once: a story relevant to 1,000 servers reaches them at the pace Discord allows.
        await fanout.each(subs, decide, what=lambda sub: f"feed {feed['url']} for guild {sub['guild_id']}")

    async def _failed(
        self,
        feed: dict[str, Any],
        error: FetchError | ParseError,
        subs: list[dict[str, Any]],
        guilds: dict[int, dict[str, Any]],
        report: CycleReport,
    ) -> None:
        report.failed += 1
        text = f"{error.reason}: {error}" if isinstance(error, ParseError) else str(error)
        report.errors[feed["url"]] = text
        failures = int(feed.get("failures") or 0) + 1
        _count, announce = await self.db.run(
            store.record_failure,
            feed["id"],
            error=text,
            next_due=self.next_due(failures=failures),
            disable_after=DISABLE_AFTER,
            url=feed["url"],
        )
        log.info("Feed %s failed (%d in a row): %s", feed["url"], failures, text)
        if not announce:
            return
        report.disabled.append(feed["url"])
        state = await self.db.run(store.get_feed, feed["id"])

        async def announce(sub: dict[str, Any]) -> None:
            guild = guilds.get(sub["guild_id"])
            if guild is not None and guild.get("channel_id"):
                await self.publisher.announce_disabled(guild, {**(state or feed), "name": sub.get("name")})

        await fanout.each(
            subs,
            announce,
            what=lambda sub: f"announcing disabled feed {feed['url']} to guild {sub['guild_id']}",
        )

    # ------------------------------------------------------------ digests

    async def run_digests(self, now: datetime | None = None) -> int:
        """Post each digest server's daily list once its HH:MM (UTC) has passed today; return how many.

        Holds the cycle lock, so a digest never races a cycle or another digest run (no double posts).
        """
        async with self._cycle_lock:
            return await self._run_digests(now or datetime.fromtimestamp(self.clock(), UTC))

    async def _run_digests(self, now: datetime) -> int:
        today = now.date().isoformat()
        posted = 0
        for guild in await self.db.run(store.digest_guilds):
            if guild["last_digest_on"] == today or now.strftime("%H:%M") < guild["digest_time"]:
                continue
            alerts = await self.db.run(store_items.digest_pending, guild["guild_id"])
            message_id = None
            if alerts and guild.get("channel_id") and not guild.get("paused"):
                try:
                    message_id = await self.publisher.post_digest(guild, alerts, today)
                    posted += 1
                except Exception:
                    log.exception("Could not post the digest for guild %s", guild["guild_id"])
                    continue
            await self.db.run(
                store_items.mark_digest_sent, guild["guild_id"], [a["id"] for a in alerts], today, message_id
            )
        return posted
