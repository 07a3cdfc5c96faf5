"""The emulator's in-memory Discord world: users, one guild with roles/channels/members, messages, commands.

Besides the servers the bot is in (``guilds``: GUILD_CREATE at READY) there may be servers without it
(``other_guilds``, ``add_guild(..., with_bot=False)``) and DMs between users (``private_channel``): only
commands a user installed to their account (``install_to_user``) reach the bot from there.

Everything is stored as the small dataclasses of entities.py, which render themselves into the exact JSON
shapes Discord sends, so REST, gateway and interaction payloads come from one source of truth. Message objects are plain
dicts (Discord's shape) that are mutated in place on edit, so every holder of a reference stays current.
"""

from __future__ import annotations

import logging
from typing import Any

from emulator import permissions as perms
from emulator.entities import (
    DM,
    GROUP_DM,
    PRIVATE_TYPES,
    Channel,
    Guild,
    Member,
    Role,
    Snowflakes,
    User,
    is_id,
    iso_now,
)

log = logging.getLogger(__name__)

GUILD_INSTALL, USER_INSTALL = 0, 1  # application integration types


class World:
    """The whole emulated Discord: build it, then mutate it through the helpers below."""

    def __init__(self, *, bot_name: str = "Haikei") -> None:
        self.ids = Snowflakes()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}  # the servers the bot is in
        self.other_guilds: dict[int, Guild] = {}  # servers without the bot (user-installed commands only)
        self.channels: dict[int, Channel] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        # scope (None = global, else guild id) -> command name/type key -> command payload
        self.commands: dict[int | None, dict[tuple[str, int], dict[str, Any]]] = {}
        # The installation contexts the application supports (Developer Portal → Installation): what a command
        # registered without ``integration_types`` gets, as on Discord.
        self.install_types: list[int] = [GUILD_INSTALL, USER_INSTALL]
        self.user_installs: set[int] = set()  # users who added the app to their account
        self.bot = self.add_user(bot_name, bot=True)
        self.application_id = self.bot.id
        self.owner = self.add_user("mod")
        self.guild = self._build_default_guild()

    # ----- construction -----------------------------------------------------------------
    def _build_default_guild(self) -> Guild:
        guild = self.add_guild("Haikei Test Server", self.owner)
        for name in ("alice", "bob", "carol"):
            self.add_member(self.add_user(name), roles=["Member"], guild=guild)
        return guild

    def add_guild(
        self,
        name: str,
        owner: User | str,
        *,
        moderators: tuple[User | str, ...] = (),
        shard: tuple[int, int] | None = None,
        with_bot: bool = True,
    ) -> Guild:
        """A server with @everyone, Member and Moderator roles, #general/#alerts/#polls, the bot and its owner.

        The owner and ``moderators`` get the Moderator role (Manage Server). Call before the bot connects (or
        announce it yourself): the gateway sends GUILD_CREATE for every server at READY. ``shard=(id, count)``
        picks an id that Discord's routing puts on that shard when the bot runs ``count`` shards.
        ``with_bot=False``: a server the bot is not in (no bot member or role, no GUILD_CREATE), where only
        commands installed to a user's account reach the bot.
        """
        owner_user = self.user(owner)
        guild_id = self.ids.next() if shard is None else self.ids.next_on_shard(*shard)
        guild = Guild(id=guild_id, name=name, owner_id=owner_user.id)
        (self.guilds if with_bot else self.other_guilds)[guild.id] = guild
        guild.roles[guild.id] = Role(
            id=guild.id, name="@everyone", permissions=perms.EVERYONE_DEFAULT, position=0
        )
        self.add_role("Member", permissions=0, guild=guild)
        self.add_role("Moderator", permissions=perms.bits(["manage_guild", "manage_messages"]), guild=guild)
        for channel in ("general", "alerts", "polls"):
            self.add_channel(channel, guild=guild)
        if with_bot:
            bot_role = self.add_role(
                self.bot.username,
                permissions=perms.EVERYONE_DEFAULT | perms.flag("manage_messages"),
                guild=guild,
            )
            bot_role.managed, bot_role.bot_id = True, self.bot.id
            self.add_member(self.bot, roles=[bot_role.name], guild=guild)
        for user in (owner_user, *moderators):
            self.add_member(user, roles=["Moderator", "Member"], guild=guild)
        return guild

    def install_to_user(self, user: User | str | int) -> User:
        """``user`` adds the application to their account (integration type 1): the commands registered for
        user installs follow them into servers without the bot, DMs and group DMs."""
        u = self.user(user)
        self.user_installs.add(u.id)
        return u

    def private_channel(self, *users: User | str | int, name: str | None = None) -> Channel:
        """A DM between two users (type 1) or a group DM of three or more (type 3, owned by the first), without
        the bot: interaction context 2, where only user-installed commands work."""
        members = [self.user(u) for u in users]
        if len(members) < 2 or len({u.id for u in members}) != len(members) or self.bot in members:
            raise ValueError("a private channel needs two or more distinct users, not the bot")
        ch = Channel(
            id=self.ids.next(),
            name=name or "-".join(u.username for u in members),
            type=DM if len(members) == 2 else GROUP_DM,
            recipient_ids=[u.id for u in members],
        )
        self.channels[ch.id] = ch
        return ch

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

    def remove_bot(self, guild: Guild | str | int) -> Guild:
        """The bot is kicked from (or removed by) a server: the server moves to ``other_guilds``, without the bot's
        member and managed role, so READY leaves it out. ``Gateway.remove_bot`` also tells the bot."""
        found = self.get_guild(guild)
        found.members.pop(self.bot.id, None)
        for role_id in [r.id for r in found.roles.values() if r.bot_id == self.bot.id]:
            del found.roles[role_id]
        self.other_guilds[found.id] = self.guilds.pop(found.id, found)
        return found

    def add_bot(self, guild: Guild | str | int) -> Guild:
        """The bot is (re-)added to a server, with a managed role. ``Gateway.add_bot`` also tells the bot."""
        found = self.get_guild(guild)
        if found.id in self.other_guilds:
            bot_role = self.add_role(
                self.bot.username,
                permissions=perms.EVERYONE_DEFAULT | perms.flag("manage_messages"),
                guild=found,
            )
            bot_role.managed, bot_role.bot_id = True, self.bot.id
            self.add_member(self.bot, roles=[bot_role.name], guild=found)
            self.guilds[found.id] = self.other_guilds.pop(found.id)
        return found

    # ----- lookup -----------------------------------------------------------------------
    def user(self, ref: User | str | int) -> User:
        """Find a user by object, id, or username (``"alice"``, ``"bot"`` for the bot itself)."""
        if isinstance(ref, User):
            return ref
        if ref == "bot":
            return self.bot
        if is_id(ref) and int(ref) in self.users:
            return self.users[int(ref)]
        for u in self.users.values():
            if u.username == ref:
                return u
        raise KeyError(f"unknown user {ref!r}; known: {[u.username for u in self.users.values()]}")

    def role(self, ref: Role | str | int, guild: Guild | None = None) -> Role:
        guild = guild or self.guild
        if isinstance(ref, Role):
            return ref
        if is_id(ref) and int(ref) in guild.roles:
            return guild.roles[int(ref)]
        for r in guild.roles.values():
            if r.name == ref:
                return r
        raise KeyError(f"unknown role {ref!r}; known: {[r.name for r in guild.roles.values()]}")

    def channel(self, ref: Channel | str | int, guild: Guild | str | int | None = None) -> Channel:
        """Find a channel by object, id, or name (``"general"``: the first server's unless ``guild`` is given)."""
        if isinstance(ref, Channel):
            return ref
        if is_id(ref) and int(ref) in self.channels:
            return self.channels[int(ref)]
        scope = self.get_guild(guild) if guild is not None else None
        for ch in self.channels.values():
            if ch.name == ref and ch.type not in PRIVATE_TYPES and (scope is None or ch.guild_id == scope.id):
                return ch
        names = [c.name for c in self.channels.values() if c.type not in PRIVATE_TYPES]
        raise KeyError(f"unknown channel {ref!r}; known: {names}")

    def get_guild(self, ref: Guild | str | int) -> Guild:
        """Find a server by object, id, or name (``"Second Server"``)."""
        if isinstance(ref, Guild):
            return ref
        everywhere = {**self.guilds, **self.other_guilds}
        if is_id(ref) and int(ref) in everywhere:
            return everywhere[int(ref)]
        for guild in everywhere.values():
            if guild.name == ref:
                return guild
        raise KeyError(f"unknown server {ref!r}; known: {[g.name for g in everywhere.values()]}")

    def guild_of(self, channel: Channel) -> Guild | None:
        """The channel's server (with or without the bot); None for DMs."""
        if not channel.guild_id:
            return None
        return self.guilds.get(channel.guild_id) or self.other_guilds.get(channel.guild_id)

    def bot_sees(self, channel: Channel) -> bool:
        """Whether the bot is in ``channel``'s server, or it is the bot's own DM (so it gets its events)."""
        if channel.guild_id:
            return channel.guild_id in self.guilds
        return not channel.is_private

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
        """A member's server-wide permissions (none for someone who is not a member)."""
        guild = guild or self.guild
        u = self.user(user)
        member = guild.members.get(u.id)
        if member is None:
            return 0
        role_perms = [guild.roles[r].permissions for r in member.roles]
        return perms.base_permissions(guild.roles[guild.id].permissions, role_perms, u.id == guild.owner_id)

    def channel_permissions(self, user: User | str | int, channel: Channel | str | int) -> int:
        ch = self.channel(channel)
        guild = self.guild_of(ch)
        u = self.user(user)
        if guild is None:  # DMs: everything a DM allows, to the users in it (and the bot in its own DMs)
            inside = u.id in ch.recipient_ids if ch.is_private else u.id in (ch.recipient_id, self.bot.id)
            return perms.EVERYONE_DEFAULT if inside else 0
        member = guild.members.get(u.id)
        return perms.apply_overwrites(
            self.guild_permissions(u, guild),
            guild_id=guild.id,
            member_id=u.id,
            member_roles=member.roles if member else [],
            overwrites=ch.overwrites,
        )

    def everyone_permissions(self, channel: Channel) -> int:
        """What @everyone may do in a server channel (the role and its overwrite)."""
        guild = self.guild_of(channel)
        assert guild is not None, "only server channels have an @everyone"
        return perms.apply_overwrites(
            guild.roles[guild.id].permissions,
            guild_id=guild.id,
            member_id=0,
            member_roles=[],
            overwrites=channel.overwrites,
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
        elif isinstance(target, User):
            kind, tid = 1, target.id
        else:
            try:
                kind, tid = 1, self.user(target).id
            except KeyError:
                kind, tid = 0, self.role(target, guild).id
        ch.overwrites[tid] = (kind, perms.bits(allow), perms.bits(deny))

    # ----- payloads ---------------------------------------------------------------------
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
