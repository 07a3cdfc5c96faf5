"""Who did what to the shared records: the audit trail, and the ``Actor`` every write names (pure SQL)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from bot.db import inserted_id

ROLES = ("member", "moderator", "curator", "operator", "seed")


@dataclass(frozen=True)
class Actor:
    """Who acted, as what, and from which server (``None`` outside a server or for the operator)."""

    id: int | None
    role: str
    guild_id: int | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown actor role {self.role!r}")


OPERATOR = Actor(None, "operator")  # `python -m bot records import`
SEED = Actor(None, "seed")  # the shipped records


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_audit(
    db: Database,
    action: str,
    *,
    actor: Actor,
    record_id: str | None = None,
    submission_id: int | None = None,
    before: Any = None,
    after: Any = None,
    note: str | None = None,
) -> int:
    """Append one audit row (call inside the caller's transaction); returns its id."""
    table = db.table("disclosure_audit")
    table.insert(
        {
            "at": now_iso(),
            "actor_id": actor.id,
            "actor_role": actor.role,
            "guild_id": actor.guild_id,
            "action": action,
            "record_id": record_id,
            "submission_id": submission_id,
            "before": json.dumps(before, ensure_ascii=False) if before is not None else None,
            "after": json.dumps(after, ensure_ascii=False) if after is not None else None,
            "note": note,
        }
    )
    return inserted_id(table)


HISTORY_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_role",
    "guild_id",
    "action",
    "submission_id",
    "before",
    "after",
    "note",
)


def _entries(db: Database, where: str, params: list[Any]) -> list[dict[str, Any]]:
    return _decoded(
        db.execute(
            f"SELECT {', '.join(HISTORY_COLUMNS)} FROM disclosure_audit WHERE {where}", params
        ).fetchall()
    )


def _decoded(rows: list[Any]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        item = dict(zip(HISTORY_COLUMNS, row, strict=True))
        for side in ("before", "after"):
            item[side] = json.loads(item[side]) if item[side] else None
        out.append(item)
    return out


def history(db: Database, record_id: str, *, limit: int = 200) -> list[dict[str, Any]]:
    """The record's audit trail, newest first: its own entries, and each ``records import`` that created or
    changed it (shown as ``import.create`` / ``import.update`` with the import's entry number and note)."""
    columns = ", ".join(HISTORY_COLUMNS)
    from_imports = ", ".join(
        {"action": "'import.' || i.change", "before": "i.before", "after": "i.after"}.get(c, f"a.{c}")
        for c in HISTORY_COLUMNS
    )
    return _decoded(
        db.execute(
            f"SELECT {columns} FROM disclosure_audit WHERE record_id = ?"
            f" UNION ALL SELECT {from_imports} FROM disclosure_audit_items i"
            " JOIN disclosure_audit a ON a.id = i.entry_id WHERE i.record_id = ?"
            " ORDER BY id DESC LIMIT ?",
            [record_id, record_id, limit],
        ).fetchall()
    )


def entry(db: Database, entry_id: int) -> dict[str, Any] | None:
    found = _entries(db, "id = ?", [entry_id])
    return found[0] if found else None


def deleted_ids(db: Database, prefix: str = "", *, limit: int = 25) -> list[str]:
    """Ids of deleted records (their last audit entry is a deletion), for restore's autocomplete."""
    return [
        row[0]
        for row in db.execute(
            "SELECT record_id FROM disclosure_audit a WHERE action = 'delete' AND record_id LIKE ? ESCAPE '\\'"
            " AND NOT EXISTS (SELECT 1 FROM disclosure_records r WHERE r.id = a.record_id)"
            " GROUP BY record_id ORDER BY max(id) DESC LIMIT ?",
            [prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", limit],
        ).fetchall()
    ]
