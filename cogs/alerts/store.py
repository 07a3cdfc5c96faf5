"""Server settings, keywords, feeds and subscriptions: plain functions on a sqlite-utils Database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from bot.db import inserted_id, transaction

GUILD_DEFAULTS: dict[str, Any] = {
    "channel_id": None,
    "mention_role_id": None,
    "digest_time": None,
    "last_digest_on": None,
    "paused": 0,
    "relevance": "strict",
}
GUILD_FIELDS = frozenset(GUILD_DEFAULTS)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------- server settings


def get_guild(db: Database, guild_id: int) -> dict[str, Any]:
    """The server's alert settings, defaults when it has none."""
    try:
        return dict(db.table("alerts_guilds").get(guild_id))
    except NotFoundError:
        return {"guild_id": guild_id, **GUILD_DEFAULTS, "updated_at": None}


def update_guild(db: Database, guild_id: int, **fields: Any) -> dict[str, Any]:
    """Change some settings; committed when this returns. Returns the new row."""
    unknown = set(fields) - GUILD_FIELDS
    if unknown:
        raise ValueError(f"unknown alert settings {sorted(unknown)}")
    row = {**get_guild(db, guild_id), **fields, "guild_id": guild_id, "updated_at": now_iso()}
    with transaction(db):
        db.table("alerts_guilds").upsert(row, pk="guild_id")
    return row


def add_keyword(db: Database, guild_id: int, term: str, exclude: bool) -> bool:
    """Add (or switch the kind of) a server term; False when it was already there with that kind."""
    table = db.table("alerts_keywords")
    try:
        existing = table.get((guild_id, term))
        if bool(existing["exclude"]) == exclude:
            return False
    except NotFoundError:
        pass
    with transaction(db):
        table.upsert(
            {"guild_id": guild_id, "term": term, "exclude": int(exclude), "added_at": now_iso()},
            pk=("guild_id", "term"),
        )
    return True


def remove_keyword(db: Database, guild_id: int, term: str) -> bool:
    with transaction(db):
        cursor = db.execute("DELETE FROM alerts_keywords WHERE guild_id = ? AND term = ?", [guild_id, term])
    return cursor.rowcount > 0


def list_keywords(db: Database, guild_id: int) -> list[dict[str, Any]]:
    return list(db.table("alerts_keywords").rows_where("guild_id = ?", [guild_id], order_by="exclude, term"))


def guilds_with_keywords(db: Database, guild_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Settings plus ``terms``/``exclusions`` for several servers in one call (the poller's view)."""
    out: dict[int, dict[str, Any]] = {}
    for guild_id in guild_ids:
        row = get_guild(db, guild_id)
        words = list_keywords(db, guild_id)
        row["terms"] = tuple(w["term"] for w in words if not w["exclude"])
        row["exclusions"] = tuple(w["term"] for w in words if w["exclude"])
        out[guild_id] = row
    return out


# ---------------------------------------------------------------- feeds and subscriptions


def get_feed(db: Database, feed_id: int) -> dict[str, Any] | None:
    try:
        return dict(db.table("alerts_feeds").get(feed_id))
    except NotFoundError:
        return None


def feed_by_url(db: Database, url: str) -> dict[str, Any] | None:
    rows = list(db.table("alerts_feeds").rows_where("url = ?", [url], limit=1))
    return rows[0] if rows else None


def ensure_feed(db: Database, url: str, title: str | None = None) -> int:
    """The id of the feed for ``url``, creating it (due now, never fetched) when new."""
    existing = feed_by_url(db, url)
    if existing is not None:
        return int(existing["id"])
    with transaction(db):
        table = db.table("alerts_feeds").insert(
            {"url": url, "title": title, "created_at": now_iso(), "next_due": 0.0}
        )
    return inserted_id(table)


def subscribe(db: Database, guild_id: int, feed_id: int, name: str | None) -> bool:
    """Subscribe the server; False when it already was (its name is updated when given)."""
    table = db.table("alerts_subscriptions")
    try:
        table.get((guild_id, feed_id))
        if name:
            with transaction(db):
                table.update((guild_id, feed_id), {"name": name})
        return False
    except NotFoundError:
        pass
    with transaction(db):
        table.insert({"guild_id": guild_id, "feed_id": feed_id, "name": name, "added_at": now_iso()})
    return True


def subscribe_urls(db: Database, guild_id: int, feeds: Iterable[tuple[str, str]]) -> int:
    """Subscribe to many (url, name) pairs; never-fetched feeds get a silent first fetch. Returns how many new.
    One transaction: no feed is ever stored without a subscription (:func:`delete_unfollowed_feeds`)."""
    added = 0
    with transaction(db):
        for url, name in feeds:
            feed_id = ensure_feed(db, url, name)
            added += subscribe(db, guild_id, feed_id, name)
    return added


def unsubscribe(db: Database, guild_id: int, feed_id: int) -> bool:
    """Remove the subscription. While another server follows the feed, its seen items stay; with its last
    subscription the feed goes too (:func:`delete_unfollowed_feeds`). Re-adding it never reposts either way:
    the server's posted alerts stay, and a new feed's first fetch is silent."""
    with transaction(db):
        cursor = db.execute(
            "DELETE FROM alerts_subscriptions WHERE guild_id = ? AND feed_id = ?", [guild_id, feed_id]
        )
        delete_unfollowed_feeds(db, [feed_id])
    return cursor.rowcount > 0


def delete_unfollowed_feeds(db: Database, feed_ids: Iterable[int] | None = None) -> int:
    """Delete the feeds among ``feed_ids`` (every feed when None) that no server subscribes to any more, with
    their seen items: a feed's address may hold a private token (``?apikey=…``), and nothing needs the feed
    once nobody follows it. Servers' posted alerts and decisions stay, no longer pointing at the feed (a new
    feed may get its number). In the caller's transaction, or in its own. Returns how many feeds went."""
    unfollowed = "NOT EXISTS (SELECT 1 FROM alerts_subscriptions s WHERE s.feed_id = f.id)"
    with transaction(db):
        if feed_ids is None:
            ids = [row[0] for row in db.execute(f"SELECT f.id FROM alerts_feeds f WHERE {unfollowed}")]
        else:
            ids = []
            for chunk in _chunks(list(dict.fromkeys(feed_ids))):
                marks = ",".join("?" * len(chunk))
                ids += [
                    row[0]
                    for row in db.execute(
                        f"SELECT f.id FROM alerts_feeds f WHERE f.id IN ({marks}) AND {unfollowed}", chunk
                    )
                ]
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            db.execute(f"DELETE FROM alerts_seen WHERE feed_id IN ({marks})", chunk)
            db.execute(f"UPDATE alerts_posted SET feed_id = NULL WHERE feed_id IN ({marks})", chunk)
            db.execute(f"UPDATE alerts_outcomes SET feed_id = NULL WHERE feed_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM alerts_feeds WHERE id IN ({marks})", chunk)
    return len(ids)


def _chunks(values: list[int], size: int = 500) -> list[list[int]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def guild_feeds(db: Database, guild_id: int) -> list[dict[str, Any]]:
    """The server's feeds with their state, in name order. A feed row is shared by every server following its
    address, so what is per server comes from this server's rows: its name for the feed, and ``items_posted``
    counts the alerts it got from the feed (those still kept), never the feed's total over all servers."""
    return list(
        db.query(
            """SELECT f.id, f.url, f.title, f.etag, f.last_modified, f.failures, f.next_due, f.disabled,
                      f.disabled_notified, f.fetched_ok, f.last_success, f.last_error, f.last_error_at,
                      f.created_at, s.name AS name,
                      (SELECT COUNT(*) FROM alerts_posted p WHERE p.guild_id = s.guild_id AND p.feed_id = f.id)
                        AS items_posted
               FROM alerts_subscriptions s JOIN alerts_feeds f ON f.id = s.feed_id
               WHERE s.guild_id = ? ORDER BY COALESCE(s.name, f.title, f.url)""",
            [guild_id],
        )
    )


def guild_feed(db: Database, guild_id: int, feed_id: int) -> dict[str, Any] | None:
    rows = [row for row in guild_feeds(db, guild_id) if row["id"] == feed_id]
    return rows[0] if rows else None


def enable_feed(db: Database, feed_id: int) -> None:
    """Re-enable a disabled feed: failures reset, due at once, the next disable is announced again."""
    with transaction(db):
        db.table("alerts_feeds").update(
            feed_id, {"disabled": 0, "failures": 0, "disabled_notified": 0, "next_due": 0.0}
        )


def due_feeds(db: Database, now: float) -> list[dict[str, Any]]:
    """Enabled feeds due by ``now`` that at least one server subscribes to (each URL once)."""
    return list(
        db.query(
            """SELECT * FROM alerts_feeds f WHERE disabled = 0 AND next_due <= ?
               AND EXISTS (SELECT 1 FROM alerts_subscriptions s WHERE s.feed_id = f.id) ORDER BY next_due""",
            [now],
        )
    )


def subscribers(db: Database, feed_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Per feed: the subscribing servers' (guild_id, subscription name)."""
    ids = list(feed_ids)
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for row in db.query(f"SELECT * FROM alerts_subscriptions WHERE feed_id IN ({marks})", ids):
        out[row["feed_id"]].append(row)
    return out


def record_success(
    db: Database,
    feed_id: int,
    *,
    etag: str | None,
    last_modified: str | None,
    title: str | None,
    next_due: float,
    url: str | None = None,
) -> None:
    """A 200 or 304: failures reset, validators and due time stored (``url``: only if ``feed_id`` is still that
    feed — see :func:`write_success`)."""
    with transaction(db):
        write_success(
            db, feed_id, etag=etag, last_modified=last_modified, title=title, next_due=next_due, url=url
        )


def write_success(
    db: Database,
    feed_id: int,
    *,
    etag: str | None,
    last_modified: str | None,
    title: str | None,
    next_due: float,
    url: str | None = None,
) -> None:
    """:func:`record_success` inside the caller's transaction (it commits). With ``url``, only while ``feed_id``
    is still the feed at that address: a feed deleted while it was fetched may have passed its number on to a
    new feed (SQLite reuses the highest id), which must not get the old feed's results."""
    changes: dict[str, Any] = {
        "failures": 0,
        "next_due": next_due,
        "last_success": now_iso(),
        "fetched_ok": 1,
    }
    if etag is not None or last_modified is not None:
        changes.update(etag=etag, last_modified=last_modified)
    if title:
        changes["title"] = title
    columns = ", ".join(f"{name} = ?" for name in changes)
    if url is None:
        db.execute(f"UPDATE alerts_feeds SET {columns} WHERE id = ?", [*changes.values(), feed_id])
    else:
        db.execute(
            f"UPDATE alerts_feeds SET {columns} WHERE id = ? AND url = ?", [*changes.values(), feed_id, url]
        )


def record_failure(
    db: Database, feed_id: int, *, error: str, next_due: float, disable_after: int, url: str | None = None
) -> tuple[int, bool]:
    """Count a failure; returns (consecutive failures, whether the feed is now disabled and not yet announced).
    A feed deleted meanwhile (nobody follows it any more) has nothing to count: (0, False) — also when its number
    now names another feed (``url``, as in :func:`write_success`)."""
    try:
        feed = db.table("alerts_feeds").get(feed_id)
    except NotFoundError:
        return 0, False
    if url is not None and feed["url"] != url:
        return 0, False
    failures = int(feed["failures"] or 0) + 1
    disable = failures >= disable_after
    announce = disable and not feed["disabled_notified"]
    changes: dict[str, Any] = {
        "failures": failures,
        "next_due": next_due,
        "last_error": error[:300],
        "last_error_at": now_iso(),
    }
    if disable:
        changes.update(disabled=1, disabled_notified=1)
    with transaction(db):
        db.table("alerts_feeds").update(feed_id, changes)
    return failures, announce


def count_feeds(db: Database) -> int:
    return int(db.execute("SELECT COUNT(DISTINCT feed_id) FROM alerts_subscriptions").fetchone()[0])


def digest_guilds(db: Database) -> list[dict[str, Any]]:
    """Servers in daily digest mode."""
    return list(db.table("alerts_guilds").rows_where("digest_time IS NOT NULL"))
