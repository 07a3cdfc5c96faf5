"""The emulated Discord gateway websocket: HELLO, heartbeats, IDENTIFY/READY/GUILD_CREATE, RESUME with replay.

Frames are zlib-stream compressed (one shared deflate context per connection, each message ended with
Z_SYNC_FLUSH) when the client asks for ``compress=zlib-stream`` — that is what discord.py's decompressor
expects; without it plain text frames are sent. Sessions outlive connections so a dropped bot can RESUME
and receive what it missed, exactly the path that breaks in production when it's wrong.

Sharding, as Discord does it: IDENTIFY may carry ``shard: [id, count]`` (default ``[0, 1]``); the session then
gets only the servers with ``(guild_id >> 22) % count == id`` (READY, GUILD_CREATE and every event carrying a
``guild_id``; events without one, such as DMs, go to shard 0). ``[id, count]`` out of range closes the socket
with 4010 (Invalid shard). Each rate-limit bucket (``id % max_concurrency``) may IDENTIFY once per
``identify_interval`` seconds (Discord: 5 s); an IDENTIFY too early is refused with Invalid Session (op 9,
``d: false``) and creates no session.

Heartbeats: discord.py's keep-alive *thread* records when it sent a heartbeat only after the event loop has
sent it, and measures latency as ACK time minus that record. On loopback the ACK can be handled on the loop
before the thread has run again, so the latency came out as the time since the *previous* beat (the interval:
"Can't keep up, shard ID None websocket is 41.3s behind"). So a periodic heartbeat is answered with a heartbeat
request (op 1, which Discord may send at any time): the client's loop stamps the requested beat before sending
it (``KeepAliveHandler.beat``), and both beats are ACKed once the requested one arrives. Every heartbeat gets
its ACK, and the latency the bot measures is the real round trip.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import secrets
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from emulator.emulator import Emulator

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 9, 10, 11
INVALID_SHARD = 4010
SESSION_START_TOTAL = 1000


class Connection:
    """One websocket; a writer task drains an ordered queue so events never interleave or reorder."""

    def __init__(self, ws: web.WebSocketResponse, compress: bool) -> None:
        self.ws = ws
        self._deflate = zlib.compressobj() if compress else None
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._writer())
        self.forced = False
        self.held_ack = False  # a periodic heartbeat's ACK waits for the beat requested in answer

    def send(self, payload: dict[str, Any]) -> None:
        self._queue.put_nowait(json.dumps(payload, separators=(",", ":")))

    async def _writer(self) -> None:
        while (item := await self._queue.get()) is not None:
            if self.ws.closed:
                return
            try:
                if self._deflate is not None:
                    raw = self._deflate.compress(item.encode()) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(raw)
                else:
                    await self.ws.send_str(item)
            except (ConnectionError, RuntimeError) as exc:
                log.debug("gateway send failed: %s", exc)
                return

    async def stop(self) -> None:
        self._queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._task, 2)


@dataclass
class Session:
    """A gateway session: sequence numbers and a replay buffer that survive reconnects."""

    id: str
    seq: int = 0
    buffer: collections.deque[dict[str, Any]] = field(default_factory=lambda: collections.deque(maxlen=20000))
    conn: Connection | None = None
    invalid: bool = False
    shard: tuple[int, int] = (0, 1)  # (shard id, shard count) from IDENTIFY

    def serves(self, guild_id: int | str | None) -> bool:
        """Whether this session gets a server's events (no server: shard 0 gets it, as Discord's DMs)."""
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (int(guild_id) >> 22) % count == shard_id

    def push(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.buffer.append(payload)
        if self.conn is not None:
            self.conn.send(payload)


class Gateway:
    def __init__(
        self,
        emu: Emulator,
        heartbeat_interval_ms: int = 41250,
        *,
        identify_interval: float = 5.0,
        max_concurrency: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.emu = emu
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.identify_interval = identify_interval
        self.max_concurrency = max(1, max_concurrency)
        self.clock = clock
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.identify_count = 0  # IDENTIFYs that started a session
        self.identify_refused = 0  # IDENTIFYs refused for coming too early in their bucket
        self._last_identify: dict[int, float] = {}  # bucket -> when its last session started
        self._open = asyncio.Event()  # cleared by hold(): new sockets wait before HELLO
        self._open.set()
        self.waiting = 0  # sockets held before HELLO
        self.resume_count = 0
        self.invalid_session_count = 0
        self.heartbeats = 0  # heartbeats received, periodic and requested
        self.identify_payloads: list[dict[str, Any]] = []

    @property
    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if not s.invalid]

    @property
    def session_starts_remaining(self) -> int:
        return max(0, SESSION_START_TOTAL - self.identify_count)

    def shard_sessions(self, shard_id: int) -> list[Session]:
        """The live sessions identified as shard ``shard_id`` (of any count)."""
        return [s for s in self.live_sessions if s.shard[0] == shard_id]

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to every live session of the server's shard (buffered for replay while it is away)."""
        guild_id = data.get("guild_id")
        for session in self.live_sessions:
            if session.serves(guild_id):
                session.push(event, data)

    def remove_bot(self, guild: Any) -> None:
        """Remove the bot from a server, as a kick or "Remove App" does: GUILD_DELETE without ``unavailable``
        to the sessions of its shard (discord.py: ``on_guild_remove``); READY leaves it out from then on."""
        found = self.emu.world.remove_bot(guild)
        for session in self.live_sessions:
            if session.serves(found.id):
                session.push("GUILD_DELETE", {"id": str(found.id)})

    def add_bot(self, guild: Any) -> None:
        """Add the bot (back) to a server: GUILD_CREATE without ``unavailable`` (discord.py: ``on_guild_join``)."""
        world = self.emu.world
        found = world.add_bot(guild)
        payload = {k: v for k, v in world.guild_payload(found).items() if k != "unavailable"}
        for session in self.live_sessions:
            if session.serves(found.id):
                session.push("GUILD_CREATE", payload)

    def hold(self) -> None:
        """Keep new gateway sockets waiting before HELLO (a shard that drops stays away) until ``release()``."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        # short close timeout: discord.py (autoclose=False) may never answer our close frame
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True, timeout=1.0)
        await ws.prepare(request)
        if not self._open.is_set():
            self.waiting += 1
            self.emu.emit("gateway_waiting", {"waiting": self.waiting})
            await self._open.wait()
            self.waiting -= 1
        conn = Connection(ws, compress=request.query.get("compress") == "zlib-stream")
        self.connections.add(conn)
        conn.send(
            {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None}
        )
        session: Session | None = None
        try:
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    continue
                payload = json.loads(msg.data)
                session = await self._on_payload(conn, session, payload) or session
        finally:
            self.connections.discard(conn)
            if session is not None and session.conn is conn:
                session.conn = None
                if not conn.forced and ws.close_code in (1000, 1001):
                    session.invalid = True  # a clean client close ends the session, as on Discord
            await conn.stop()
            self.emu.emit("gateway_disconnect", {"session_id": session.id if session else None})
        return ws

    async def _on_payload(
        self, conn: Connection, session: Session | None, p: dict[str, Any]
    ) -> Session | None:
        op = p.get("op")
        d: Any = p.get(
            "d"
        )  # as the client sent it: a sequence or null (HEARTBEAT), an object (IDENTIFY, RESUME)
        if op == HEARTBEAT:
            self._heartbeat(conn, session, d)
        elif op == IDENTIFY:
            if d.get("token", "").removeprefix("Bot ") != self.emu.token:
                await conn.ws.close(code=4004, message=b"Authentication failed.")
                return None
            shard = d.get("shard") or [0, 1]
            if not _valid_shard(shard):
                await conn.ws.close(code=INVALID_SHARD, message=b"Invalid shard.")
                return None
            if not self._may_identify(shard[0]):
                self.identify_refused += 1
                log.info(
                    "gateway IDENTIFY of shard %s refused: its bucket identified less than %ss ago",
                    shard,
                    self.identify_interval,
                )
                conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
                self.emu.emit("gateway_identify_refused", {"shard": list(shard)})
                return None
            return self._identify(conn, d, (int(shard[0]), int(shard[1])))
        elif op == RESUME:
            return self._resume(conn, d)
        else:
            log.debug("gateway op %s ignored", op)
        return None

    def _heartbeat(self, conn: Connection, session: Session | None, seq: Any) -> None:
        """Ask for a beat the client stamps on its loop, then ACK it and the held one (module docstring)."""
        requested = conn.held_ack
        self.heartbeats += 1
        if requested:  # the held beat's ACK, then this one's
            conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        else:
            conn.send({"op": HEARTBEAT, "d": None, "s": None, "t": None})
        conn.held_ack = not requested
        self.emu.emit(
            "gateway_heartbeat",
            {"session_id": session.id if session else None, "seq": seq, "requested": requested},
        )

    def _may_identify(self, shard_id: int) -> bool:
        """One session start per bucket (``shard_id % max_concurrency``) per ``identify_interval``."""
        bucket = shard_id % self.max_concurrency
        now = self.clock()
        last = self._last_identify.get(bucket)
        if last is not None and now - last < self.identify_interval:
            return False
        self._last_identify[bucket] = now
        return True

    def _identify(self, conn: Connection, d: dict[str, Any], shard: tuple[int, int]) -> Session:
        self.identify_count += 1
        self.identify_payloads.append({k: v for k, v in d.items() if k != "token"})
        session = Session(id=secrets.token_hex(16), conn=conn, shard=shard)
        self.sessions[session.id] = session
        world = self.emu.world
        guilds = [g for g in world.guilds.values() if session.serves(g.id)]
        user = world.bot.payload() | {"verified": True, "mfa_enabled": False, "email": None}
        session.push(
            "READY",
            {
                "v": 10,
                "user": user,
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.id,
                "session_type": "normal",
                "resume_gateway_url": self.emu.gateway_url,
                "application": {"id": str(world.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": ["local"],
                "shard": list(shard),
                "_trace": ["haikei-sandbox"],
            },
        )
        for guild in guilds:
            session.push("GUILD_CREATE", world.guild_payload(guild))
        log.info("gateway IDENTIFY shard %s -> session %s", list(shard), session.id)
        self.emu.emit("gateway_identify", {"session_id": session.id, "shard": list(shard)})
        return session

    def _resume(self, conn: Connection, d: dict[str, Any]) -> Session | None:
        session = self.sessions.get(d.get("session_id", ""))
        token_ok = str(d.get("token", "")).removeprefix("Bot ") == self.emu.token
        seq = d.get("seq") or 0
        if session is None or session.invalid or not token_ok or seq > session.seq:
            self.invalid_session_count += 1
            log.info("gateway RESUME rejected (session %s)", d.get("session_id"))
            conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return None
        if session.conn is not None and session.conn is not conn:
            session.conn.forced = True
            self.emu.spawn(session.conn.ws.close(code=4000))
        session.conn = conn
        missed = [p for p in session.buffer if p["s"] > seq]
        for payload in missed:
            conn.send(payload)
        self.resume_count += 1
        session.push("RESUMED", {"_trace": ["haikei-sandbox"]})
        log.info("gateway RESUME session %s from seq %s: replayed %d", session.id, seq, len(missed))
        self.emu.emit("gateway_resumed", {"session_id": session.id, "replayed": len(missed)})
        return session

    async def force_disconnect(self, code: int = 4000, *, shard_id: int | None = None) -> int:
        """Close the bot's sockets with ``code`` (4000 = resumable): every one, or only shard ``shard_id``'s
        sessions' sockets. Returns how many were closed."""
        if shard_id is None:
            targets = list(self.connections)
        else:
            targets = [s.conn for s in self.shard_sessions(shard_id) if s.conn is not None]
        for session in self.sessions.values():
            if session.conn is not None and session.conn in targets:
                session.conn = None  # events from now on are only buffered, to be replayed on RESUME
        for conn in targets:
            conn.forced = True
            self.emu.spawn(conn.ws.close(code=code, message=b"sandbox forced disconnect"))
        return len(targets)

    async def close(self) -> None:
        self._open.set()
        for session in self.sessions.values():
            session.invalid = True
        for conn in list(self.connections):
            conn.forced = True
            with contextlib.suppress(Exception):
                await conn.ws.close(code=1001, message=b"emulator stopping")


def _valid_shard(shard: Any) -> bool:
    """``[shard_id, shard_count]`` with 0 <= shard_id < shard_count."""
    return (
        isinstance(shard, list | tuple)
        and len(shard) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in shard)
        and 0 <= shard[0] < shard[1]
    )
