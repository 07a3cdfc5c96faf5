"""Heartbeats: every beat is ACKed after a beat the client stamped on its own loop, so the latency discord.py
measures is the round trip, never the time since the previous beat ("Can't keep up ... 41.3s behind")."""

from __future__ import annotations

import json
import logging
import math
import threading
from typing import Any

import aiohttp
import pytest

from emulator import Emulator
from emulator.bootstrap import running
from emulator.emulator import SandboxEvent
from tests.emulator.conftest import make_bot

HEARTBEAT, HELLO, HEARTBEAT_ACK = 1, 10, 11
INTERVAL_MS = 200
BEATS = 30


def _busy(stop: threading.Event) -> None:
    """Python work on another thread, as the bot's database and chart threads do: it competes for the GIL."""
    while not stop.is_set():
        sum(i * i for i in range(10_000))


async def _next(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    return json.loads((await ws.receive(timeout=5)).data)


async def test_a_periodic_beat_is_acked_only_after_a_requested_beat() -> None:
    """The protocol as a bare client sees it (no compression): beat → op 1 request → beat → two ACKs."""
    async with Emulator(heartbeat_interval_ms=60_000) as emu, aiohttp.ClientSession() as http:
        async with http.ws_connect(emu.gateway_url) as ws:
            hello = await _next(ws)
            assert hello["op"] == HELLO and hello["d"]["heartbeat_interval"] == 60_000
            await ws.send_json({"op": HEARTBEAT, "d": None})
            assert (await _next(ws))["op"] == HEARTBEAT  # a request, not yet the ACK
            await ws.send_json({"op": HEARTBEAT, "d": None})
            assert [(await _next(ws))["op"] for _ in range(2)] == [HEARTBEAT_ACK, HEARTBEAT_ACK]
            await ws.send_json({"op": HEARTBEAT, "d": None})  # the next periodic beat starts over
            assert (await _next(ws))["op"] == HEARTBEAT
        assert emu.gateway.heartbeats == 3


async def test_bot_latency_stays_low_over_many_heartbeats(caplog: pytest.LogCaptureFixture) -> None:
    """A real discord.py client with a short interval: at each periodic beat, the latency it measured from the
    previous ACK is a loopback round trip, far below the interval (it was ≈ the interval when the ACK raced
    the keep-alive thread)."""
    caplog.set_level(logging.WARNING, logger="discord.gateway")
    stop = threading.Event()
    worker = threading.Thread(target=_busy, args=(stop,), daemon=True)
    worker.start()
    try:
        measured = await _measure()
    finally:
        stop.set()
        worker.join()
    assert math.isinf(measured[0])  # the first beat, before any ACK
    latencies = measured[1:]
    assert max(latencies) < 0.75 * INTERVAL_MS / 1000, latencies
    behind = [r.getMessage() for r in caplog.records if "Can't keep up" in r.getMessage()]
    assert not behind


async def _measure() -> list[float]:
    """``bot.latency`` at each periodic beat the emulator receives (it reflects the previous beat's ACK)."""
    async with Emulator(heartbeat_interval_ms=INTERVAL_MS) as emu:
        bot = make_bot()
        measured: list[float] = []

        def on_event(event: SandboxEvent) -> None:
            if event.kind == "gateway_heartbeat" and not event.data["requested"]:
                measured.append(bot.latency)

        unsubscribe = emu.subscribe(on_event)
        async with running(bot, emu):
            await emu.wait_until(
                lambda: len(measured) > BEATS, timeout=BEATS * INTERVAL_MS / 1000 * 4, what=f"{BEATS} beats"
            )
        unsubscribe()
    return measured
