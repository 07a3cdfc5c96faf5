"""Push emulator events to every open page over a websocket; ephemeral messages and the bot's DMs only to
their owner."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from emulator.web.api import command_label, dm_recipient
from emulator.web.present import present_message

if TYPE_CHECKING:
    from emulator.emulator import Emulator, SandboxEvent

log = logging.getLogger(__name__)

MESSAGE_EVENTS = frozenset({"message_create", "message_update", "message_delete"})


@dataclass(eq=False)
class Viewer:
    """One open page: the member it is acting as and the events waiting to be sent to it."""

    user: str | None = None
    queue: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)


class LiveHub:
    """Fan the emulator's event feed out to the connected pages."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.viewers: set[Viewer] = set()
        self._unsubscribe: Any = None

    def start(self) -> None:
        self._unsubscribe = self.emulator.subscribe(self.on_event)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for viewer in list(self.viewers):
            viewer.queue.put_nowait(None)

    def on_event(self, event: SandboxEvent) -> None:
        """Queue what the pages need to know (called synchronously by the emulator)."""
        if event.kind in MESSAGE_EVENTS:
            message = present_message(event.data, command_label(self.emulator, event.data))
            payload: dict[str, Any] = {"type": event.kind, "message": message}
            # ephemerals go to their invoker only, a DM with the bot to its user only
            owner = message["visible_to"] or dm_recipient(self.emulator, message.get("channel_id"))
        elif event.kind == "commands_registered":
            payload, owner = {"type": "commands"}, None
        else:
            return
        for viewer in self.viewers:
            if owner is None or viewer.user == owner:
                viewer.queue.put_nowait(payload)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """``GET /ws``: the page says who it acts as (``{"type": "as", "user": id}``) and receives events."""
        ws = web.WebSocketResponse(heartbeat=20)
        await ws.prepare(request)
        viewer = Viewer()
        self.viewers.add(viewer)
        writer = asyncio.create_task(self._write(ws, viewer), name="sandbox-page-writer")
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = msg.json()
                except ValueError:
                    continue
                if isinstance(data, dict) and data.get("type") == "as":
                    viewer.user = str(data.get("user") or "") or None
                    await ws.send_json({"type": "ready", "user": viewer.user})
        finally:
            self.viewers.discard(viewer)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    async def _write(self, ws: web.WebSocketResponse, viewer: Viewer) -> None:
        while (payload := await viewer.queue.get()) is not None:
            try:
                await ws.send_json(payload)
            except ConnectionError:
                return
        await ws.close()
