"""``Emulator``: the local Discord (REST + gateway) a real, unmodified discord.py client talks to.

Owns the world state, the aiohttp server, the gateway, interaction bookkeeping and an event feed
(``subscribe``) that tests, benchmarks and the browser sandbox page all observe the same way.
"""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import logging
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator import command_mentions
from emulator import permissions as perms
from emulator.entities import Channel, Role
from emulator.gateway import Gateway
from emulator.limits import LimitViolation, Problem, describe
from emulator.messages import MentionRecord, StoredFile
from emulator.ratelimit import (
    DISCORD_GLOBAL_LIMIT,
    INVALID_LIMIT,
    GlobalLimit,
    InvalidRequests,
    RateLimiter,
    Rule,
)
from emulator.state import World

if TYPE_CHECKING:
    from emulator.driver import Driver
    from emulator.interactions import InteractionResult

log = logging.getLogger(__name__)


@dataclass
class SandboxEvent:
    """One thing that happened (message_create/update/delete, interaction_create/response, gateway_*...)."""

    kind: str
    data: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)


@dataclass
class RequestLog:
    method: str
    path: str
    status: int


@dataclass
class DeadlineMiss:
    interaction_id: int
    command: str
    late_by: float


Subscriber = Callable[[SandboxEvent], Any]


class Emulator:
    def __init__(
        self,
        token: str = "test-token",
        *,
        interaction_deadline: float = 3.0,
        followup_ttl: float = 15 * 60,
        heartbeat_interval_ms: int = 41250,
        world: World | None = None,
        global_rate_limit: int | None = DISCORD_GLOBAL_LIMIT,
        invalid_request_limit: int | None = INVALID_LIMIT,
        shards: int = 1,
        max_concurrency: int = 1,
        identify_interval: float = 5.0,
    ) -> None:
        """``global_rate_limit``: requests per second per token (Discord's 50; None: unlimited);
        ``invalid_request_limit``: 401/403/429 answers in ten minutes before every request gets Cloudflare's
        ban (None: never). ``shards``: the count ``GET /gateway/bot`` recommends; ``max_concurrency``: how many
        rate-limit buckets may IDENTIFY at once; ``identify_interval``: seconds between two IDENTIFYs of one
        bucket (Discord's 5 s; tests pass a short one, 0 turns the check off)."""
        if shards < 1 or max_concurrency < 1 or identify_interval < 0:
            raise ValueError("shards and max_concurrency must be at least 1, identify_interval not negative")
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.followup_ttl = followup_ttl
        self.world = world or World()
        self.shards = shards
        self.gateway = Gateway(
            self, heartbeat_interval_ms, identify_interval=identify_interval, max_concurrency=max_concurrency
        )
        self.ratelimits = RateLimiter(
            global_limit=GlobalLimit(global_rate_limit) if global_rate_limit else None,
            invalid=InvalidRequests(invalid_request_limit),
        )
        self.files: dict[int, StoredFile] = {}
        self.attachment_chunk_size: int | None = None  # serve attachments in pieces of this many bytes
        self.ephemeral: dict[int, dict[str, Any]] = {}
        self.mentions: list[MentionRecord] = []
        self.limit_violations: list[LimitViolation] = []
        self.broken_command_mentions: list[command_mentions.BrokenMention] = []
        self.deadline_misses: list[DeadlineMiss] = []
        self.requests: list[RequestLog] = []
        self.unknown_routes: list[tuple[str, str]] = []
        self.command_puts = 0
        self.interactions: dict[int, InteractionResult] = {}
        self.interactions_by_token: dict[str, InteractionResult] = {}
        self._subscribers: list[Subscriber] = []
        # wake-up events per key: None = any event; ("interaction", id) / ("message", id) = targeted,
        # so thousands of concurrent InteractionResult waits don't all wake on every event.
        self._ticks: dict[Hashable, asyncio.Event] = {}
        self.message_owners: dict[int, set[int]] = {}  # message id -> interaction ids showing it
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.host = "127.0.0.1"
        self.port = 0
        self._driver: Driver | None = None

    # ----- lifecycle --------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Emulator:
        """Serve on loopback only (``port=0`` picks a free port)."""
        if not ipaddress.ip_address("127.0.0.1" if host == "localhost" else host).is_loopback:
            raise ValueError(f"the emulator only binds loopback, not {host!r}")
        from emulator.rest import build_app

        self._runner = web.AppRunner(build_app(self), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = self._runner.addresses[0][1]
        log.info("Discord emulator listening on %s", self.url)
        return self

    async def stop(self) -> None:
        await self.gateway.close()
        for task in list(self._tasks):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def state(self) -> World:
        return self.world

    @property
    def driver(self) -> Driver:
        if self._driver is None:
            from emulator.driver import Driver

            self._driver = Driver(self)
        return self._driver

    # ----- events -----------------------------------------------------------------------
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(SandboxEvent)`` on every event (sync or async); returns an unsubscribe function."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def emit(self, kind: str, data: dict[str, Any], *, keys: Iterable[Hashable] = (), **meta: Any) -> None:
        """Publish an event to subscribers and wake waiters (global ones and those on ``keys``)."""
        event = SandboxEvent(kind, data, meta)
        for cb in list(self._subscribers):
            try:
                res = cb(event)
                if inspect.isawaitable(res):
                    self.spawn(res)
            except Exception:
                log.exception("sandbox subscriber failed on %s", kind)
        for key in (None, *keys):
            tick = self._ticks.pop(key, None)
            if tick is not None:
                tick.set()

    def message_keys(self, message_id: int | str) -> list[Hashable]:
        """Wake-up keys for a message: itself and every interaction whose result shows it."""
        mid = int(message_id)
        return [("message", mid), *(("interaction", i) for i in self.message_owners.get(mid, ()))]

    def own_message(self, interaction_id: int, message: dict[str, Any]) -> None:
        self.message_owners.setdefault(int(message["id"]), set()).add(interaction_id)

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def wait_until(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,
        what: str = "condition",
        *,
        key: Hashable = None,
    ) -> Any:
        """Re-check ``predicate`` after every emulator event until truthy; TimeoutError names ``what``.

        Only emulator-side changes wake it up: for state inside the bot use an ``asyncio.Event``.
        ``key`` limits wake-ups to events emitted with that key (see ``message_keys``).
        """
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"sandbox: timed out after {timeout}s waiting for {what}")
            tick = self._ticks.get(key)
            if tick is None:
                tick = self._ticks[key] = asyncio.Event()
            try:
                await asyncio.wait_for(tick.wait(), remaining)
            except TimeoutError:
                continue
        return result

    # ----- inspection -------------------------------------------------------------------
    def messages(self, channel: Channel | str | int) -> list[dict[str, Any]]:
        """Messages currently in a channel (by name, id or object), oldest first."""
        return list(self.world.channel(channel).messages.values())

    def dms(self, user: str | int) -> list[dict[str, Any]]:
        u = self.world.user(user)
        if u.id not in self.world.dm_channels:
            return []
        return list(self.world.channels[self.world.dm_channels[u.id]].messages.values())

    async def wait_for_message(
        self,
        channel: Channel | str | int,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 5.0,
        *,
        after: int | str | None = None,
    ) -> dict[str, Any]:
        """First message in ``channel`` matching ``predicate`` (existing ones count unless ``after`` id)."""
        ch = self.world.channel(channel)
        floor = int(after or 0)

        def find() -> dict[str, Any] | None:
            for mid, msg in ch.messages.items():
                if mid > floor and (predicate is None or predicate(msg)):
                    return msg
            return None

        return await self.wait_until(find, timeout, f"a message in #{ch.name}")

    def registered_commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        return list(self.world.commands.get(guild_id, {}).values())

    @property
    def identify_count(self) -> int:
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        return self.gateway.resume_count

    @property
    def identify_interval(self) -> float:
        return self.gateway.identify_interval

    @property
    def rate_limited_count(self) -> int:
        """Every 429 given (global and per route)."""
        return len(self.ratelimits.limited)

    @property
    def global_rate_limited_count(self) -> int:
        return self.ratelimits.global_hits

    @property
    def invalid_request_count(self) -> int:
        """401, 403 and 429 answers (except 429s of scope ``shared``): Discord bans at 10,000 in 10 minutes."""
        return self.ratelimits.invalid.total

    def allowed_mentions_for(self, message_id: int | str) -> list[MentionRecord]:
        return [m for m in self.mentions if m.message_id == int(message_id)]

    # ----- knobs for tests --------------------------------------------------------------
    def rate_limit(
        self,
        method: str,
        path_regex: str,
        limit: int = 1,
        per: float = 0.3,
        *,
        advertise: bool = True,
        per_resource: bool = False,
    ) -> Rule:
        """Answer 429 past ``limit`` requests per ``per`` seconds on matching ``/api/vN``-relative paths.

        With ``advertise`` the usual X-RateLimit headers let discord.py pace itself (no 429 needed);
        ``advertise=False`` hides the bucket on successes so the client hits the 429 and must retry.
        ``per_resource`` counts each channel, guild or webhook separately, as Discord does.
        """
        return self.ratelimits.add(method, path_regex, limit, per, advertise, per_resource=per_resource)

    async def force_disconnect(self, code: int = 4000, *, shard_id: int | None = None) -> int:
        """Drop the bot's gateway sockets (all, or one shard's) as a network failure would."""
        return await self.gateway.force_disconnect(code, shard_id=shard_id)

    def add_role(self, name: str, *, permissions: int | list[str] = 0) -> Role:
        """Create a role in the default guild and tell the bot, as Discord does (GUILD_ROLE_CREATE)."""
        role = self.world.add_role(name, permissions=permissions)
        self.gateway.dispatch(
            "GUILD_ROLE_CREATE", {"guild_id": str(self.world.guild.id), "role": role.payload()}
        )
        return role

    def give_role(self, user: str | int, role: Role | str | int) -> None:
        """Add ``role`` to a member and tell the bot (GUILD_MEMBER_UPDATE)."""
        world = self.world
        member = world.guild.members[world.user(user).id]
        role_id = world.role(role).id
        if role_id not in member.roles:
            member.roles.append(role_id)
        payload = {"guild_id": str(world.guild.id), **member.payload(world)}
        self.gateway.dispatch("GUILD_MEMBER_UPDATE", payload)

    def revoke(self, channel: Channel | str | int, *names: str, target: str = "bot") -> None:
        """Deny permissions (e.g. ``"send_messages"``) on a channel for a member/role via an overwrite."""
        ch = self.world.channel(channel)
        allow, deny = 0, 0
        tid = None
        for t, ow in ch.overwrites.items():
            if (target == "bot" and t == self.world.bot.id) or str(t) == str(target):
                tid, allow, deny = t, ow[1], ow[2]
        deny |= perms.bits(list(names))
        self.world.set_overwrite(ch, tid if tid is not None else target, allow=allow & ~deny, deny=deny)
        self.gateway.dispatch("CHANNEL_UPDATE", ch.payload(self.world))

    def post_as(
        self,
        user: str | int,
        channel: Channel | str | int,
        content: str = "",
        files: list[tuple[str, bytes, str]] | None = None,
    ) -> dict[str, Any]:
        """A message written by a (human) user, e.g. an image to run a message context menu on."""
        from emulator.messages import create_message, make_attachment, user_message

        ch = self.world.channel(channel)
        attachments = [make_attachment(self, name, ctype, data) for name, data, ctype in files or []]
        msg = user_message(self, self.world.user(user), ch, content, attachments)
        create_message(self, ch, msg)
        return msg

    def close_dms(self, user: str | int, closed: bool = True) -> None:
        self.world.user(user).dm_closed = closed

    def check_command_mentions(self, message: dict[str, Any]) -> None:
        """Record command mentions in a bot message that name no command registered where it is shown."""
        channel = self.world.channels.get(int(message["channel_id"]))
        scopes = [None] + ([channel.guild_id] if channel is not None and channel.guild_id else [])
        registered = [c for scope in scopes for c in self.world.commands.get(scope, {}).values()]
        for broken in command_mentions.check(message, registered):
            self.broken_command_mentions.append(broken)
            log.warning("sandbox: command mention %s leads nowhere: %s", broken.mention, broken.reason)

    def record_violation(self, method: str, route: str, problems: list[Problem]) -> None:
        v = LimitViolation(method, route, describe(problems), problems)
        self.limit_violations.append(v)
        log.warning("sandbox limit violation on %s %s: %s", method, route, v.reason)
        self.emit("limit_violation", {"method": method, "route": route, "reason": v.reason})
