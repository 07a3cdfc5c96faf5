"""The emulator's Discord objects: snowflakes, users, roles, channels, members and guilds.

Small dataclasses that render themselves into the exact JSON shapes Discord sends.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.state import World

DISCORD_EPOCH_MS = 1420070400000
GUILD_TEXT, DM, GROUP_DM = 0, 1, 3
PRIVATE_TYPES = (DM, GROUP_DM)


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

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next id whose server would be on shard ``shard_id`` of ``shard_count`` (``(id >> 22) % count``):
        its timestamp part moves up to ``shard_count - 1`` ms ahead, and later ids still sort after it."""
        with self._lock:
            stamp = max((int(time.time() * 1000) - DISCORD_EPOCH_MS), (self._last >> 22) + 1)
            stamp += (shard_id - stamp) % shard_count
            self._last = stamp << 22
            return self._last


def is_id(ref: object) -> bool:
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
    recipient_id: int | None = None  # the user of a DM with the bot
    # the users of a DM or group DM without the bot (``World.private_channel``); the first owns a group DM
    recipient_ids: list[int] = field(default_factory=list)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def is_private(self) -> bool:
        """A DM or group DM between users, without the bot (interaction context 2)."""
        return bool(self.recipient_ids)

    @property
    def last_message_id(self) -> str | None:
        return str(next(reversed(self.messages))) if self.messages else None

    def payload(self, world: World | None = None) -> dict[str, Any]:
        if self.type in PRIVATE_TYPES:
            ids = self.recipient_ids or ([self.recipient_id] if self.recipient_id else [])
            data: dict[str, Any] = {
                "id": str(self.id),
                "type": self.type,
                "last_message_id": self.last_message_id,
                "recipients": [world.users[i].payload() for i in ids] if world else [],
                "flags": 0,
            }
            if self.type == GROUP_DM:
                data.update(name=self.name, icon=None, owner_id=str(ids[0]))
            return data
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
