"""Answer an interaction the same way whether it was already responded to, deferred, or not at all; translate
for the user, with commands written as Discord command mentions.

Catalog texts name commands in backticks (`` `/config modrole` ``). ``text`` turns each one that is a synced
command into a command mention (``</config modrole:ID>``), which Discord renders clickable and in the reader's
language (``/設定 modrole``…) and which never pings. Ids come from ``command_ids(client)``, filled by
``CommandIds.refresh`` in ``setup_hook`` right after the command sync; before that, or for paths that are not commands, text is left as
written. A path followed by options (`` `/alerts enable feed:3` ``) keeps the options in backticks after it.

Where a command installed to a member's account runs in a server without Haikei, a public answer is allowed only
where that member may post with external apps (``may_post``); ``send`` and ``defer`` answer privately elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

from bot.embeds import finish
from bot.text import clip

if TYPE_CHECKING:
    from bot.client import Haikei

log = logging.getLogger(__name__)
CONTENT_LIMIT = 2000  # characters of a message's content

NO_PINGS = discord.AllowedMentions.none()
# What a member needs for a user-installed app's answer to be public in a server without the app's bot; without
# Use External Apps Discord itself makes it ephemeral.
POST_WITH_EXTERNAL_APPS = discord.Permissions(send_messages=True, use_external_apps=True)
POST_IN_THREAD_WITH_EXTERNAL_APPS = discord.Permissions(send_messages_in_threads=True, use_external_apps=True)
BACKTICKED_COMMAND = re.compile(r"`/([^`\n]+)`")
SUBCOMMANDS = (discord.AppCommandOptionType.subcommand, discord.AppCommandOptionType.subcommand_group)


class CommandIds:
    """The ids Discord gave the synced slash commands, per scope: None (global) and each server synced to."""

    def __init__(self) -> None:
        self._scopes: dict[int | None, dict[str, int]] = {}
        self.known = asyncio.Event()  # set once a refresh has completed

    def learn(self, guild_id: int | None, commands: Iterable[app_commands.AppCommand]) -> None:
        """Remember every invocable path of ``commands`` (one scope's full list) with its command's id."""
        paths: dict[str, int] = {}
        for command in commands:
            if command.type is discord.AppCommandType.chat_input:
                for path in _leaf_paths(command.name, command.options):
                    paths[path] = command.id
        self._scopes[guild_id] = paths

    async def refresh(self, tree: app_commands.CommandTree, guild_ids: Iterable[int | None]) -> None:
        """Fetch the registered commands of global scope and of ``guild_ids``; failures keep what was known."""
        for guild_id in dict.fromkeys([None, *guild_ids]):
            try:
                fetched = await tree.fetch_commands(guild=discord.Object(guild_id) if guild_id else None)
            except discord.HTTPException as exc:
                log.warning("Could not fetch command ids (%s): %s", guild_id or "global", exc)
                continue
            self.learn(guild_id, fetched)
        self.known.set()

    def mention(self, path: str, guild_id: int | None = None) -> str | None:
        """``</path:id>`` for an invocable path as seen in ``guild_id`` (its own commands first), else None."""
        for scope in (guild_id, None) if guild_id else (None,):
            command_id = self._scopes.get(scope, {}).get(path)
            if command_id is not None:
                return f"</{path}:{command_id}>"
        return None

    def link(self, text: str, guild_id: int | None = None) -> str:
        """``text`` with each backticked known command path written as a mention (module docstring)."""
        if not self._scopes or "`/" not in text:
            return text

        def swap(match: re.Match[str]) -> str:
            words = match.group(1).split()
            for n in range(len(words), 0, -1):
                mention = self.mention(" ".join(words[:n]), guild_id)
                if mention is not None:
                    rest = " ".join(words[n:])
                    return f"{mention} `{rest}`" if rest else mention
            return match.group(0)

        return BACKTICKED_COMMAND.sub(swap, text)


def _leaf_paths(prefix: str, options: Iterable[Any]) -> list[str]:
    subs = [o for o in options if getattr(o, "type", None) in SUBCOMMANDS]
    if not subs:
        return [prefix]
    return [path for sub in subs for path in _leaf_paths(f"{prefix} {sub.name}", sub.options)]


_IDS: weakref.WeakKeyDictionary[discord.Client, CommandIds] = weakref.WeakKeyDictionary()


def haikei(interaction: discord.Interaction) -> Haikei:
    """The bot an interaction reached, typed: every interaction Haikei answers is dispatched by its own client
    (views and items typed ``discord.Interaction`` by discord.py reach the core through this)."""
    return cast("Haikei", interaction.client)


def command_ids(client: discord.Client) -> CommandIds:
    """The command ids ``client`` knows (an empty set until ``refresh``)."""
    found = _IDS.get(client)
    if found is None:
        found = _IDS[client] = CommandIds()
    return found


def may_post(interaction: discord.Interaction) -> bool:
    """Whether a public answer is allowed here: in DMs and in servers Haikei is in, always; in a server without
    it (a command installed to the member's account), only where the member may send messages with external apps.
    Uses what Discord sends with the interaction (the member's permissions in the channel), no cache."""
    if interaction.guild_id is None or interaction.is_guild_integration():
        return True
    needed = (
        POST_IN_THREAD_WITH_EXTERNAL_APPS
        if isinstance(interaction.channel, discord.Thread)
        else POST_WITH_EXTERNAL_APPS
    )
    return interaction.permissions >= needed


async def defer(interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
    """Acknowledge with "thinking…": publicly only where a public answer is allowed (``may_post``)."""
    await interaction.response.defer(ephemeral=ephemeral or not may_post(interaction), thinking=True)


async def send(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    ephemeral: bool = False,
    **kwargs: Any,
) -> discord.Message | None:
    """Send ``content``/``embed``/``view``/``file`` as the response, or as a follow-up once responded.

    Mentions are off unless the caller passes ``allowed_mentions``; content and embeds are made to fit Discord's
    limits (a message's content is at most 2,000 characters). A public answer becomes private where the member
    may not post it (``may_post``).
    """
    ephemeral = ephemeral or not may_post(interaction)
    kwargs.setdefault("allowed_mentions", NO_PINGS)
    if kwargs.get("embed") is not None:
        finish(kwargs["embed"])
    for embed in kwargs.get("embeds") or ():
        finish(embed)
    if content is not None:
        kwargs["content"] = clip(content, CONTENT_LIMIT)
    if interaction.response.is_done():
        return await interaction.followup.send(ephemeral=ephemeral, wait=True, **kwargs)
    await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
    return None


async def ephemeral(interaction: discord.Interaction, content: str | None = None, **kwargs: Any) -> None:
    """Send a private reply (errors, receipts, anything only the invoker should see)."""
    await send(interaction, content, ephemeral=True, **kwargs)


def link_commands(interaction: discord.Interaction, text: str) -> str:
    """``text`` with backticked commands as mentions, for where ``interaction`` happens."""
    return command_ids(interaction.client).link(text, interaction.guild_id)


def text(interaction: discord.Interaction, key: str, /, **params: Any) -> str:
    """Translate ``key`` for the invoker's locale using the bot's catalogs, commands as mentions."""
    translated = haikei(interaction).i18n.text(key, interaction.locale, **params)
    return link_commands(interaction, translated)
