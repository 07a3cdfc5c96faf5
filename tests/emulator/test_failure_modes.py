"""Production failure modes reproduced locally: limits, deadline, 429s, permissions, closed DMs."""

from __future__ import annotations

import aiohttp
import discord
from discord.ext import commands

from emulator import Emulator
from emulator.limits import check_message, error_body
from emulator.state import World


async def test_oversize_embed_is_400_and_recorded(emulator: Emulator, bot: commands.Bot) -> None:
    r = await emulator.driver.command("huge")
    await r.wait()
    assert r.content == "fallback"
    (err,) = bot.errors  # type: ignore[attr-defined]
    assert isinstance(err, discord.HTTPException) and err.status == 400 and err.code == 50035
    (violation,) = emulator.limit_violations
    assert "embeds.0.title" in violation.reason and violation.route.endswith("/callback")


def test_limit_rules() -> None:
    assert check_message({"content": "x" * 2000}, require_content=True) == []
    assert error_body(check_message({}, require_content=True))["code"] == 50006
    row = {
        "type": 1,
        "components": [{"type": 2, "style": 1, "custom_id": f"b{i}", "label": "b"} for i in range(6)],
    }
    body = error_body(check_message({"components": [row]}, require_content=True))
    assert body["code"] == 50035 and "components" in body["errors"]
    fields = [{"name": "n", "value": "v" * 1024}] * 6
    assert check_message({"embeds": [{"fields": fields}]}, require_content=True)  # 6000 total exceeded


async def test_deadline_miss_is_10062(bot: commands.Bot, emulator: Emulator) -> None:
    emulator.interaction_deadline = 0.3
    r = await emulator.driver.command("slow", {"seconds": 0.5})
    await emulator.wait_until(lambda: emulator.deadline_misses, 3, "deadline miss")
    assert not r.acknowledged and r.rejected == [(404, 10062)]
    assert emulator.deadline_misses[0].command == "/slow"


async def test_double_ack_is_40060(emulator: Emulator, bot: commands.Bot) -> None:
    r = await emulator.driver.command("echo", {"text": "once"})
    await r.wait()
    async with aiohttp.ClientSession() as s:
        url = f"{emulator.api_base}/interactions/{r.id}/{r.token}/callback"
        async with s.post(url, json={"type": 4, "data": {"content": "twice"}}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 40060
    assert r.rejected == [(400, 40060)] and r.content == "once"


async def test_429_is_retried(emulator: Emulator, bot: commands.Bot) -> None:
    channel = bot.get_channel(emulator.world.channel("alerts").id)
    assert isinstance(channel, discord.TextChannel)
    emulator.rate_limit("POST", r"^/channels/\d+/messages$", limit=1, per=0.3, advertise=False)
    await channel.send("one")
    await channel.send("two")  # 429 first, then discord.py waits retry_after and succeeds
    assert [m["content"] for m in emulator.messages("alerts")] == ["one", "two"]
    assert emulator.rate_limited_count == 1
    assert [r.status for r in emulator.requests if r.path.endswith("/messages")] == [200, 429, 200]


async def test_advertised_rate_limit_is_paced(emulator: Emulator, bot: commands.Bot) -> None:
    channel = bot.get_channel(emulator.world.channel("alerts").id)
    assert isinstance(channel, discord.TextChannel)
    emulator.rate_limit("POST", r"^/channels/\d+/messages$", limit=1, per=0.2)
    for text in ("a", "b", "c"):
        await channel.send(text)
    assert [m["content"] for m in emulator.messages("alerts")] == ["a", "b", "c"]
    assert emulator.rate_limited_count == 0  # discord.py read X-RateLimit-Remaining: 0 and waited


async def test_missing_permissions_403(emulator: Emulator, bot: commands.Bot) -> None:
    emulator.revoke("alerts", "embed_links")
    r = await emulator.driver.command("announce", {"channel": "alerts", "text": "hi"}, user="mod")
    await r.wait()
    await r.wait_edit()
    assert r.content == "failed 50013"
    assert emulator.messages("alerts") == []
    ok = await emulator.driver.command("announce", {"channel": "polls", "text": "hi"}, user="mod")
    await ok.wait()
    await ok.wait_edit()
    assert ok.content == "posted" and emulator.messages("polls")[0]["content"] == "hi"


async def test_dms_and_closed_dms(emulator: Emulator, bot: commands.Bot) -> None:
    r = await emulator.driver.command("dm", {"user": "alice"})
    await r.wait()
    assert r.content == "sent" and [m["content"] for m in emulator.dms("alice")] == ["hello by DM"]
    emulator.close_dms("bob")
    r2 = await emulator.driver.command("dm", {"user": "bob"})
    await r2.wait()
    assert r2.content == "failed 50007" and emulator.dms("bob") == []


async def test_allowed_mentions_recorded(emulator: Emulator, bot: commands.Bot) -> None:
    channel = bot.get_channel(emulator.world.channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    m1 = await channel.send("@everyone hi", allowed_mentions=discord.AllowedMentions.none())
    m2 = await channel.send("@everyone hi")
    (rec1,) = emulator.allowed_mentions_for(m1.id)
    (rec2,) = emulator.allowed_mentions_for(m2.id)
    assert not rec1.everyone and rec1.effective == {"parse": []}
    assert rec2.everyone and rec2.allowed_mentions is None


def test_world_permissions() -> None:
    world = World()
    assert world.channel_permissions("alice", "general") & (1 << 11)
    world.set_overwrite("general", "Member", deny=["send_messages"])
    assert not world.channel_permissions("alice", "general") & (1 << 11)
    assert world.channel_permissions("mod", "general") & (1 << 11)  # guild owner
