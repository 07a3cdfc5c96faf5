"""For one server and a feed's new items: relevant? already posted? same story as a recent alert? post."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cogs.alerts import store_items
from cogs.alerts.cluster import WINDOW, ClusterIndex, RecentAlert
from cogs.alerts.parse import FeedItem
from cogs.alerts.relevance import Keywords, Matcher
from cogs.alerts.render import plain_text

if TYPE_CHECKING:
    from cogs.alerts.poller import Database, Publisher

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    """What was decided for an item in a server: stored as is in ``alerts_outcomes.outcome``, and said by
    /alerts why (``alerts.why.outcome.<value>``)."""

    EXCLUDED = "excluded"  # an exclusion term matched
    NOT_RELEVANT = "not_relevant"
    PAUSED = "paused"
    NO_CHANNEL = "no_channel"
    DUPLICATE = "duplicate"  # an alert with the same key or URL exists already
    CLUSTERED = "clustered"  # the same story as a recent alert: added to it as "also reported by"
    DIGEST = "digest"  # kept for the daily digest
    POSTED = "posted"
    POST_FAILED = "post_failed"


@dataclass(frozen=True)
class Candidate:
    """A new item of a feed, with its identity key and canonical URL."""

    feed_id: int
    key: str
    item: FeedItem
    canonical: str | None


class Decider:
    """Holds the per-cycle matchers (one per distinct set of server terms) and the counters."""

    def __init__(
        self, db: Database, publisher: Publisher, keywords: Keywords, *, now: Callable[[], datetime]
    ) -> None:
        self.db = db
        self.publisher = publisher
        self.keywords = keywords
        self.now = now
        self._matchers: dict[tuple[tuple[str, ...], tuple[str, ...]], Matcher] = {}
        self._clusters: dict[int, ClusterIndex] = {}
        self._records_of: dict[str, asyncio.Future[list[dict[str, Any]]]] = {}
        self.posted = 0
        self.clustered = 0

    def begin_cycle(self, guilds: dict[int, dict[str, Any]]) -> None:
        self.posted = self.clustered = 0
        self._clusters = {}
        self._records_of = {}
        wanted = {(tuple(g.get("terms", ())), tuple(g.get("exclusions", ()))) for g in guilds.values()}
        self._matchers = {k: m for k, m in self._matchers.items() if k in wanted}

    def matcher(self, guild: dict[str, Any]) -> Matcher:
        key = (tuple(guild.get("terms", ())), tuple(guild.get("exclusions", ())))
        if key not in self._matchers:
            self._matchers[key] = Matcher(self.keywords, extra_terms=key[0], extra_exclusions=key[1])
        return self._matchers[key]

    async def decide(self, guild: dict[str, Any], source: str, candidates: Sequence[Candidate]) -> None:
        """Decide every candidate for this server, post or cluster the relevant ones, record why.

        Database calls are batched: one look-up of earlier alerts for all the items, one insert per new alert
        (committed before it is posted, so a restart never reposts), and one final write of the message ids,
        "also reported by" additions and decisions."""
        matcher = self.matcher(guild)
        mode = guild.get("relevance") or "strict"
        outcomes: list[dict[str, Any]] = []
        publish: list[tuple[dict[str, Any], Candidate, tuple[str, ...], int]] = []
        for cand in candidates:
            verdict = matcher.judge(cand.item.title, plain_text(cand.item.summary), mode)
            row: dict[str, Any] = {
                "guild_id": guild["guild_id"],
                "canonical_url": cand.canonical,
                "feed_id": cand.feed_id,
                "item_key": cand.key,
                "terms": verdict.matched or verdict.excluded_by,
                "score": verdict.score,
                "alert_id": None,
            }
            outcomes.append(row)
            if not verdict.relevant:
                row["outcome"] = Outcome.EXCLUDED if verdict.excluded_by else Outcome.NOT_RELEVANT
            elif guild.get("paused"):
                row["outcome"] = Outcome.PAUSED
            elif not guild.get("channel_id"):
                row["outcome"] = Outcome.NO_CHANNEL
            else:
                publish.append((row, cand, verdict.matched, verdict.score))
        batch = _Batch()
        if publish:
            batch.earlier = await self.db.run(
                store_items.posted_matches,
                guild["guild_id"],
                [(c.key, c.canonical) for _, c, _, _ in publish],
            )
        for i, (row, cand, matched, score) in enumerate(publish):
            row["outcome"], row["alert_id"] = await self._publish(
                guild, source, cand, matched, score, batch, i
            )
        await self.db.run(store_items.finish_decisions, members=batch.members, outcomes=outcomes)

    async def _publish(
        self,
        guild: dict[str, Any],
        source: str,
        cand: Candidate,
        matched: tuple[str, ...],
        score: int,
        batch: _Batch,
        position: int,
    ) -> tuple[Outcome, int | None]:
        guild_id = guild["guild_id"]
        existing = batch.existing(position, cand)
        if existing is not None:
            return Outcome.DUPLICATE, existing
        item = cand.item
        records = await self._records(f"{item.title}\n{plain_text(item.summary)}")
        now = self.now()
        index = await self._cluster_index(guild_id, now)
        match = index.find(
            canonical_url=cand.canonical,
            title=item.title,
            record_titles=[str(r.get("title") or "") for r in records],
            seen_at=now,
        )
        if match is not None:
            batch.members.append((match.alert_id, {"source": source, "url": item.link, "title": item.title}))
            self.clustered += 1
            return Outcome.CLUSTERED, match.alert_id
        digest = bool(guild.get("digest_time"))
        alert = {
            "guild_id": guild_id,
            "channel_id": guild["channel_id"],
            "feed_id": cand.feed_id,
            "item_key": cand.key,
            "canonical_url": cand.canonical,
            "url": item.link,
            "title": item.title,
            "summary": item.summary[:4000],
            "source": source,
            "published": item.published.isoformat() if item.published else None,
            "matched": list(matched),
            "score": score,
            "record_ids": [str(r.get("id")) for r in records],
            "record_titles": [str(r.get("title") or "") for r in records],
            "record_labels": [str(r.get("label_key") or r.get("label") or "") for r in records],
            "posted_at": now.isoformat(timespec="seconds"),
            "digest_state": "pending" if digest else None,
        }
        alert_id = await self.db.run(store_items.insert_alert, alert)
        batch.inserted(alert_id, cand)
        self.posted += 1
        index.add(RecentAlert(alert_id, cand.canonical, item.title, now, tuple(alert["record_titles"])))
        if digest:
            return Outcome.DIGEST, alert_id
        alert["id"] = alert_id
        alert["members"] = []
        try:
            message_id = await self.publisher.post_alert(guild, alert)
        except Exception:
            log.exception("Could not post alert %s in guild %s", alert_id, guild_id)
            return Outcome.POST_FAILED, alert_id
        # Saved at once: a crash after this post must not lose the message that later edits reach.
        await self.db.run(store_items.set_message, alert_id, guild["channel_id"], message_id)
        return (Outcome.POSTED if message_id else Outcome.POST_FAILED), alert_id

    async def _cluster_index(self, guild_id: int, now: datetime) -> ClusterIndex:
        """The server's alerts of the last 72 hours, loaded once per cycle and kept up to date."""
        if guild_id not in self._clusters:
            rows = await self.db.run(store_items.recent_alerts, guild_id, now - WINDOW)
            self._clusters[guild_id] = ClusterIndex(
                RecentAlert(
                    alert_id=r["id"],
                    canonical_url=r["canonical_url"],
                    title=r["title"] or "",
                    posted_at=datetime.fromisoformat(r["posted_at"]),
                    record_titles=tuple(r["record_titles"]),
                )
                for r in rows
            )
        return self._clusters[guild_id]

    async def _records(self, text: str) -> list[dict[str, Any]]:
        """The records an item names, looked up once per cycle: a story relevant to 1,000 servers is one query."""
        if text not in self._records_of:
            self._records_of[text] = asyncio.ensure_future(self._look_up(text))
        return list(await asyncio.shield(self._records_of[text]))

    async def _look_up(self, text: str) -> list[dict[str, Any]]:
        try:
            return list(await self.publisher.records_mentioned(text))[:3]
        except Exception:
            log.exception("Disclosure record lookup failed; posting without records")
            return []


@dataclass
class _Batch:
    """One server's decisions on one feed's items: what the database knew before, what was added since."""

    earlier: list[tuple[int | None, int | None]] = field(default_factory=list)
    members: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    by_key: dict[str, int] = field(default_factory=dict)
    by_url: dict[str, int] = field(default_factory=dict)

    def inserted(self, alert_id: int, cand: Candidate) -> None:
        self.by_key.setdefault(cand.key, alert_id)
        if cand.canonical is not None:
            self.by_url.setdefault(cand.canonical, alert_id)

    def existing(self, position: int, cand: Candidate) -> int | None:
        """What :func:`store_items.posted_match` would return now: an earlier alert with this key or URL
        (those stored before the batch have lower ids), else one inserted in this batch, else a decision's."""
        posted, decided = self.earlier[position]
        if posted is not None:
            return posted
        ids = [i for i in (self.by_key.get(cand.key), self.by_url.get(cand.canonical or "")) if i is not None]
        if ids:
            return min(ids)
        return decided
