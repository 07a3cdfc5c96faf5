"""The core schema: per-server settings and bot metadata. Each cog owns its own named migration set."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

core = Migrations("core")


@core(name="0001_guild_settings")
def _guild_settings(db: Database) -> None:
    db["guild_settings"].create(
        {"guild_id": int, "mod_role_id": int, "poller_role_id": int, "updated_at": str},
        pk="guild_id",
        not_null={"guild_id"},
    )


@core(name="0002_meta")
def _meta(db: Database) -> None:
    """Key/value facts about the bot itself, e.g. the hash of the last command tree synced."""
    db["meta"].create({"key": str, "value": str}, pk="key")


@core(name="0003_leases")
def _leases(db: Database) -> None:
    """Who runs each once-per-bot job (feed poller, poll deadlines) until when (``bot.leases``)."""
    db["leases"].create(
        {"name": str, "owner": str, "expires_at": float, "acquired_at": float},
        pk="name",
        not_null={"name", "owner", "expires_at", "acquired_at"},
    )
