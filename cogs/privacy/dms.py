"""Deleting the direct messages Haikei sent a member (it keeps no record of them: Discord holds them)."""

from __future__ import annotations

import logging

import discord

log = logging.getLogger(__name__)

DM_SCAN = 500  # the latest messages of the DM channel looked through (the bot only DMs about submissions)


async def delete_sent_dms(
    client: discord.Client, user: discord.User | discord.Member, *, scan: int = DM_SCAN
) -> tuple[int, int]:
    """Delete the messages the bot sent in its DM channel with ``user``; return (deleted, failed).

    The bot cannot delete what the member wrote; a message already gone counts as neither.
    """
    me = client.user
    if me is None:
        return 0, 0
    deleted = failed = 0
    try:
        channel = user.dm_channel or await user.create_dm()
        async for message in channel.history(limit=scan):
            if message.author.id != me.id:
                continue
            try:
                await message.delete()
            except discord.NotFound:
                continue
            except discord.HTTPException as exc:
                log.warning("Could not delete a direct message the bot sent: %s", exc)
                failed += 1
            else:
                deleted += 1
    except discord.HTTPException as exc:
        log.warning("Could not read a member's DM channel to delete the bot's messages: %s", exc)
        failed += 1
    return deleted, failed
