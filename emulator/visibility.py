"""Which registered commands a user sees in a channel or server, as Discord's client lists them.

Discord's client hides a command from a member who lacks its ``default_member_permissions`` (``"0"``: only
administrators and the owner), shows a guild command only in its own guild, and lists nothing in a channel where
the member lacks Use Application Commands. A global command is offered only in the interaction contexts it was
registered for (``contexts``: 0 a server, 1 the DM with the bot, 2 other DMs and group DMs) and only where an
installation of the app covers it (``integration_types``): a server install (0) where the bot is in the server
and in the DM with the bot, a user install (1) wherever that user is. ``authorizing_owners`` gives the
``authorizing_integration_owners`` Discord sends; empty means Discord's client would not offer the command.
(Per-server overrides set in Server Settings → Integrations are not emulated.)
"""

from __future__ import annotations

import logging
from typing import Any

from emulator import permissions as perms
from emulator.entities import Channel, Guild, User
from emulator.options import DriverError
from emulator.state import GUILD_INSTALL, USER_INSTALL, World

log = logging.getLogger(__name__)

GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT = 0, 1, 2
ALL_CONTEXTS = (GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT)
CHAT_INPUT = 1
ADMINISTRATOR = perms.flag("administrator")
USE_APPLICATION_COMMANDS = perms.flag("use_application_commands")


def permitted(command: dict[str, Any], permissions: int) -> bool:
    """True if a member holding ``permissions`` passes the command's ``default_member_permissions``."""
    required = command.get("default_member_permissions")
    if required is None:
        return True
    if permissions & ADMINISTRATOR:
        return True
    need = int(required)
    return need != 0 and permissions & need == need


def contexts_of(command: dict[str, Any]) -> tuple[int, ...]:
    """The command's ``contexts``; without them, every context (none but servers with ``dm_permission`` false)."""
    contexts = command.get("contexts")
    if contexts is not None:
        return tuple(contexts)
    return (GUILD_CONTEXT,) if command.get("dm_permission", True) is False else ALL_CONTEXTS


def context_of(world: World, channel: Channel | None, guild: Guild | None) -> int:
    """The interaction context of a place: a server, the DM with the bot, or a DM/group DM between users."""
    if guild is not None:
        return GUILD_CONTEXT
    return PRIVATE_CHANNEL_CONTEXT if channel is not None and channel.is_private else BOT_DM_CONTEXT


def authorizing_owners(
    world: World, command: dict[str, Any], user: User, guild: Guild | None, context: int
) -> dict[str, str]:
    """``authorizing_integration_owners`` for ``user`` invoking ``command`` there; empty: not offered."""
    if "guild_id" in command:  # a server's own command: only there, through the server install
        ok = guild is not None and str(guild.id) == command["guild_id"] and guild.id in world.guilds
        return {str(GUILD_INSTALL): str(guild.id)} if ok and guild is not None else {}
    if context not in contexts_of(command):
        return {}
    types = command.get("integration_types") or world.install_types
    owners: dict[str, str] = {}
    if GUILD_INSTALL in types:
        if context == GUILD_CONTEXT and guild is not None and guild.id in world.guilds:
            owners[str(GUILD_INSTALL)] = str(guild.id)
        elif context == BOT_DM_CONTEXT:
            owners[str(GUILD_INSTALL)] = "0"
    if USER_INSTALL in types and user.id in world.user_installs:
        owners[str(USER_INSTALL)] = str(user.id)
    return owners


def offered(
    world: World, command: dict[str, Any], label: str, user: User, channel: Channel, guild: Guild | None
) -> dict[str, str]:
    """The installs that let ``user`` run ``command`` in ``channel`` (``authorizing_owners``); DriverError where
    Discord's client would not offer it, saying why."""
    if guild is not None and user.id not in guild.members:
        raise DriverError(f"{user.username} is not a member of {guild.name}")
    if guild is None and not world.channel_permissions(user, channel):
        raise DriverError(f"{user.username} is not in the DM {channel.name}")
    context = context_of(world, channel, guild)
    owners = authorizing_owners(world, command, user, guild, context)
    if not owners:
        where = f"in {guild.name}" if guild is not None else f"in the DM {channel.name}"
        bot_there = (
            "" if guild is None else f"the bot {'is' if guild.id in world.guilds else 'is not'} there; "
        )
        installed = "installed" if user.id in world.user_installs else "not installed"
        raise DriverError(
            f"{label}: Discord's client does not offer it to {user.username} {where} (context {context}; "
            f"registered for contexts {list(contexts_of(command))}, installs {command.get('integration_types')}; "
            f"{bot_there}the app is {installed} to the user)"
        )
    return owners


def resolve_place(world: World, where: Channel | Guild | str | int) -> tuple[Guild | None, Channel | None]:
    """``where`` as (guild, channel): a Guild or server name/id gives (guild, None); a channel its guild."""
    if isinstance(where, Guild):
        return where, None
    if not isinstance(where, Channel):
        try:
            return world.get_guild(where), None
        except KeyError:
            pass
    channel = world.channel(where)
    return world.guild_of(channel), channel


def visible(
    world: World,
    user: User | str | int,
    where: Channel | Guild | str | int,
    *,
    command_type: int | None = CHAT_INPUT,
) -> list[dict[str, Any]]:
    """The registered commands (of ``command_type``; None: every type) ``user`` sees in ``where``."""
    who = world.user(user)
    guild, channel = resolve_place(world, where)
    context = context_of(world, channel, guild)
    held = 0
    if guild is not None:
        if who.id not in guild.members:
            return []
        held = world.channel_permissions(who, channel) if channel else world.guild_permissions(who, guild)
        if not held & USE_APPLICATION_COMMANDS:
            return []
    elif channel is not None and not world.channel_permissions(who, channel):
        return []  # a DM the user is not in
    scopes: list[int | None] = [guild.id, None] if guild is not None else [None]
    shown = []
    for scope in scopes:
        for command in world.commands.get(scope, {}).values():
            if not _of_type(command, command_type):
                continue
            owners = authorizing_owners(world, command, who, guild, context)
            # default_member_permissions is a server's setting: it applies through the server install
            if owners and (str(GUILD_INSTALL) not in owners or guild is None or permitted(command, held)):
                shown.append(command)
    return shown


def _of_type(command: dict[str, Any], command_type: int | None) -> bool:
    return command_type is None or command.get("type", CHAT_INPUT) == command_type
