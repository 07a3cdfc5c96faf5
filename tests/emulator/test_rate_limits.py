"""Discord's rate limits in the emulator: the global limit, per-resource buckets, invalid requests and the ban."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from discord.ext import commands

from emulator import Emulator
from emulator.ratelimit import GlobalLimit, InvalidRequests, major_parameter


@pytest.fixture
async def http(emulator: Emulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A raw client authenticated as the bot (sees exactly what the emulator answers, no retries)."""
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {emulator.token}"}) as session:
        yield session


async def test_the_global_limit_answers_a_global_429_and_spares_interaction_routes(
    emulator: Emulator, http: aiohttp.ClientSession
) -> None:
    emulator.ratelimits.global_limit = GlobalLimit(3, per=60.0)  # a window no test run outlasts
    for _ in range(3):
        async with http.get(f"{emulator.api_base}/users/@me") as response:
            assert response.status == 200
    async with http.get(f"{emulator.api_base}/users/@me") as response:
        assert response.status == 429
        assert response.headers["X-RateLimit-Global"] == "true"
        assert response.headers["X-RateLimit-Scope"] == "global"
        assert response.headers["Via"] and int(response.headers["Retry-After"]) >= 59
        body = await response.json()
    assert body["global"] is True and body["message"] and 59 < body["retry_after"] <= 60
    # Interaction callbacks and webhook follow-ups are exempt (these answer Discord's 404s, not 429s).
    async with http.post(f"{emulator.api_base}/interactions/1/token/callback", json={"type": 1}) as response:
        assert response.status == 404
    async with http.get(f"{emulator.api_base}/webhooks/1/token/messages/@original") as response:
        assert response.status == 404
    assert emulator.global_rate_limited_count == 1
    assert emulator.rate_limited_count == 1
    assert emulator.invalid_request_count == 1


async def test_discord_py_pauses_on_a_global_429_and_retries(emulator: Emulator, bot: commands.Bot) -> None:
    channel = bot.get_channel(emulator.world.channel("alerts").id)
    assert isinstance(channel, discord.TextChannel)
    emulator.ratelimits.global_limit = GlobalLimit(1, per=1.0)
    await channel.send("one")
    await channel.send("two")  # a global 429 first: discord.py waits retry_after, then it succeeds
    assert [m["content"] for m in emulator.messages("alerts")] == ["one", "two"]
    assert emulator.global_rate_limited_count == 1
    assert emulator.ratelimits.route_hits == 0


async def test_per_resource_buckets_count_each_channel_apart(
    emulator: Emulator, http: aiohttp.ClientSession
) -> None:
    emulator.rate_limit("POST", r"^/channels/\d+/messages$", 1, 60.0, advertise=False, per_resource=True)
    alerts, general = emulator.world.channel("alerts").id, emulator.world.channel("general").id
    statuses = []
    for channel_id in (alerts, general, alerts):
        async with http.post(
            f"{emulator.api_base}/channels/{channel_id}/messages", json={"content": "hi"}
        ) as response:
            statuses.append(response.status)
            scope = response.headers.get("X-RateLimit-Scope")
            global_ = (await response.json()).get("global")
    assert statuses == [200, 200, 429]
    assert scope == "user" and global_ is False
    assert emulator.ratelimits.route_hits == 1 and emulator.global_rate_limited_count == 0
    assert emulator.invalid_request_count == 1


def test_buckets_are_keyed_by_discords_top_level_resources() -> None:
    assert major_parameter("/channels/12/messages/34") == "channels/12"
    assert major_parameter("/guilds/5/members") == "guilds/5"
    assert major_parameter("/webhooks/7/tok/messages/@original") == "webhooks/7/tok"
    assert major_parameter("/users/@me") == ""


async def test_401_and_403_are_invalid_requests(emulator: Emulator) -> None:
    emulator.revoke("alerts", "send_messages")
    url = f"{emulator.api_base}/channels/{emulator.world.channel('alerts').id}/messages"
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emulator.api_base}/users/@me", headers={"Authorization": "Bot wrong"}) as r:
            assert r.status == 401
        async with session.post(
            url, json={"content": "x"}, headers={"Authorization": f"Bot {emulator.token}"}
        ) as r:
            assert r.status == 403
    assert emulator.invalid_request_count == 2
    assert emulator.ratelimits.invalid.by_status == {401: 1, 403: 1}


def test_shared_scope_429s_are_not_invalid_requests() -> None:
    counter = InvalidRequests(limit=10)
    counter.record(429, "shared", now=0.0)
    counter.record(404, None, now=0.0)
    counter.record(429, "user", now=0.0)
    counter.record(429, "global", now=1.0)
    assert counter.total == 2 and counter.in_window(2.0) == 2
    assert counter.in_window(601.0) == 0  # ten minutes later they no longer count toward a ban


async def test_too_many_invalid_requests_get_the_token_banned() -> None:
    async with Emulator(invalid_request_limit=2) as emu, aiohttp.ClientSession() as session:
        for token in ("wrong", "wrong", emu.token):
            async with session.get(
                f"{emu.api_base}/users/@me", headers={"Authorization": f"Bot {token}"}
            ) as r:
                status, via, text = r.status, r.headers.get("Via"), await r.text()
        assert status == 429 and via is None and "1015" in text  # Cloudflare's ban: discord.py won't retry
        assert emu.invalid_request_count == 2
