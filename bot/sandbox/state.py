"""The emulator's in-memory Discord world: users, one guild with roles/channels/members, messages, commands.

Everything is stored as small dataclasses that render themselves into the exact JSON shapes Discord sends,
so REST, gateway and interaction payloads all come from one source of truth. Message objects are plain
dicts (Discord's shape) that are mutated in place on edit, so every holder of a reference stays current.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox import permissions as perms

log = logging.getLogger(__name__)

DISCORD_EPOCH_MS = 1420070400000
GUILD_TEXT, DM, GUILD_CATEGORY = 0, 1, 4


class Snowflakes:
    """Monotonic snowflake ids (timestamp << 22 | counter) so ids sort by creation like Discord's."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
            self._last = max(candidate, self._last + 1)
            return self._last


def _is_id(ref: object) -> bool:
    return isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit())


def iso_now() -> str:
    """Discord timestamps are ISO-8601 with UTC offset."""
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    dm_closed: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name or self.username,
            "discriminator": "0" if not self.bot else "0001",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
        }


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Channel:
    id: int
    name: str
    type: int = GUILD_TEXT
    guild_id: int | None = None
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    nsfw: bool = False
    # target id -> (type 0 role / 1 member, allow, deny)
    overwrites: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    recipient_id: int | None = None
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def last_message_id(self) -> str | None:
        return str(next(reversed(self.messages))) if self.messages else None

    def payload(self, world: World | None = None) -> dict[str, Any]:
        if self.type == DM:
            recipients = [world.users[self.recipient_id].payload()] if world and self.recipient_id else []
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": self.last_message_id,
                "recipients": recipients,
                "flags": 0,
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [
                {"id": str(t), "type": ow[0], "allow": str(ow[1]), "deny": str(ow[2])}
                for t, ow in self.overwrites.items()
            ],
            "topic": self.topic,
            "nsfw": self.nsfw,
            "last_message_id": self.last_message_id,
            "rate_limit_per_user": 0,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "flags": 0,
        }


@dataclass
class Member:
    user_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    def payload(self, world: World, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
            "unusual_dm_activity_until": None,
        }
        if with_user:
            data["user"] = world.users[self.user_id].payload()
        return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    locale: str = "en-US"
    roles: dict[int, Role] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    members: dict[int, Member] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)


class World:
    """The whole emulated Discord: build it, then mutate it through the helpers below."""

    def __init__(self, *, bot_name: str = "Haikei") -> None:
        self.ids = Snowflakes()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        # scope (None = global, else guild id) -> command name/type key -> command payload
        self.commands: dict[int | None, dict[tuple[str, int], dict[str, Any]]] = {}
        self.bot = self.add_user(bot_name, bot=True)
        self.application_id = self.bot.id
        self.owner = self.add_user("mod")
        self.guild = self._build_default_guild()

    # ----- construction -----------------------------------------------------------------
    def _build_default_guild(self) -> Guild:
        gid = self.ids.next()
        guild = Guild(id=gid, name="Haikei Test Server", owner_id=self.owner.id)
        self.guilds[gid] = guild
        guild.roles[gid] = Role(id=gid, name="@everyone", permissions=perms.EVERYONE_DEFAULT, position=0)
        self.add_role("Member", permissions=0, guild=guild)
        self.add_role("Moderator", permissions=perms.bits(["manage_guild", "manage_messages"]), guild=guild)
        bot_role = self.add_role(
            self.bot.username, permissions=perms.EVERYONE_DEFAULT | perms.flag("manage_messages"), guild=guild
        )
        bot_role.managed, bot_role.bot_id = True, self.bot.id
        for name in ("general", "alerts", "polls"):
            self.add_channel(name, guild=guild)
        self.add_member(self.bot, roles=[bot_role.name], guild=guild)
        self.add_member(self.owner, roles=["Moderator", "Member"], guild=guild)
        for name in ("alice", "bob", "carol"):
            self.add_member(self.add_user(name), roles=["Member"], guild=guild)
        return guild

    def add_user(self, username: str, *, bot: bool = False, dm_closed: bool = False) -> User:
        user = User(id=self.ids.next(), username=username, bot=bot, dm_closed=dm_closed)
        self.users[user.id] = user
        return user

    def add_role(self, name: str, *, permissions: int | list[str] = 0, guild: Guild | None = None) -> Role:
        guild = guild or self.guild
        role = Role(
            id=self.ids.next(), name=name, permissions=perms.bits(permissions), position=len(guild.roles)
        )
        guild.roles[role.id] = role
        return role

    def add_channel(self, name: str, *, guild: Guild | None = None, topic: str | None = None) -> Channel:
        guild = guild or self.guild
        ch = Channel(
            id=self.ids.next(), name=name, guild_id=guild.id, position=len(guild.channel_ids), topic=topic
        )
        self.channels[ch.id] = ch
        guild.channel_ids.append(ch.id)
        return ch

    def add_member(
        self, user: User | str, *, roles: list[str | int] | None = None, guild: Guild | None = None
    ) -> Member:
        guild = guild or self.guild
        u = self.user(user) if isinstance(user, str) else user
        member = Member(user_id=u.id, roles=[self.role(r, guild).id for r in roles or []])
        guild.members[u.id] = member
        return member

    # ----- lookup -----------------------------------------------------------------------
    def user(self, ref: User | str | int) -> User:
        """Find a user by object, id, or username (``"alice"``, ``"bot"`` for the bot itself)."""
        if isinstance(ref, User):
            return ref
        if ref == "bot":
            return self.bot
        if _is_id(ref) and int(ref) in self.users:
            return self.users[int(ref)]
        for u in self.users.values():
            if u.username == ref:
                return u
        raise KeyError(f"unknown user {ref!r}; known: {[u.username for u in self.users.values()]}")

    def role(self, ref: Role | str | int, guild: Guild | None = None) -> Role:
        guild = guild or self.guild
        if isinstance(ref, Role):
            return ref
        if _is_id(ref) and int(ref) in guild.roles:
            return guild.roles[int(ref)]
        for r in guild.roles.values():
            if r.name == ref:
                return r
        raise KeyError(f"unknown role {ref!r}; known: {[r.name for r in guild.roles.values()]}")

    def channel(self, ref: Channel | str | int) -> Channel:
        """Find a channel by object, id, or name (``"general"``)."""
        if isinstance(ref, Channel):
            return ref
        if _is_id(ref) and int(ref) in self.channels:
            return self.channels[int(ref)]
        for ch in self.channels.values():
            if ch.name == ref and ch.type != DM:
                return ch
        names = [c.name for c in self.channels.values() if c.type != DM]
        raise KeyError(f"unknown channel {ref!r}; known: {names}")

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def dm_channel(self, user: User | str | int) -> Channel:
        """The bot's DM channel with ``user``, created on first use like ``POST /users/@me/channels``."""
        u = self.user(user)
        if u.id not in self.dm_channels:
            ch = Channel(id=self.ids.next(), name=f"dm-{u.username}", type=DM, recipient_id=u.id)
            self.channels[ch.id] = ch
            self.dm_channels[u.id] = ch.id
        return self.channels[self.dm_channels[u.id]]

    def find_message(self, message_id: int) -> dict[str, Any] | None:
        for ch in self.channels.values():
            if message_id in ch.messages:
                return ch.messages[message_id]
        return None

    # ----- permissions ------------------------------------------------------------------
    def guild_permissions(self, user: User | str | int, guild: Guild | None = None) -> int:
        guild = guild or self.guild
        u = self.user(user)
        member = guild.members.get(u.id)
        role_perms = [guild.roles[r].permissions for r in member.roles] if member else []
        return perms.base_permissions(guild.roles[guild.id].permissions, role_perms, u.id == guild.owner_id)

    def channel_permissions(self, user: User | str | int, channel: Channel | str | int) -> int:
        ch = self.channel(channel)
        guild = self.guild_of(ch)
        if guild is None:  # DMs: everything a DM allows
            return perms.EVERYONE_DEFAULT
        u = self.user(user)
        member = guild.members.get(u.id)
        return perms.apply_overwrites(
            self.guild_permissions(u, guild),
            guild_id=guild.id,
            member_id=u.id,
            member_roles=member.roles if member else [],
            overwrites=ch.overwrites,
        )

    def set_overwrite(
        self,
        channel: Channel | str | int,
        target: str | int | User | Role,
        *,
        allow: int | list[str] = 0,
        deny: int | list[str] = 0,
    ) -> None:
        """Set a channel overwrite for a role (by name/obj) or a member (username/obj, ``"bot"``)."""
        ch = self.channel(channel)
        guild = self.guild_of(ch)
        assert guild is not None, "overwrites only exist in guild channels"
        if isinstance(target, Role):
            kind, tid = 0, target.id
        else:
            try:
                kind, tid = 1, self.user(target).id  # type: ignore[arg-type]
            except KeyError:
                kind, tid = 0, self.role(target, guild).id  # type: ignore[arg-type]
        ch.overwrites[tid] = (kind, perms.bits(allow), perms.bits(deny))

    # ----- payloads ---------------------------------------------------------------------
    def member_payload(self, user: User | str | int, guild: Guild | None = None, **kw: Any) -> dict[str, Any]:
        guild = guild or self.guild
        return guild.members[self.user(user).id].payload(self, **kw)

    def guild_payload(self, guild: Guild | None = None) -> dict[str, Any]:
        """The full GUILD_CREATE object discord.py needs for guild.me, get_member, permissions_for."""
        guild = guild or self.guild
        channels = [self.channels[c].payload(self) for c in guild.channel_ids]
        for c in channels:
            c.pop("guild_id", None)
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "application_id": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "system_channel_id": str(guild.channel_ids[0]) if guild.channel_ids else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "preferred_locale": guild.locale,
            "features": list(guild.features),
            "max_members": 500000,
            "max_video_channel_users": 25,
            "roles": [r.payload() for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "joined_at": guild.members[self.bot.id].joined_at if self.bot.id in guild.members else iso_now(),
            "large": False,
            "unavailable": False,
            "member_count": len(guild.members),
            "members": [m.payload(self) for m in guild.members.values()],
            "channels": channels,
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "lazy": True,
        }
