"""Sync the command tree only when what Discord would receive has changed since the last sync."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands

from bot import guild_settings
from bot.db import AsyncDatabase

log = logging.getLogger(__name__)


async def tree_payload(
    tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None
) -> list[dict[str, Any]]:
    """The JSON that ``tree.sync(guild=guild)`` would send, translations included."""
    commands = tree.get_commands(guild=guild)
    translator = tree.translator
    if translator is None:
        return [command.to_dict(tree) for command in commands]
    return [await command.get_translated_payload(tree, translator) for command in commands]


def payload_hash(payload: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


async def sync_if_changed(
    tree: app_commands.CommandTree,
    db: AsyncDatabase,
    *,
    application_id: int,
    guild_id: int | None = None,
    force: bool = False,
    copy_global: bool = True,
) -> bool:
    """Sync globally, or one server's commands, when the payload differs; return whether it synced.

    With ``guild_id`` and ``copy_global`` (development) the global commands are copied into that server too;
    without ``copy_global`` only the commands registered for that server are sent (the curators' server).
    """
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None and copy_global:
        tree.copy_global_to(guild=guild)
    digest = payload_hash(await tree_payload(tree, guild))
    key = f"command_hash:{application_id}:{guild_id or 'global'}"
    if not force and await db.run(guild_settings.get_meta, key) == digest:
        log.info("Command tree unchanged since the last sync; not syncing")
        return False
    synced = await tree.sync(guild=guild)
    await db.run(guild_settings.set_meta, key, digest)
    log.info("Synced %d commands %s", len(synced), f"to guild {guild_id}" if guild_id else "globally")
    return True


def sync_scopes(dev_guild_id: int | None, curator_guild_id: int | None) -> list[tuple[int | None, bool]]:
    """Where to sync, as (guild id or None for global, copy the global commands there): the development
    server (everything) or global, plus the curators' server for its own commands when it is another one."""
    scopes: list[tuple[int | None, bool]] = [(dev_guild_id, True)]
    if curator_guild_id is not None and curator_guild_id != dev_guild_id:
        scopes.append((curator_guild_id, False))
    return scopes
