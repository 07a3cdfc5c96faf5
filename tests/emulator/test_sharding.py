"""The emulated gateway shards as Discord does: GET /gateway/bot, IDENTIFY with ``shard``, per-shard servers and
events, one IDENTIFY per bucket per interval (Invalid Session otherwise), 4010 for a shard out of range."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from emulator import Emulator
from emulator.entities import Guild
from emulator.state import World

DISPATCH, INVALID_SESSION, HELLO = 0, 9, 10


def two_shard_world() -> tuple[World, Guild, Guild]:
    """The default server plus one on the other shard of two."""
    world = World()
    first = world.guild
    other = 1 - (first.id >> 22) % 2
    second = world.add_guild("Second Server", world.add_user("rin"), shard=(other, 2))
    return world, *sorted((first, second), key=lambda g: (g.id >> 22) % 2)


class Client:
    """A bare gateway client (plain JSON frames) to see exactly what the gateway sends."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def next(self) -> dict[str, Any]:
        msg = await self.ws.receive(timeout=5)
        assert msg.type == aiohttp.WSMsgType.TEXT, msg
        return json.loads(msg.data)

    async def identify(self, emu: Emulator, shard: Any = None) -> dict[str, Any]:
        """Send IDENTIFY (after HELLO); return the first answer (READY dispatch or op 9)."""
        assert (await self.next())["op"] == HELLO
        d: dict[str, Any] = {"token": emu.token, "intents": 1, "properties": {}}
        if shard is not None:
            d["shard"] = shard
        await self.ws.send_json({"op": 2, "d": d})
        return await self.next()

    async def dispatches(self, count: int) -> list[dict[str, Any]]:
        found = []
        while len(found) < count:
            payload = await self.next()
            if payload["op"] == DISPATCH:
                found.append(payload)
        return found


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def connect(http: aiohttp.ClientSession, emu: Emulator) -> Client:
    return Client(await http.ws_connect(emu.gateway_url))


async def test_gateway_bot_recommends_shards_and_gives_the_session_start_limit(
    http: aiohttp.ClientSession,
) -> None:
    async with Emulator(shards=3, max_concurrency=2, identify_interval=0) as emu:
        headers = {"Authorization": f"Bot {emu.token}"}
        async with http.get(f"{emu.api_base}/gateway/bot", headers=headers) as resp:
            body = await resp.json()
        assert body["url"] == emu.gateway_url and body["shards"] == 3
        assert body["session_start_limit"] | {"reset_after": 0} == {
            "total": 1000,
            "remaining": 1000,
            "reset_after": 0,
            "max_concurrency": 2,
        }
        ready = await (await connect(http, emu)).identify(emu, [2, 3])
        assert ready["t"] == "READY" and ready["d"]["shard"] == [2, 3]
        async with http.get(f"{emu.api_base}/gateway/bot", headers=headers) as resp:
            assert (await resp.json())["session_start_limit"]["remaining"] == 999


async def test_each_shard_gets_only_its_servers_and_their_events(http: aiohttp.ClientSession) -> None:
    world, on_0, on_1 = two_shard_world()
    async with Emulator(world=world, shards=2, identify_interval=0) as emu:
        shard0, shard1 = await connect(http, emu), await connect(http, emu)
        ready0, ready1 = await shard0.identify(emu, [0, 2]), await shard1.identify(emu, [1, 2])
        assert [g["id"] for g in ready0["d"]["guilds"]] == [str(on_0.id)]
        assert [g["id"] for g in ready1["d"]["guilds"]] == [str(on_1.id)]
        [create0], [create1] = await shard0.dispatches(1), await shard1.dispatches(1)
        assert (create0["t"], create0["d"]["id"]) == ("GUILD_CREATE", str(on_0.id))
        assert (create1["t"], create1["d"]["id"]) == ("GUILD_CREATE", str(on_1.id))

        emu.post_as(on_1.owner_id, world.channel("general", on_1), "hello shard one")
        emu.post_as(on_0.owner_id, world.channel("general", on_0), "hello shard zero")
        emu.gateway.dispatch("DM_LIKE_EVENT", {"no": "guild"})  # no guild_id: shard 0, as Discord's DMs
        [message1] = await shard1.dispatches(1)
        assert (message1["t"], message1["d"]["content"]) == ("MESSAGE_CREATE", "hello shard one")
        message0, dm = await shard0.dispatches(2)
        assert (message0["t"], message0["d"]["content"]) == ("MESSAGE_CREATE", "hello shard zero")
        assert dm["t"] == "DM_LIKE_EVENT"
        # nothing else was queued for shard 1: its session saw exactly READY, GUILD_CREATE and its message
        [session1] = emu.gateway.shard_sessions(1)
        assert [p["t"] for p in session1.buffer] == ["READY", "GUILD_CREATE", "MESSAGE_CREATE"]


async def test_an_identify_too_early_in_its_bucket_gets_invalid_session(http: aiohttp.ClientSession) -> None:
    now = [100.0]
    async with Emulator(shards=2, identify_interval=5.0) as emu:
        emu.gateway.clock = lambda: now[0]
        assert (await (await connect(http, emu)).identify(emu, [0, 2]))["t"] == "READY"
        now[0] += 4.9
        refused = await (await connect(http, emu)).identify(emu, [1, 2])
        assert refused == {"op": INVALID_SESSION, "d": False, "s": None, "t": None}  # not resumable
        assert (emu.identify_count, emu.gateway.identify_refused) == (1, 1)
        assert emu.gateway.shard_sessions(1) == []  # a refused IDENTIFY starts no session
        now[0] += 0.1  # 5 s after the accepted one
        assert (await (await connect(http, emu)).identify(emu, [1, 2]))["t"] == "READY"
        assert emu.identify_count == 2


async def test_buckets_of_max_concurrency_identify_independently(http: aiohttp.ClientSession) -> None:
    now = [100.0]
    async with Emulator(shards=4, max_concurrency=2, identify_interval=5.0) as emu:
        emu.gateway.clock = lambda: now[0]
        for shard in ([0, 4], [1, 4]):  # buckets 0 and 1: both at once
            assert (await (await connect(http, emu)).identify(emu, shard))["t"] == "READY"
        assert (await (await connect(http, emu)).identify(emu, [2, 4]))["op"] == INVALID_SESSION  # bucket 0
        now[0] += 5
        for shard in ([2, 4], [3, 4]):
            assert (await (await connect(http, emu)).identify(emu, shard))["t"] == "READY"
        assert (emu.identify_count, emu.gateway.identify_refused) == (4, 1)


async def test_no_shard_field_means_shard_0_of_1(http: aiohttp.ClientSession) -> None:
    async with Emulator(identify_interval=0) as emu:
        ready = await (await connect(http, emu)).identify(emu)
        assert ready["d"]["shard"] == [0, 1]
        assert [g["id"] for g in ready["d"]["guilds"]] == [str(emu.world.guild.id)]


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], ["0", 1], [0], True])
async def test_a_shard_out_of_range_is_closed_with_4010(http: aiohttp.ClientSession, shard: Any) -> None:
    async with Emulator(identify_interval=0) as emu:
        client = await connect(http, emu)
        assert (await client.next())["op"] == HELLO
        await client.ws.send_json({"op": 2, "d": {"token": emu.token, "shard": shard, "properties": {}}})
        msg = await client.ws.receive(timeout=5)
        assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 4010
        assert emu.identify_count == 0


async def test_force_disconnect_of_one_shard_leaves_the_other_connected(http: aiohttp.ClientSession) -> None:
    world, on_0, _ = two_shard_world()
    async with Emulator(world=world, shards=2, identify_interval=0) as emu:
        shard0, shard1 = await connect(http, emu), await connect(http, emu)
        await shard0.identify(emu, [0, 2])
        await shard1.identify(emu, [1, 2])
        await shard0.dispatches(1)
        await shard1.dispatches(1)
        assert await emu.force_disconnect(shard_id=1) == 1
        closed = await shard1.ws.receive(timeout=5)
        assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 4000
        emu.post_as(on_0.owner_id, world.channel("general", on_0), "still here")
        [message] = await shard0.dispatches(1)
        assert message["d"]["content"] == "still here"
        [session1] = emu.gateway.shard_sessions(1)
        assert session1.conn is None and not session1.invalid  # resumable
