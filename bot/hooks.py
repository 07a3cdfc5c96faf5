"""The hooks the core reads from cogs (README, "How a cog plugs into the core"), as typed Protocols.

A cog provides a hook by defining it: nothing to inherit or register (a Protocol cannot be a cog's base anyway:
its metaclass conflicts with discord.py's ``CogMeta``). The core, ``/help``, ``/about``, ``/config show`` and the
privacy cog find the cogs that provide one with :func:`hooks_of` instead of ``getattr``::

    for cog in hooks_of(bot, AboutCounts):
        counts = await cog.about_counts()  # typed: Mapping[str, int]

Each Protocol is ``runtime_checkable``: ``isinstance`` checks that the attribute exists (as ``getattr`` did);
the signature here is the contract every cog's hook follows. Counts are keyed by catalog key; zeros may be left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

import discord
from discord.ext import commands

H = TypeVar("H")

DEFAULT_FEATURE = "meta"


# ----- what the core and the meta cog read ------------------------------------------------------------


@runtime_checkable
class Feature(Protocol):
    """``feature_key``: the feature a cog's commands are listed under in ``/help`` (``help.feature.<key>``)."""

    @property
    def feature_key(self) -> str: ...


@runtime_checkable
class DynamicItems(Protocol):
    """``dynamic_items``: the persistent ``DynamicItem`` classes registered in ``setup_hook`` (they survive
    restarts)."""

    @property
    def dynamic_items(self) -> Sequence[type[discord.ui.DynamicItem[Any]]]: ...


@runtime_checkable
class AboutCounts(Protocol):
    async def about_counts(self) -> Mapping[str, int]:
        """What the cog holds, shown by ``/about``: {catalog key: count}."""
        ...


@runtime_checkable
class ConfigFields(Protocol):
    async def config_fields(
        self, guild_id: int, locale: discord.Locale | str | None = None
    ) -> Iterable[tuple[str, str | None]]:
        """The server's settings of this cog, shown by ``/config show``: (catalog key, value already translated
        into ``locale``; None or empty shows "not set")."""
        ...


# ----- the privacy hooks (the privacy cog reads them) ----------------------------------------------------


@runtime_checkable
class PersonalData(Protocol):
    async def personal_data(
        self, user_id: int, locale: discord.Locale | str | None = None
    ) -> Iterable[tuple[str, str]]:
        """What the cog keeps about a member, for ``/privacy show``: (catalog key of a title, text)."""
        ...


@runtime_checkable
class ForgetUser(Protocol):
    async def forget_user(self, user_id: int) -> Mapping[str, int]:
        """Delete what the cog keeps about a member (``/privacy delete``): {catalog key: count removed}."""
        ...


@runtime_checkable
class ForgetGuild(Protocol):
    async def forget_guild(self, guild_id: int) -> Mapping[str, int]:
        """Delete everything of a server that removed Haikei 30 days ago: {catalog key: count removed}."""
        ...


@runtime_checkable
class ApplyRetention(Protocol):
    async def apply_retention(self, now: float) -> Mapping[str, int]:
        """Delete or strip what is past its retention period (``bot.retention``) at ``now`` (Unix time), daily:
        {catalog key: count}."""
        ...


@runtime_checkable
class StoredGuilds(Protocol):
    async def stored_guilds(self) -> Iterable[int]:
        """The servers the cog keeps data of (checked at start against the servers Haikei is in)."""
        ...


# ----- finding them ------------------------------------------------------------------------------------


def hooks_of(bot: commands.bot.BotBase, hook: type[H]) -> list[H]:
    """The loaded cogs that provide ``hook`` (one of this module's Protocols), in load order. A list taken now:
    a hook may await while cogs are loaded or unloaded."""
    return [cog for cog in list(bot.cogs.values()) if isinstance(cog, hook)]


def hook_name(hook: type) -> str:
    """The name of the one member ``hook`` declares (``ForgetUser`` → ``forget_user``), for log lines."""
    members = [name for name in vars(hook) if not name.startswith("_")]
    return members[0] if len(members) == 1 else hook.__name__


def feature_of(binding: object) -> str:
    """The ``/help`` feature of a command's cog (``binding``); commands of no feature are listed under meta."""
    if isinstance(binding, Feature) and binding.feature_key:
        return binding.feature_key
    return DEFAULT_FEATURE
