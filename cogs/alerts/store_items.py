"""Seen items per feed, posted alerts per server and the decision taken for each item (for /alerts why)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from cogs.alerts.store import now_iso

SEEN_RETENTION = timedelta(days=60)
OUTCOME_RETENTION = timedelta(days=30)


def mark_seen(
    db: Database, feed_id: int, items: Sequence[tuple[str, str | None, str]]
) -> tuple[list[str], bool]:
    """Remember ``(key, canonical url, title)`` items; return (keys not seen before, whether this was the
    feed's first successful fetch, whose items count as already seen so subscribing never floods)."""
    now = now_iso()
    feed = db["alerts_feeds"].get(feed_id)
    baseline = not feed["fetched_ok"]
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
    new_rows = []
    done: set[str] = set()
    for key, url, title in items:
        if key in known or key in done:
            continue
        done.add(key)
        new_rows.append(
            {
                "feed_id": feed_id,
                "item_key": key,
                "url": url,
                "title": title[:300],
                "first_seen": now,
                "last_seen": now,
                "baseline": int(baseline),
            }
        )
    with db.conn:
        if known:
            marks = ",".join("?" * len(known))
            db.execute(
                f"UPDATE alerts_seen SET last_seen = ? WHERE feed_id = ? AND item_key IN ({marks})",
                [now, feed_id, *known],
            )
        if new_rows:
            db["alerts_seen"].insert_all(new_rows, pk=("feed_id", "item_key"), ignore=True)
        if baseline:
            db["alerts_feeds"].update(feed_id, {"fetched_ok": 1})
    return ([] if baseline else [r["item_key"] for r in new_rows]), baseline


def prune(db: Database, now: datetime | None = None) -> int:
    """Forget seen items no feed has shown for 60 days and decisions older than 30; return rows removed."""
    now = now or datetime.now(UTC)
    with db.conn:
        seen = db.execute(
            "DELETE FROM alerts_seen WHERE last_seen < ?",
            [(now - SEEN_RETENTION).isoformat(timespec="seconds")],
        ).rowcount
        outcomes = db.execute(
            "DELETE FROM alerts_outcomes WHERE at < ?",
            [(now - OUTCOME_RETENTION).isoformat(timespec="seconds")],
        ).rowcount
    return seen + outcomes


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


def recent_alerts(db: Database, guild_id: int, since: datetime) -> list[dict[str, Any]]:
    return [
        _decode(row)
        for row in db["alerts_posted"].rows_where(
            "guild_id = ? AND posted_at >= ?", [guild_id, since.isoformat(timespec="seconds")], order_by="id"
        )
    ]


def insert_alert(db: Database, row: dict[str, Any]) -> int:
    """Store a new alert (before posting, so a crash never leads to a second post); return its id."""
    data = dict(row)
    for key in ("matched", "record_ids", "record_titles", "record_labels", "members"):
        data[key] = json.dumps(list(data.get(key) or []), ensure_ascii=False)
    data.setdefault("posted_at", now_iso())
    with db.conn:
        table = db["alerts_posted"].insert(data)
        if data.get("feed_id") is not None:
            db.execute(
                "UPDATE alerts_feeds SET items_posted = items_posted + 1 WHERE id = ?", [data["feed_id"]]
            )
    return int(table.last_pk)


def set_message(db: Database, alert_id: int, channel_id: int | None, message_id: int | None) -> None:
    with db.conn:
        db["alerts_posted"].update(alert_id, {"channel_id": channel_id, "message_id": message_id})


def get_alert(db: Database, alert_id: int) -> dict[str, Any] | None:
    try:
        return _decode(dict(db["alerts_posted"].get(alert_id)))
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
    with db.conn:
        db["alerts_posted"].update(
            alert_id, {"members": json.dumps(members, ensure_ascii=False), "edit_pending": 1}
        )
    return True


def take_pending_edits(db: Database) -> list[dict[str, Any]]:
    """Alerts whose message needs one edit, cleared as they are handed out."""
    rows = [_decode(row) for row in db["alerts_posted"].rows_where("edit_pending = 1", order_by="id")]
    if rows:
        with db.conn:
            db.execute("UPDATE alerts_posted SET edit_pending = 0 WHERE edit_pending = 1")
    return rows


def digest_pending(db: Database, guild_id: int) -> list[dict[str, Any]]:
    return [
        _decode(row)
        for row in db["alerts_posted"].rows_where(
            "guild_id = ? AND digest_state = 'pending'", [guild_id], order_by="id"
        )
    ]


def mark_digest_sent(
    db: Database, guild_id: int, alert_ids: Iterable[int], day: str, message_id: int | None
) -> None:
    ids = list(alert_ids)
    with db.conn:
        for alert_id in ids:
            db["alerts_posted"].update(alert_id, {"digest_state": "sent", "message_id": message_id})
        db["alerts_guilds"].update(guild_id, {"last_digest_on": day})


def count_posted(db: Database, guild_id: int | None = None) -> int:
    if guild_id is None:
        return int(db.execute("SELECT COUNT(*) FROM alerts_posted").fetchone()[0])
    return int(db.execute("SELECT COUNT(*) FROM alerts_posted WHERE guild_id = ?", [guild_id]).fetchone()[0])


# ---------------------------------------------------------------- decisions and /alerts why


def record_outcomes(db: Database, rows: Sequence[dict[str, Any]]) -> None:
    """Remember what was decided for each (server, item URL), newest decision wins."""
    if not rows:
        return
    data = [
        {
            **row,
            "terms": json.dumps(list(row.get("terms") or []), ensure_ascii=False),
            "at": row.get("at") or now_iso(),
        }
        for row in rows
        if row.get("canonical_url")
    ]
    with db.conn:
        db["alerts_outcomes"].upsert_all(data, pk=("guild_id", "canonical_url"))


def why(db: Database, guild_id: int, canonical_url: str) -> dict[str, Any]:
    """Everything known about one item URL for one server: fetched by which feeds, decision, alert."""
    seen = list(
        db.query(
            """SELECT s.*, f.url AS feed_url, COALESCE(sub.name, f.title, f.url) AS feed_name,
                      sub.guild_id IS NOT NULL AS subscribed
               FROM alerts_seen s JOIN alerts_feeds f ON f.id = s.feed_id
               LEFT JOIN alerts_subscriptions sub ON sub.feed_id = s.feed_id AND sub.guild_id = ?
               WHERE s.url = ? ORDER BY s.first_seen""",
            [guild_id, canonical_url],
        )
    )
    try:
        outcome: dict[str, Any] | None = dict(db["alerts_outcomes"].get((guild_id, canonical_url)))
        outcome["terms"] = json.loads(outcome["terms"] or "[]")
    except NotFoundError:
        outcome = None
    alert_id = (
        outcome["alert_id"]
        if outcome and outcome["alert_id"]
        else posted_match(db, guild_id, "", canonical_url)
    )
    alert = get_alert(db, alert_id) if alert_id else None
    return {"seen": seen, "outcome": outcome, "alert": alert}


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("matched", "record_ids", "record_titles", "record_labels", "members"):
        out[key] = json.loads(out.get(key) or "[]")
    return out
