"""Who the person using the page can act as: each persona's servers, moderator roles and curator status.

A curator (of Haikei's shared disclosure records) is the application's owner, a user listed in
``CURATOR_USER_IDS``, or a holder of ``CURATOR_ROLE_ID`` in ``CURATOR_GUILD_ID``. In the emulator the owner is
``mod``; the sandbox passes the bot's settings in as a ``CuratorPolicy`` so the page says what the bot decides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from emulator import permissions as perms
from emulator.entities import Guild, User
from emulator.state import World

log = logging.getLogger(__name__)

MANAGE_GUILD = perms.flag("manage_guild")


@dataclass(frozen=True)
class CuratorPolicy:
    """The bot's curator settings (ids as the emulator knows them; the owner is always a curator)."""

    user_ids: frozenset[int] = frozenset()
    guild_id: int | None = None
    role_id: int | None = None


PHRASES = {
    "en": {
        "owner": "the bot's owner",
        "listed": "listed in CURATOR_USER_IDS",
        "role": "curator role in {guild}",
        "moderator": "moderator of {guilds}",
        "member": "member of {guilds}",
        "curator": "curator ({reason})",
        "not_curator": "not a curator",
        "and": " and ",
        "list": ", ",
    },
    "ja": {
        "owner": "ボットのオーナー",
        "listed": "CURATOR_USER_IDS に記載",
        "role": "{guild} のキュレーターロール",
        "moderator": "{guilds} のモデレーター",
        "member": "{guilds} のメンバー",
        "curator": "キュレーター（{reason}）",
        "not_curator": "キュレーターではない",
        "and": " と ",
        "list": "、",
    },
}


def _phrases(locale: str) -> dict[str, str]:
    return PHRASES["ja" if locale.startswith("ja") else "en"]


def curator_reason(world: World, user: User, policy: CuratorPolicy, locale: str = "en-US") -> str | None:
    """Why ``user`` is a curator (None if they are not), in ``locale``'s language."""
    say = _phrases(locale)
    if user.id == world.owner.id:
        return say["owner"]
    if user.id in policy.user_ids:
        return say["listed"]
    guild = world.guilds.get(policy.guild_id) if policy.guild_id is not None else None
    member = guild.members.get(user.id) if guild is not None else None
    if guild is not None and member is not None and policy.role_id in member.roles:
        return say["role"].format(guild=guild.name)
    return None


def moderates(world: World, user: User, guild: Guild) -> bool:
    """A moderator here means Manage Server, which Haikei's moderator commands ask for."""
    return user.id in guild.members and bool(world.guild_permissions(user, guild) & MANAGE_GUILD)


def _names(guilds: list[Guild], say: dict[str, str]) -> str:
    names = [g.name for g in guilds]
    return names[0] if len(names) == 1 else say["list"].join(names[:-1]) + say["and"] + names[-1]


def persona(world: World, user: User, policy: CuratorPolicy, locale: str = "en-US") -> dict[str, Any]:
    """One persona for the page, e.g. summary "rin — moderator of Second Server, not a curator"."""
    say = _phrases(locale)
    guilds = [g for g in world.guilds.values() if user.id in g.members]
    moderated = [g for g in guilds if moderates(world, user, g)]
    member_only = [g for g in guilds if g not in moderated]
    reason = curator_reason(world, user, policy, locale)
    parts = []
    if moderated:
        parts.append(say["moderator"].format(guilds=_names(moderated, say)))
    if member_only:
        parts.append(say["member"].format(guilds=_names(member_only, say)))
    parts.append(say["curator"].format(reason=reason) if reason else say["not_curator"])
    return {
        "id": str(user.id),
        "name": user.username,
        "guilds": [str(g.id) for g in guilds],
        "moderator_of": [str(g.id) for g in moderated],
        "curator": reason is not None,
        "summary": f"{user.username} — {say['list'].join(parts)}",
    }


def personas(world: World, policy: CuratorPolicy, locale: str = "en-US") -> list[dict[str, Any]]:
    """Every human user who is in at least one server, in creation order."""
    people = [u for u in world.users.values() if not u.bot]
    found = [persona(world, u, policy, locale) for u in people]
    return [p for p in found if p["guilds"]]


def members(world: World, guild: Guild, policy: CuratorPolicy) -> list[dict[str, Any]]:
    """The server's human members as the "Acting as" list shows them."""
    roles = {r.id: r.name for r in guild.roles.values()}
    out = []
    for member in guild.members.values():
        user = world.users[member.user_id]
        if user.bot:
            continue
        out.append(
            {
                "id": str(user.id),
                "name": user.username,
                "roles": [roles[r] for r in member.roles if r in roles],
                "moderator": moderates(world, user, guild),
                "curator": curator_reason(world, user, policy) is not None,
            }
        )
    return out


def default_persona(world: World, guild: Guild) -> User:
    """Whom the page acts as when it arrives in a server: its owner, else its first human member."""
    owner = world.users.get(guild.owner_id)
    if owner is not None and not owner.bot and owner.id in guild.members:
        return owner
    for member in guild.members.values():
        if not world.users[member.user_id].bot:
            return world.users[member.user_id]
    raise KeyError(f"{guild.name} has no human members to act as")
