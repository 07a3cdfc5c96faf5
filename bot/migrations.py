"""The core schema: per-server settings and bot metadata. Each cog owns its own named migration set."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

core = Migrations("core")


@core(name="0001_guild_settings")
def _guild_settings(db: Database) -> None:
    db.table("guild_settings").create(
        {"guild_id": int, "mod_role_id": int, "poller_role_id": int, "updated_at": str},
        pk="guild_id",
        not_null={"guild_id"},
    )


@core(name="0002_meta")
def _meta(db: Database) -> None:
    """Key/value facts about the bot itself, e.g. the hash of the last command tree synced."""
    db.table("meta").create({"key": str, "value": str}, pk="key")


@core(name="0003_leases")
def _leases(db: Database) -> None:
    """Who runs each once-per-bot job (feed poller, poll deadlines) until when (``bot.leases``)."""
    db.table("leases").create(
        {"name": str, "owner": str, "expires_at": float, "acquired_at": float},
        pk="name",
        not_null={"name", "owner", "expires_at", "acquired_at"},
    )


@core(name="0004_privacy")
def _privacy(db: Database) -> None:
    """Servers Haikei was removed from (their data is purged 30 days later unless it is added back), and the
    log of deletions: what a member's ``/privacy delete`` or a server purge removed, never the member's id."""
    db.table("guild_removals").create(
        {"guild_id": int, "removed_at": float}, pk="guild_id", not_null={"removed_at"}
    )
    db.table("privacy_log").create(
        {"id": int, "at": float, "subject": str, "guild_id": int, "counts": str},
        pk="id",
        not_null={"at", "subject", "counts"},
    )
    db.table("privacy_log").create_index(["at"])
