"""Per-server settings the core owns (moderator role, poll-creator role), bot metadata, the servers Haikei was
removed from and the log of deletions; plain store functions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from bot.db import transaction

ROLE_FIELDS = ("mod_role_id", "poller_role_id")


def get(db: Database, guild_id: int) -> dict[str, Any]:
    """The server's settings row, or defaults when it has none."""
    try:
        return dict(db.table("guild_settings").get(guild_id))
    except NotFoundError:
        return {"guild_id": guild_id, "mod_role_id": None, "poller_role_id": None, "updated_at": None}


def set_role(db: Database, guild_id: int, field: str, role_id: int | None) -> None:
    """Set (or clear with ``None``) one of the role settings; committed when this returns."""
    if field not in ROLE_FIELDS:
        raise ValueError(f"unknown role setting {field!r}")
    with transaction(db):
        db.table("guild_settings").upsert(
            {"guild_id": guild_id, field: role_id, "updated_at": datetime.now(UTC).isoformat()},
            pk="guild_id",
        )


def get_meta(db: Database, key: str) -> str | None:
    """A bot-wide metadata value."""
    try:
        return db.table("meta").get(key)["value"]
    except NotFoundError:
        return None


def set_meta(db: Database, key: str, value: str) -> None:
    """Store a bot-wide metadata value; committed when this returns."""
    with transaction(db):
        db.table("meta").upsert({"key": key, "value": value}, pk="key")


# ----- servers Haikei left, and the log of deletions (the privacy cog's purge) ---------------------------


def mark_removed(db: Database, guild_id: int, at: float) -> None:
    """Haikei was removed from the server at ``at``: its data is purged once the grace period has passed
    (an earlier mark is kept, so a second removal event does not restart the count)."""
    with transaction(db):
        db.execute(
            "INSERT INTO guild_removals (guild_id, removed_at) VALUES (?, ?) ON CONFLICT (guild_id) DO NOTHING",
            [guild_id, at],
        )


def clear_removed(db: Database, guild_id: int) -> bool:
    """Haikei is in the server (again): nothing of it is purged. True if it was marked."""
    with transaction(db):
        return db.execute("DELETE FROM guild_removals WHERE guild_id = ?", [guild_id]).rowcount > 0


def removed_guilds(db: Database) -> dict[int, float]:
    """Every marked server and when Haikei was removed from it."""
    return dict(db.execute("SELECT guild_id, removed_at FROM guild_removals").fetchall())


def removed_before(db: Database, before: float) -> list[int]:
    """Servers Haikei was removed from at or before ``before`` (due for the purge), oldest first."""
    rows = db.execute(
        "SELECT guild_id FROM guild_removals WHERE removed_at <= ? ORDER BY removed_at", [before]
    ).fetchall()
    return [row[0] for row in rows]


def stored_guilds(db: Database) -> set[int]:
    """The servers with settings."""
    return {row[0] for row in db.execute("SELECT guild_id FROM guild_settings")}


def forget_guild(db: Database, guild_id: int) -> dict[str, int]:
    """Delete the core's rows of a server (its settings and its removal mark)."""
    with transaction(db):
        settings = db.execute("DELETE FROM guild_settings WHERE guild_id = ?", [guild_id]).rowcount
        db.execute("DELETE FROM guild_removals WHERE guild_id = ?", [guild_id])
    return {"privacy.count.settings": settings}


def log_privacy(
    db: Database, subject: str, counts: dict[str, int], at: float, guild_id: int | None = None
) -> None:
    """Record a deletion: ``subject`` ``member`` (no id: only what was removed) or ``server`` (its id)."""
    with transaction(db):
        db.table("privacy_log").insert(
            {"at": at, "subject": subject, "guild_id": guild_id, "counts": json.dumps(counts, sort_keys=True)}
        )


def prune_privacy_log(db: Database, before: float) -> int:
    with transaction(db):
        return db.execute("DELETE FROM privacy_log WHERE at < ?", [before]).rowcount
