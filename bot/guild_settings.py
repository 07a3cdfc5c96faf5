"""Per-server settings the core owns (moderator role, poll-creator role) and bot metadata; plain store functions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

ROLE_FIELDS = ("mod_role_id", "poller_role_id")


def get(db: Database, guild_id: int) -> dict[str, Any]:
    """The server's settings row, or defaults when it has none."""
    try:
        return dict(db["guild_settings"].get(guild_id))
    except NotFoundError:
        return {"guild_id": guild_id, "mod_role_id": None, "poller_role_id": None, "updated_at": None}


def set_role(db: Database, guild_id: int, field: str, role_id: int | None) -> None:
    """Set (or clear with ``None``) one of the role settings; committed when this returns."""
    if field not in ROLE_FIELDS:
        raise ValueError(f"unknown role setting {field!r}")
    with db.conn:
        db["guild_settings"].upsert(
            {"guild_id": guild_id, field: role_id, "updated_at": datetime.now(UTC).isoformat()},
            pk="guild_id",
        )


def get_meta(db: Database, key: str) -> str | None:
    """A bot-wide metadata value."""
    try:
        return db["meta"].get(key)["value"]
    except NotFoundError:
        return None


def set_meta(db: Database, key: str, value: str) -> None:
    """Store a bot-wide metadata value; committed when this returns."""
    with db.conn:
        db["meta"].upsert({"key": key, "value": value}, pk="key")
