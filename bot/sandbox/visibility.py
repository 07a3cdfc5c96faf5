"""Which registered commands a user sees in a channel or server, as Discord's client lists them.

Discord's client hides a command from a member who lacks its ``default_member_permissions`` (``"0"``: only
administrators and the owner), shows a guild command only in its own guild, and lists nothing in a channel where
the member lacks Use Application Commands. In a DM with the bot only global commands allowed in DMs appear, and
permissions do not apply. (Per-server overrides set in Server Settings → Integrations are not emulated.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from bot.sandbox import permissions as perms
from bot.sandbox.entities import Channel, Guild, User
from bot.sandbox.state import World

log = logging.getLogger(__name__)

GUILD_CONTEXT, BOT_DM_CONTEXT = 0, 1
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


def allowed_in(command: dict[str, Any], context: int) -> bool:
    """The command's ``contexts`` (or the older ``dm_permission``) allow it in a guild or a bot DM."""
    contexts = command.get("contexts")
    if contexts is not None:
        return context in contexts
    return context == GUILD_CONTEXT or command.get("dm_permission", True) is not False


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
    if guild is None:
        candidates: Iterable[dict[str, Any]] = world.commands.get(None, {}).values()
        return [c for c in candidates if _of_type(c, command_type) and allowed_in(c, BOT_DM_CONTEXT)]
    if who.id not in guild.members:
        return []
    held = world.channel_permissions(who, channel) if channel else world.guild_permissions(who, guild)
    if not held & USE_APPLICATION_COMMANDS:
        return []
    candidates = [*world.commands.get(guild.id, {}).values(), *world.commands.get(None, {}).values()]
    return [
        c
        for c in candidates
        if _of_type(c, command_type) and allowed_in(c, GUILD_CONTEXT) and permitted(c, held)
    ]


def _of_type(command: dict[str, Any], command_type: int | None) -> bool:
    return command_type is None or command.get("type", CHAT_INPUT) == command_type
