"""Discord permission bits and the role/overwrite arithmetic Discord applies.

Kept separate from the world model so REST checks (403 Missing Permissions) and interaction payloads
(``member.permissions``, ``app_permissions``) compute permissions the same way Discord does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

log = logging.getLogger(__name__)

FLAGS: dict[str, int] = {
    "create_instant_invite": 1 << 0,
    "kick_members": 1 << 1,
    "ban_members": 1 << 2,
    "administrator": 1 << 3,
    "manage_channels": 1 << 4,
    "manage_guild": 1 << 5,
    "add_reactions": 1 << 6,
    "view_audit_log": 1 << 7,
    "view_channel": 1 << 10,
    "send_messages": 1 << 11,
    "send_tts_messages": 1 << 12,
    "manage_messages": 1 << 13,
    "embed_links": 1 << 14,
    "attach_files": 1 << 15,
    "read_message_history": 1 << 16,
    "mention_everyone": 1 << 17,
    "use_external_emojis": 1 << 18,
    "change_nickname": 1 << 26,
    "manage_roles": 1 << 28,
    "manage_webhooks": 1 << 29,
    "use_application_commands": 1 << 31,
    "create_public_threads": 1 << 35,
    "send_messages_in_threads": 1 << 38,
    "use_external_apps": 1 << 50,
}

ALL = (1 << 51) - 1

EVERYONE_DEFAULT = (
    FLAGS["create_instant_invite"]
    | FLAGS["add_reactions"]
    | FLAGS["view_channel"]
    | FLAGS["send_messages"]
    | FLAGS["embed_links"]
    | FLAGS["attach_files"]
    | FLAGS["read_message_history"]
    | FLAGS["use_external_emojis"]
    | FLAGS["change_nickname"]
    | FLAGS["use_application_commands"]
    | FLAGS["create_public_threads"]
    | FLAGS["send_messages_in_threads"]
    | FLAGS["use_external_apps"]
)


def flag(name: str) -> int:
    """Bit for a permission name like ``"send_messages"`` (raises KeyError with the known names)."""
    try:
        return FLAGS[name]
    except KeyError:
        raise KeyError(f"unknown permission {name!r}; known: {sorted(FLAGS)}") from None


def bits(names: Iterable[str] | int) -> int:
    """Accept either an int bitfield or permission names and return the bitfield."""
    if isinstance(names, int):
        return names
    out = 0
    for name in names:
        out |= flag(name)
    return out


def base_permissions(everyone: int, role_perms: Iterable[int], is_owner: bool) -> int:
    """Guild-level permissions: @everyone | member roles; owner and administrator get everything."""
    if is_owner:
        return ALL
    perms = everyone
    for p in role_perms:
        perms |= p
    if perms & FLAGS["administrator"]:
        return ALL
    return perms


def apply_overwrites(
    base: int,
    *,
    guild_id: int,
    member_id: int,
    member_roles: Iterable[int],
    overwrites: dict[int, tuple[int, int, int]],
) -> int:
    """Channel permissions per Discord's documented order: @everyone, then roles (merged), then member.

    ``overwrites`` maps target id -> (type 0 role / 1 member, allow, deny).
    """
    if base & FLAGS["administrator"] or base == ALL:
        return ALL
    perms = base
    if guild_id in overwrites:
        _, allow, deny = overwrites[guild_id]
        perms = (perms & ~deny) | allow
    allow_r = deny_r = 0
    for rid in member_roles:
        if rid in overwrites and overwrites[rid][0] == 0:
            allow_r |= overwrites[rid][1]
            deny_r |= overwrites[rid][2]
    perms = (perms & ~deny_r) | allow_r
    if member_id in overwrites and overwrites[member_id][0] == 1:
        _, allow, deny = overwrites[member_id]
        perms = (perms & ~deny) | allow
    if not perms & FLAGS["view_channel"]:
        return 0
    return perms
