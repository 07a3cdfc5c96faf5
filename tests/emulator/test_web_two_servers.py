"""The page with two servers: switching server and persona, who moderates and curates, what each one sees."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from emulator import Emulator
from emulator.demo_world import SECOND_SERVER
from emulator.web import SandboxWeb
from emulator.web.personas import CuratorPolicy, personas
from tests.emulator.conftest import page_headers

pytestmark = pytest.mark.usefixtures("scoped_bot")
SUMMARIES = [
    "mod — moderator of Haikei Test Server, curator (the bot's owner)",
    "alice — member of Haikei Test Server and Second Server, not a curator",
    "bob — member of Haikei Test Server, not a curator",
    "carol — member of Haikei Test Server, not a curator",
    "rin — moderator of Second Server, not a curator",
    "kai — member of Second Server, not a curator",
]


@pytest.fixture
async def page(two_servers: Emulator) -> AsyncIterator[tuple[SandboxWeb, aiohttp.ClientSession]]:
    server = await SandboxWeb(two_servers).start()
    try:
        async with aiohttp.ClientSession(base_url=server.url, headers=page_headers(server)) as http:
            yield server, http
    finally:
        await server.stop()


async def state(http: aiohttp.ClientSession, **query: str) -> dict[str, Any]:
    async with http.get("/api/state", params=query) as resp:
        assert resp.status == 200
        return await resp.json()


async def post(http: aiohttp.ClientSession, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    async with http.post(path, json=body) as resp:
        return resp.status, await resp.json()


def ids(emu: Emulator, *names: str) -> list[str]:
    return [str(emu.world.user(n).id) for n in names]


async def test_state_lists_both_servers_and_says_who_moderates_and_curates(
    page: Any, two_servers: Emulator
) -> None:
    _, http = page
    first = await state(http)
    assert [g["name"] for g in first["guilds"]] == ["Haikei Test Server", SECOND_SERVER]
    assert first["guild"]["name"] == "Haikei Test Server"
    assert first["acting_as"] == ids(two_servers, "mod")[0]
    assert [p["summary"] for p in first["personas"]] == SUMMARIES
    users = {u["name"]: u for u in first["users"]}
    assert set(users) == {"mod", "alice", "bob", "carol"}
    assert users["mod"]["moderator"] and users["mod"]["curator"]
    assert not users["alice"]["moderator"] and not users["alice"]["curator"]


async def test_switching_server_brings_its_channels_members_and_its_moderator(
    page: Any, two_servers: Emulator
) -> None:
    _, http = page
    second = two_servers.world.get_guild(SECOND_SERVER)
    # mod is not in Second Server, so the page arrives there as its owner, rin
    got = await state(http, guild=str(second.id), user=ids(two_servers, "mod")[0])
    assert got["guild"]["name"] == SECOND_SERVER
    assert got["acting_as"] == ids(two_servers, "rin")[0]
    assert [c["id"] for c in got["channels"]] == [str(c) for c in second.channel_ids]
    assert got["channel"] == str(second.channel_ids[0])
    users = {u["name"]: u for u in got["users"]}
    assert set(users) == {"rin", "alice", "kai"}
    assert users["rin"]["moderator"] and not users["rin"]["curator"]
    as_alice = await state(http, guild=str(second.id), user=ids(two_servers, "alice")[0])
    assert as_alice["acting_as"] == ids(two_servers, "alice")[0]


async def test_the_slash_menu_shows_what_discord_would_show_the_persona_here(
    page: Any, two_servers: Emulator
) -> None:
    _, http = page
    second = str(two_servers.world.get_guild(SECOND_SERVER).id)
    alice, mod, rin = ids(two_servers, "alice", "mod", "rin")

    async def paths(**query: str) -> set[str]:
        return {c["path"] for c in (await state(http, **query))["commands"]}

    assert await paths(user=alice) == {"dmok", "guildonly", "open"}
    assert await paths(user=mod) == {"adminonly", "dmok", "guildonly", "modonly", "open"}
    assert await paths(guild=second, user=alice) == {"dmok", "guildonly", "open", "secondonly"}
    assert "modonly" in await paths(guild=second, user=rin)
    assert (await state(http, user=alice))["message_menus"] == []
    assert (await state(http, user=mod))["message_menus"] == ["Peek"]


async def test_hidden_commands_and_other_servers_members_are_refused(
    page: Any, two_servers: Emulator
) -> None:
    _, http = page
    status, data = await post(
        http, "/api/command", {"path": "modonly", "user": "alice", "channel": "general"}
    )
    assert status == 400 and "hidden from alice" in data["error"]
    status, data = await post(http, "/api/command", {"path": "open", "user": "kai", "channel": "general"})
    assert status == 400 and data["error"] == "pick one of Haikei Test Server's members"
    status, data = await post(http, "/api/message", {"content": "hi", "user": "kai", "channel": "general"})
    assert status == 400
    assert not two_servers.interactions and two_servers.messages("general") == []
    status, outcome = await post(
        http, "/api/command", {"path": "modonly", "user": "mod", "channel": "general"}
    )
    assert status == 200 and outcome["answered"]


async def test_rin_acts_in_second_server(page: Any, two_servers: Emulator) -> None:
    _, http = page
    channel = str(two_servers.world.channel("general", SECOND_SERVER).id)
    status, outcome = await post(
        http, "/api/command", {"path": "secondonly", "user": "rin", "channel": channel}
    )
    assert status == 200 and outcome["answered"]
    assert [m["content"] for m in two_servers.messages(channel)] == [f"/secondonly in {SECOND_SERVER}"]
    async with http.get("/api/messages", params={"channel": channel, "user": "rin"}) as resp:
        assert [m["command"] for m in await resp.json()] == ["/secondonly"]
    async with http.get("/api/messages", params={"channel": channel, "user": "bob"}) as resp:
        assert resp.status == 400
    assert two_servers.messages("general") == []


def test_curators_from_the_bots_settings_are_named(two_servers: Emulator) -> None:
    world = two_servers.world
    second = world.get_guild(SECOND_SERVER)
    role = world.add_role("Curators", guild=second)
    world.add_member("kai", roles=["Member", role.id], guild=second)
    policy = CuratorPolicy(user_ids=frozenset({world.user("rin").id}), guild_id=second.id, role_id=role.id)
    summaries = {p["name"]: p["summary"] for p in personas(world, policy)}
    assert summaries["rin"] == "rin — moderator of Second Server, curator (listed in CURATOR_USER_IDS)"
    assert summaries["kai"] == "kai — member of Second Server, curator (curator role in Second Server)"
    assert summaries["alice"].endswith("not a curator")


def test_persona_summaries_follow_the_pages_language(two_servers: Emulator) -> None:
    world = two_servers.world
    second = world.get_guild(SECOND_SERVER)
    role = world.add_role("Curators", guild=second)
    world.add_member("kai", roles=["Member", role.id], guild=second)
    policy = CuratorPolicy(guild_id=second.id, role_id=role.id)
    summaries = {p["name"]: p["summary"] for p in personas(world, policy, "ja")}
    assert summaries["mod"] == "mod — Haikei Test Server のモデレーター、キュレーター（ボットのオーナー）"
    assert summaries["rin"] == "rin — Second Server のモデレーター、キュレーターではない"
    assert (
        summaries["kai"]
        == "kai — Second Server のメンバー、キュレーター（Second Server のキュレーターロール）"
    )
    assert (
        summaries["alice"] == "alice — Haikei Test Server と Second Server のメンバー、キュレーターではない"
    )
