"""Seen items per feed, posted alerts per server and the decision taken for each item (for /alerts why)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from bot.db import transaction
from cogs.alerts import store
from cogs.alerts.store import now_iso, write_success

SEEN_RETENTION = timedelta(days=60)
OUTCOME_RETENTION = timedelta(days=30)


def mark_seen(
    db: Database, feed_id: int, items: Sequence[tuple[str, str | None, str]]
) -> tuple[list[str], bool]:
    """Remember ``(key, canonical url, title)`` items; return (keys not seen before, whether this was the
    feed's first successful fetch, whose items count as already seen so subscribing never floods)."""
    with transaction(db):
        return _write_seen(db, feed_id, items)


def record_fetch(
    db: Database,
    feed_id: int,
    items: Sequence[tuple[str, str | None, str]],
    *,
    etag: str | None,
    last_modified: str | None,
    title: str | None,
    next_due: float,
    url: str | None = None,
) -> tuple[list[str], bool]:
    """A 200 with items: :func:`mark_seen` and :func:`store.record_success` in one transaction. Nothing is new
    in a feed deleted meanwhile (its last server unsubscribed while it was being fetched), nor — with ``url`` —
    once its number names another feed (SQLite reuses the highest id)."""
    try:
        with transaction(db):
            result = _write_seen(db, feed_id, items, url=url)
            write_success(
                db, feed_id, etag=etag, last_modified=last_modified, title=title, next_due=next_due, url=url
            )
    except NotFoundError:
        return [], False
    return result


def _write_seen(
    db: Database, feed_id: int, items: Sequence[tuple[str, str | None, str]], *, url: str | None = None
) -> tuple[list[str], bool]:
    """The work of :func:`mark_seen` inside the caller's transaction."""
    now = now_iso()
    row = db.execute("SELECT fetched_ok, url FROM alerts_feeds WHERE id = ?", [feed_id]).fetchone()
    if row is None or (url is not None and row[1] != url):
        raise NotFoundError
    baseline = not row[0]
    keys = list(dict.fromkeys(key for key, _, _ in items))
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        known.update(
            row[0]
            for row in db.execute(
                f"SELECT item_key FROM alerts_seen WHERE feed_id = ? AND item_key IN ({marks})",
                [feed_id, *chunk],
            )
        )
    new_rows: list[tuple[Any, ...]] = []
    new_keys: list[str] = []
    done: set[str] = set()
    for key, url, title in items:
        if key in known or key in done:
            continue
        done.add(key)
        new_keys.append(key)
        new_rows.append((feed_id, key, url, title[:300], now, now, int(baseline)))
    known_keys = list(known)
    for start in range(0, len(known_keys), 500):
        chunk = known_keys[start : start + 500]
        marks = ",".join("?" * len(chunk))
        db.execute(
            f"UPDATE alerts_seen SET last_seen = ? WHERE feed_id = ? AND item_key IN ({marks})",
            [now, feed_id, *chunk],
        )
    if new_rows:
        db.conn.executemany(
            "INSERT OR IGNORE INTO alerts_seen (feed_id, item_key, url, title, first_seen, last_seen, baseline)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            new_rows,
        )
    if baseline:
        db.execute("UPDATE alerts_feeds SET fetched_ok = 1 WHERE id = ?", [feed_id])
    return ([] if baseline else new_keys), baseline


def prune(db: Database, now: datetime | None = None) -> int:
    """Forget seen items no feed has shown for 60 days, decisions older than 30, and feeds no server follows
    (deleted with their last subscription since; this catches those left before); return rows removed."""
    now = now or datetime.now(UTC)
    with transaction(db):
        feeds = store.delete_unfollowed_feeds(db)
        seen = db.execute(
            "DELETE FROM alerts_seen WHERE last_seen < ?",
            [(now - SEEN_RETENTION).isoformat(timespec="seconds")],
        ).rowcount
        outcomes = db.execute(
            "DELETE FROM alerts_outcomes WHERE at < ?",
            [(now - OUTCOME_RETENTION).isoformat(timespec="seconds")],
        ).rowcount
    return feeds + seen + outcomes


# ---------------------------------------------------------------- posted alerts


def posted_match(db: Database, guild_id: int, item_key: str, canonical_url: str | None) -> int | None:
    """The alert this server already has for the same item or URL (ever), or None."""
    row = db.execute(
        "SELECT id FROM alerts_posted WHERE guild_id = ? AND (item_key = ? OR (canonical_url = ? AND ? IS NOT NULL))"
        " ORDER BY id LIMIT 1",
        [guild_id, item_key, canonical_url, canonical_url],
    ).fetchone()
    if row is None:
        row = db.execute(
            "SELECT alert_id FROM alerts_outcomes WHERE guild_id = ? AND canonical_url = ? AND alert_id IS NOT NULL",
            [guild_id, canonical_url or ""],
        ).fetchone()
    return int(row[0]) if row else None


def posted_matches(
    db: Database, guild_id: int, items: Sequence[tuple[str, str | None]]
) -> list[tuple[int | None, int | None]]:
    """:func:`posted_match` for many ``(item key, canonical url)`` at once, its two sources apart: per item
    (alert with the same key or URL, alert recorded in a decision for the URL), so a caller deciding several
    items in turn can put the alerts it inserts meanwhile between the two, as :func:`posted_match` would."""
    out: list[tuple[int | None, int | None]] = []
    for item_key, canonical_url in items:
        row = db.execute(
            "SELECT id FROM alerts_posted WHERE guild_id = ?"
            " AND (item_key = ? OR (canonical_url = ? AND ? IS NOT NULL)) ORDER BY id LIMIT 1",
            [guild_id, item_key, canonical_url, canonical_url],
        ).fetchone()
        decided = db.execute(
            "SELECT alert_id FROM alerts_outcomes WHERE guild_id = ? AND canonical_url = ? AND alert_id IS NOT NULL",
            [guild_id, canonical_url or ""],
        ).fetchone()
        out.append((int(row[0]) if row else None, int(decided[0]) if decided else None))
    return out


def recent_alerts(db: Database, guild_id: int, since: datetime) -> list[dict[str, Any]]:
    return [
        _decode(row)
        for row in db.table("alerts_posted").rows_where(
            "guild_id = ? AND posted_at >= ?", [guild_id, since.isoformat(timespec="seconds")], order_by="id"
        )
    ]


def insert_alert(db: Database, row: dict[str, Any]) -> int:
    """Store a new alert (before posting, so a crash never leads to a second post); return its id."""
    data = dict(row)
    for key in ("matched", "record_ids", "record_titles", "record_labels", "members"):
        data[key] = json.dumps(list(data.get(key) or []), ensure_ascii=False)
    data.setdefault("posted_at", now_iso())
    with transaction(db):
        if data.get("feed_id") is not None:
            counted = db.execute(
                "UPDATE alerts_feeds SET items_posted = items_posted + 1 WHERE id = ?", [data["feed_id"]]
            ).rowcount
            if not counted:  # deleted meanwhile (nobody follows it): point at no feed, not at a future one
                data["feed_id"] = None
        columns = list(data)
        cursor = db.execute(
            f"INSERT INTO alerts_posted ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [data[c] for c in columns],
        )
    if cursor.lastrowid is None:  # set by every successful INSERT
        raise RuntimeError("inserting an alert gave no id")
    return int(cursor.lastrowid)


def set_message(db: Database, alert_id: int, channel_id: int | None, message_id: int | None) -> None:
    """Record where an alert was posted; committed before returning."""
    with transaction(db):
        db.execute(
            "UPDATE alerts_posted SET channel_id = ?, message_id = ? WHERE id = ?",
            [channel_id, message_id, alert_id],
        )


def get_alert(db: Database, alert_id: int) -> dict[str, Any] | None:
    try:
        return _decode(dict(db.table("alerts_posted").get(alert_id)))
    except NotFoundError:
        return None


def add_member(db: Database, alert_id: int, member: dict[str, Any]) -> bool:
    """Add "also reported by" to an alert; marks it for one (coalesced) edit. False if already a member."""
    alert = get_alert(db, alert_id)
    if alert is None:
        return False
    members = alert["members"]
    if any(m.get("url") == member.get("url") and m.get("source") == member.get("source") for m in members):
        return False
    members.append(member)
    with transaction(db):
        _write_members(db, alert_id, members)
    return True


def _write_members(db: Database, alert_id: int, members: list[dict[str, Any]]) -> None:
    db.execute(
        "UPDATE alerts_posted SET members = ?, edit_pending = edit_pending + 1 WHERE id = ?",
        [json.dumps(members, ensure_ascii=False), alert_id],
    )


def finish_decisions(
    db: Database,
    *,
    members: Sequence[tuple[int, dict[str, Any]]] = (),
    outcomes: Sequence[dict[str, Any]] = (),
) -> None:
    """After deciding a feed's items for one server, in one transaction: each "also reported by" in order
    (:func:`add_member`) and the decisions (:func:`record_outcomes`)."""
    with transaction(db):
        lists: dict[int, list[dict[str, Any]] | None] = {}
        for alert_id, member in members:
            if alert_id not in lists:
                row = db.execute("SELECT members FROM alerts_posted WHERE id = ?", [alert_id]).fetchone()
                lists[alert_id] = json.loads(row[0] or "[]") if row else None
            current = lists[alert_id]
            if current is None or any(
                m.get("url") == member.get("url") and m.get("source") == member.get("source") for m in current
            ):
                continue
            current.append(member)
            _write_members(db, alert_id, current)
        _write_outcomes(db, outcomes)


def take_pending_edits(db: Database) -> list[dict[str, Any]]:
    """Alerts whose message needs an edit. They stay pending until :func:`edit_done` (a restart or a failed
    edit loses nothing); ``edit_pending`` counts the changes, so a change made meanwhile is never cleared."""
    return [_decode(row) for row in db.table("alerts_posted").rows_where("edit_pending > 0", order_by="id")]


def edit_done(db: Database, alert_id: int, seen: int) -> bool:
    """The message now shows the state seen as change ``seen``; False when a newer change is still pending."""
    with transaction(db):
        cursor = db.execute(
            "UPDATE alerts_posted SET edit_pending = 0 WHERE id = ? AND edit_pending = ?", [alert_id, seen]
        )
    return cursor.rowcount == 1


def digest_pending(db: Database, guild_id: int) -> list[dict[str, Any]]:
    return [
        _decode(row)
        for row in db.table("alerts_posted").rows_where(
            "guild_id = ? AND digest_state = 'pending'", [guild_id], order_by="id"
        )
    ]


def mark_digest_sent(
    db: Database, guild_id: int, alert_ids: Iterable[int], day: str, message_id: int | None
) -> None:
    ids = list(alert_ids)
    with transaction(db):
        for alert_id in ids:
            db.table("alerts_posted").update(alert_id, {"digest_state": "sent", "message_id": message_id})
        db.table("alerts_guilds").update(guild_id, {"last_digest_on": day})


# ---------------------------------------------------------------- decisions and /alerts why


def record_outcomes(db: Database, rows: Sequence[dict[str, Any]]) -> None:
    """Remember what was decided for each (server, item URL), newest decision wins."""
    with transaction(db):
        _write_outcomes(db, rows)


def _write_outcomes(db: Database, rows: Sequence[dict[str, Any]]) -> None:
    now = now_iso()
    by_columns: dict[tuple[str, ...], list[list[Any]]] = {}
    for row in rows:
        if not row.get("canonical_url"):
            continue
        data = {**row, "terms": json.dumps(list(row.get("terms") or []), ensure_ascii=False)}
        data["at"] = row.get("at") or now
        by_columns.setdefault(tuple(data), []).append(list(data.values()))
    for columns, values in by_columns.items():
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in ("guild_id", "canonical_url"))
        conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        db.conn.executemany(
            f"INSERT INTO alerts_outcomes ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            f" ON CONFLICT (guild_id, canonical_url) {conflict}",
            values,
        )


def why(db: Database, guild_id: int, canonical_url: str) -> dict[str, Any]:
    """Everything one server may know about one item URL: which of *its* feeds fetched it, its decision, its
    alert. Feeds are shared by every server following the same address, so only feeds this server subscribes
    to are named, and seen from its side: an item the feed already held when the server subscribed counts as
    first seen then, and as baseline (never posted here)."""
    seen = list(
        db.query(
            """SELECT s.feed_id, s.item_key, s.url, s.title, s.last_seen,
                      MAX(s.first_seen, COALESCE(sub.added_at, '')) AS first_seen,
                      (s.baseline OR s.first_seen < COALESCE(sub.added_at, '')) AS baseline,
                      f.url AS feed_url, COALESCE(sub.name, f.title, f.url) AS feed_name
               FROM alerts_seen s JOIN alerts_feeds f ON f.id = s.feed_id
               JOIN alerts_subscriptions sub ON sub.feed_id = s.feed_id AND sub.guild_id = ?
               WHERE s.url = ? ORDER BY first_seen, s.feed_id""",
            [guild_id, canonical_url],
        )
    )
    try:
        outcome: dict[str, Any] | None = dict(db.table("alerts_outcomes").get((guild_id, canonical_url)))
        outcome["terms"] = json.loads(outcome["terms"] or "[]")
    except NotFoundError:
        outcome = None
    alert_id = (
        outcome["alert_id"]
        if outcome and outcome["alert_id"]
        else posted_match(db, guild_id, "", canonical_url)
    )
    alert = get_alert(db, alert_id) if alert_id else None
    if alert is not None and alert["guild_id"] != guild_id:  # never another server's alert
        alert = None
    return {"seen": seen, "outcome": outcome, "alert": alert}


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("matched", "record_ids", "record_titles", "record_labels", "members"):
        out[key] = json.loads(out.get(key) or "[]")
    return out


def subscribe_after_probe(
    db: Database,
    guild_id: int,
    url: str,
    name: str,
    *,
    title: str | None,
    seen: Sequence[tuple[str, str | None, str]],
    etag: str | None,
    last_modified: str | None,
    next_due: float,
) -> tuple[bool, int]:
    """Subscribe ``guild_id`` to ``url`` (``/alerts add``); a feed never fetched before takes this probe as its
    silent first fetch, so its current ``seen`` items are never posted. Returns (newly subscribed, feed id)."""
    with transaction(db):  # no feed is ever stored without a subscription (store.delete_unfollowed_feeds)
        feed_id = store.ensure_feed(db, url, title)
        feed = store.get_feed(db, feed_id) or {}
        if not feed.get("fetched_ok"):
            mark_seen(db, feed_id, seen)
            store.record_success(
                db, feed_id, etag=etag, last_modified=last_modified, title=title, next_due=next_due
            )
        return store.subscribe(db, guild_id, feed_id, name), feed_id
