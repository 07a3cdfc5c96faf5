"""Haikei sharded against the emulator: two shards with a server on each, both answering; one shard dropped and
resumed while the other keeps serving; a shard range per process; IDENTIFYs paced per bucket."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.client import Haikei
from bot.settings import Settings
from emulator.emulator import Emulator
from emulator.entities import Guild
from tests.e2e.helpers import assert_clean, running_haikei
from tests.e2e.shard_support import Shards, sharded_emulator

pytestmark = pytest.mark.e2e

INTERVAL = 0.3  # the emulator's IDENTIFY window per bucket (Discord's is 5 s)


@pytest.fixture
async def shards() -> AsyncIterator[Shards]:
    async with sharded_emulator(INTERVAL) as started:
        yield started


@pytest.fixture
def emulator(shards: Shards) -> Emulator:
    return shards.emulator  # the conftest's settings and haikei fixtures then use the sharded emulator


async def about(emulator: Emulator, guild: Guild, user: str = "alice") -> dict[str, str]:
    result = await emulator.driver.command(
        "about", user=user, channel=emulator.world.channel("general", guild)
    )
    await result.wait(timeout=10)
    return {field["name"]: field["value"] for field in result.embeds[0]["fields"]}


async def test_two_shards_each_get_their_server_and_both_answer(haikei: Haikei, shards: Shards) -> None:
    emulator = shards.emulator
    assert haikei.shard_count == 2 and haikei.recommended_shards == 2  # Discord's recommendation is used
    assert sorted(haikei.shards) == [0, 1]
    sessions = {s.shard: s for s in emulator.gateway.live_sessions}
    assert set(sessions) == {(0, 2), (1, 2)}
    assert [p["t"] for p in sessions[(0, 2)].buffer][:2] == ["READY", "GUILD_CREATE"]
    for shard_id, guild in ((0, shards.on_0), (1, shards.on_1)):
        ready = sessions[(shard_id, 2)].buffer[0]["d"]
        assert [g["id"] for g in ready["guilds"]] == [str(guild.id)]  # only its own server
        assert haikei.get_guild(guild.id).shard_id == shard_id  # type: ignore[union-attr]
    # One bucket: the second IDENTIFY waited for the window instead of being refused.
    first, second = shards.identified
    assert second.at - first.at >= INTERVAL * 0.99
    assert emulator.gateway.identify_refused == 0 and emulator.identify_count == 2

    for guild in (shards.on_0, shards.on_1):
        fields = await about(emulator, guild)
        assert fields["Servers"] == "2"
        lines = fields["Gateway latency (per shard)"].splitlines()
        assert [line.split(":")[0] for line in lines] == ["#0", "#1"]
        assert all(line.endswith((" ms", "waiting for a heartbeat")) for line in lines)
    assert_clean(emulator)


async def test_a_dropped_shard_resumes_while_the_other_keeps_serving(haikei: Haikei, shards: Shards) -> None:
    emulator = shards.emulator
    [session0] = emulator.gateway.shard_sessions(0)
    [session1] = emulator.gateway.shard_sessions(1)
    socket0 = session0.conn
    emulator.gateway.hold()  # shard 1 cannot come back until release()
    assert await emulator.force_disconnect(shard_id=1) == 1
    await emulator.wait_until(lambda: emulator.gateway.waiting == 1, what="shard 1 trying to reconnect")

    served = await about(emulator, shards.on_0)  # shard 0 answers while shard 1 is away
    assert served["Version"] and session1.conn is None
    waiting = await emulator.driver.command(
        "about", user="alice", channel=emulator.world.channel("general", shards.on_1)
    )
    assert not waiting.acknowledged  # held for shard 1's RESUME

    emulator.gateway.release()
    await emulator.wait_until(lambda: emulator.resume_count == 1, timeout=10, what="shard 1's RESUME")
    await waiting.wait(timeout=10)  # replayed on RESUME and answered
    assert waiting.embeds[0]["title"] == "Haikei 背景"
    assert session0.conn is socket0  # shard 0 never dropped
    assert emulator.identify_count == 2  # resumed, not re-identified
    assert_clean(emulator)


async def test_a_process_runs_only_its_shard_range(settings: Settings, shards: Shards) -> None:
    emulator = shards.emulator
    only_1 = settings.with_overrides(shard_count=2, shard_ids=(1,))
    async with running_haikei(only_1, emulator) as bot:
        assert [s["shard"] for s in emulator.gateway.identify_payloads] == [[1, 2]]
        assert [g.id for g in bot.guilds] == [shards.on_1.id]
        fields = await about(emulator, shards.on_1)
        assert fields["Servers"] == "1"
        assert fields["Gateway latency (per shard)"].startswith("#1: ")
    assert_clean(emulator)


async def test_two_processes_in_one_bucket_are_paced(
    settings: Settings, shards: Shards, tmp_path: Path
) -> None:
    """Both processes IDENTIFY the moment they may: the later one is refused (op 9), waits a window and gets in."""
    emulator = shards.emulator
    emulator.gateway.identify_interval = 1.0  # wide enough that the two first IDENTIFYs surely share it
    first = settings.with_overrides(shard_count=2, shard_ids=(0,))
    second = settings.with_overrides(shard_count=2, shard_ids=(1,), database_path=tmp_path / "b" / "h.db")
    emulator.gateway.hold()
    async with contextlib.AsyncExitStack() as stack:
        starting = [
            asyncio.create_task(stack.enter_async_context(running_haikei(s, emulator)))
            for s in (first, second)
        ]
        await emulator.wait_until(lambda: emulator.gateway.waiting == 2, timeout=20, what="both processes")
        emulator.gateway.release()  # both get HELLO together
        bots = await asyncio.gather(*starting)
        # refused once, then it waited out the window instead of retrying at once
        assert emulator.gateway.identify_refused == 1 and emulator.identify_count == 2
        assert sorted(bot.identify_pacer.waited > 0 for bot in bots) == [False, True]
        first_in, second_in = shards.identified
        assert second_in.at - first_in.at >= 1.0
        for bot, guild in zip(bots, (shards.on_0, shards.on_1), strict=True):
            assert [g.id for g in bot.guilds] == [guild.id]
            assert (await about(emulator, guild))["Servers"] == "1"


async def test_shard_count_setting_overrides_the_recommendation_with_a_warning(
    settings: Settings, shards: Shards, caplog: pytest.LogCaptureFixture
) -> None:
    emulator = shards.emulator
    async with running_haikei(settings.with_overrides(shard_count=1), emulator) as bot:
        assert [s["shard"] for s in emulator.gateway.identify_payloads] == [[0, 1]]
        assert sorted(g.id for g in bot.guilds) == sorted((shards.on_0.id, shards.on_1.id))
    assert "SHARD_COUNT=1 is below the 2 shards Discord recommends" in caplog.text
