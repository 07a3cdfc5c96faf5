"""The emulated Discord gateway websocket: HELLO, heartbeats, IDENTIFY/READY/GUILD_CREATE, RESUME with replay.

Frames are zlib-stream compressed (one shared deflate context per connection, each message ended with
Z_SYNC_FLUSH) when the client asks for ``compress=zlib-stream`` — that is what discord.py's decompressor
expects; without it plain text frames are sent. Sessions outlive connections so a dropped bot can RESUME
and receive what it missed, exactly the path that breaks in production when it's wrong.

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
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from bot.sandbox.emulator import Emulator

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 9, 10, 11


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

    def push(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.buffer.append(payload)
        if self.conn is not None:
            self.conn.send(payload)


class Gateway:
    def __init__(self, emu: Emulator, heartbeat_interval_ms: int = 41250) -> None:
        self.emu = emu
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.identify_count = 0
        self.resume_count = 0
        self.invalid_session_count = 0
        self.heartbeats = 0  # heartbeats received, periodic and requested
        self.identify_payloads: list[dict[str, Any]] = []

    @property
    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if not s.invalid]

    @property
    def connected(self) -> bool:
        return any(s.conn is not None for s in self.live_sessions)

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to every live session (buffered for replay if the bot is momentarily away)."""
        for session in self.live_sessions:
            session.push(event, data)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        # short close timeout: discord.py (autoclose=False) may never answer our close frame
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True, timeout=1.0)
        await ws.prepare(request)
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
        op, d = p.get("op"), p.get("d")
        if op == HEARTBEAT:
            self._heartbeat(conn, session, d)
        elif op == IDENTIFY:
            if d.get("token", "").removeprefix("Bot ") != self.emu.token:
                await conn.ws.close(code=4004, message=b"Authentication failed.")
                return None
            return self._identify(conn, d)
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

    def _identify(self, conn: Connection, d: dict[str, Any]) -> Session:
        self.identify_count += 1
        self.identify_payloads.append({k: v for k, v in d.items() if k != "token"})
        session = Session(id=secrets.token_hex(16), conn=conn)
        self.sessions[session.id] = session
        world = self.emu.world
        user = world.bot.payload() | {"verified": True, "mfa_enabled": False, "email": None}
        session.push(
            "READY",
            {
                "v": 10,
                "user": user,
                "guilds": [{"id": str(g), "unavailable": True} for g in world.guilds],
                "session_id": session.id,
                "session_type": "normal",
                "resume_gateway_url": self.emu.gateway_url,
                "application": {"id": str(world.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": ["local"],
                "shard": [0, 1],
                "_trace": ["haikei-sandbox"],
            },
        )
        for guild in world.guilds.values():
            session.push("GUILD_CREATE", world.guild_payload(guild))
        log.info("gateway IDENTIFY -> session %s", session.id)
        self.emu.emit("gateway_identify", {"session_id": session.id})
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

    async def force_disconnect(self, code: int = 4000) -> int:
        """Close every bot socket with ``code`` (4000 = resumable); returns how many were closed."""
        closed = 0
        for session in self.sessions.values():
            if session.conn is not None:
                session.conn = None  # events from now on are only buffered, to be replayed on RESUME
        for conn in list(self.connections):
            conn.forced = True
            self.emu.spawn(conn.ws.close(code=code, message=b"sandbox forced disconnect"))
            closed += 1
        return closed

    async def close(self) -> None:
        for session in self.sessions.values():
            session.invalid = True
        for conn in list(self.connections):
            conn.forced = True
            with contextlib.suppress(Exception):
                await conn.ws.close(code=1001, message=b"emulator stopping")
