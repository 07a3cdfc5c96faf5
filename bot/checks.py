"""Who may do what: moderators of a server, and curators of the records every server shares.

A moderator has Manage Server, or the server's moderator role (`/config modrole`) — in *that* server only.
A curator is the application's owner (or a member of its team), a user in ``CURATOR_USER_IDS``, or a member
holding ``CURATOR_ROLE_ID`` in the server ``CURATOR_GUILD_ID``; being a moderator somewhere never makes one.
``default_permissions`` only hides commands in Discord's client; these checks run on our side every time.
Both hold only in servers Haikei is in (``server_id``): a command installed to a member's account also runs in
servers without Haikei, where Discord sends no roles and Haikei keeps no settings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot import guild_settings
from bot.errors import NotCurator, NotModerator, UserFacingError
from bot.replies import haikei

T = TypeVar("T")


def server_id(interaction: discord.Interaction) -> int | None:
    """The id of the server the interaction comes from when Haikei is installed there; None in DMs and in servers
    without Haikei (where a command installed to the member's account runs)."""
    if interaction.guild_id is not None and interaction.is_guild_integration():
        return interaction.guild_id
    return None


def guild_id_of(interaction: discord.Interaction) -> int:
    """The server a guild-only command or a server message's component was used in (Discord always sends it for
    those; anything else is refused with a clear message)."""
    if interaction.guild_id is None:
        raise UserFacingError("errors.guild_only")
    return interaction.guild_id


def role_ids(user: discord.abc.User) -> list[int]:
    """The ids of the member's roles (empty outside a server)."""
    return [role.id for role in getattr(user, "roles", ())]


async def has_role_setting(interaction: discord.Interaction, field: str) -> bool:
    """True when the member holds the role stored in ``field`` of the server's settings."""
    member = interaction.user
    guild_id = server_id(interaction)
    if guild_id is None or not isinstance(member, discord.Member):
        return False
    row = await haikei(interaction).db.run(guild_settings.get, guild_id)
    role_id = row.get(field)
    return role_id is not None and role_id in role_ids(member)


async def is_moderator(interaction: discord.Interaction) -> bool:
    """True for members with Manage Server (or Administrator) or the server's moderator role."""
    member = interaction.user
    if server_id(interaction) is None or not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    return await has_role_setting(interaction, "mod_role_id")


async def require_moderator(interaction: discord.Interaction) -> None:
    """Raise :class:`NotModerator` unless the user is a moderator (for buttons and modals)."""
    if interaction.guild_id is None:
        raise UserFacingError("errors.guild_only")
    if not await is_moderator(interaction):
        raise NotModerator


def _check(require: Callable[[discord.Interaction], Awaitable[None]]) -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction) -> bool:
        await require(interaction)
        return True

    return app_commands.check(predicate)


def moderator_only() -> Callable[[T], T]:
    """App-command check: moderators only (for commands of a :func:`staff_group`)."""
    return _check(require_moderator)


def server_only() -> dict[str, Any]:
    """Keyword arguments for a top-level ``app_commands.Group`` (or ``Command``/``ContextMenu``) that needs a
    server Haikei is in: offered in servers only, and installed with Haikei to a server, never to a member's
    account. (Discord gives a command that names no installation type every type the application enables.)"""
    return {
        "allowed_contexts": app_commands.AppCommandContext(guild=True),
        "allowed_installs": app_commands.AppInstallationType(guild=True),
    }


def staff_group(name: str, description: str) -> app_commands.Group:
    """A top-level group for moderators or curators: in servers only, installed with Haikei to a server only
    (never to a member's account), and hidden by Discord from members without Manage Server (a hint only; every
    subcommand still needs ``moderator_only()`` or ``curator_only()``)."""
    return app_commands.Group(
        name=name,
        description=description,
        guild_only=True,
        **server_only(),
        default_permissions=discord.Permissions(manage_guild=True),
    )


async def is_curator(interaction: discord.Interaction) -> bool:
    """True for the application's owner or team, ``CURATOR_USER_IDS``, and members holding the curator role
    when they act in the curators' server (where ``/curate`` is registered once that server is set)."""
    bot = haikei(interaction)
    user = interaction.user
    settings = bot.settings
    if user.id in settings.curator_user_ids or await bot.is_owner(user):
        return True
    return (
        settings.curator_role_id is not None
        and server_id(interaction) == settings.curator_guild_id
        and settings.curator_role_id in role_ids(user)
    )


async def require_curator(interaction: discord.Interaction) -> None:
    """Raise :class:`NotCurator` unless the user is a curator (for buttons and modals)."""
    if not await is_curator(interaction):
        raise NotCurator


def curator_only() -> Callable[[T], T]:
    """App-command check: curators only, whichever server the command is run in."""
    return _check(require_curator)
