"""The page's API and live socket, against the emulator and the sandbox's small sample bot."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from emulator import Emulator
from emulator.web import SandboxWeb

TIMEOUT = 5.0
pytestmark = pytest.mark.usefixtures("bot")


async def post(
    http: aiohttp.ClientSession, web: SandboxWeb, path: str, body: dict[str, Any]
) -> tuple[int, Any]:
    async with http.post(web.url + path, json=body) as resp:
        return resp.status, await resp.json()


async def messages(http: aiohttp.ClientSession, web: SandboxWeb, user: str, channel: str = "general") -> list:
    async with http.get(web.url + "/api/messages", params={"channel": channel, "user": user}) as resp:
        assert resp.status == 200
        return await resp.json()


async def test_state_lists_channels_members_and_the_registered_tree(
    web: SandboxWeb, http: aiohttp.ClientSession
) -> None:
    async with http.get(web.url + "/api/state") as resp:
        state = await resp.json()
    assert [c["name"] for c in state["channels"]] == ["general", "alerts", "polls"]
    users = {u["name"]: u for u in state["users"]}
    assert set(users) == {"mod", "alice", "bob", "carol"}
    assert users["mod"]["moderator"] and not users["alice"]["moderator"]
    paths = [c["path"] for c in state["commands"]]
    assert {"echo", "poll create", "poll admin purge", "feedback"} <= set(paths)
    assert state["message_menus"] == ["Inspect message"]


async def test_ephemeral_reply_is_listed_only_for_its_invoker(
    web: SandboxWeb, http: aiohttp.ClientSession, emulator: Emulator
) -> None:
    status, outcome = await post(
        http,
        web,
        "/api/command",
        {
            "path": "echo",
            "options": {"text": "secret", "private": "true"},
            "user": "alice",
            "channel": "general",
        },
    )
    assert status == 200 and outcome["answered"] and outcome["response_type"] == 4
    mine = await messages(http, web, "alice")
    assert [m["content"] for m in mine] == ["secret"]
    assert mine[0]["visible_to"] == str(emulator.world.user("alice").id)
    assert mine[0]["command"] == "/echo"
    assert await messages(http, web, "bob") == []


async def test_autocomplete_click_select_and_modal(
    web: SandboxWeb, http: aiohttp.ClientSession, emulator: Emulator
) -> None:
    status, data = await post(
        http,
        web,
        "/api/autocomplete",
        {"path": "echo", "options": {"text": "do"}, "focused": "text", "user": "bob", "channel": "general"},
    )
    assert status == 200
    assert [c["value"] for c in data["choices"]] == ["dog", "doge", "dolphin"]

    status, _ = await post(
        http,
        web,
        "/api/command",
        {"path": "poll create", "options": {"question": "Tea?"}, "user": "mod", "channel": "polls"},
    )
    poll = await emulator.wait_for_message("polls", lambda m: "Tea?" in m["content"])
    status, outcome = await post(
        http, web, "/api/click", {"message_id": poll["id"], "custom_id": "vote:yes", "user": "carol"}
    )
    assert status == 200 and outcome["response_type"] == 7
    assert poll["content"] == "votes: 1"
    status, outcome = await post(
        http,
        web,
        "/api/select",
        {"message_id": poll["id"], "custom_id": "vote:pick", "values": ["b"], "user": "carol"},
    )
    assert status == 200 and outcome["answered"]
    assert [m["content"] for m in await messages(http, web, "carol", "polls")][-1] == "picked b"

    status, opened = await post(
        http, web, "/api/command", {"path": "feedback", "user": "alice", "channel": "general"}
    )
    assert opened["modal"]["title"] == "Feedback"
    status, outcome = await post(
        http,
        web,
        "/api/modal",
        {
            "interaction_id": opened["interaction_id"],
            "values": {"fb:text": "<b>nice</b>", "fb:mood": ["happy"]},
            "user": "alice",
        },
    )
    assert status == 200 and outcome["answered"]
    assert [m["content"] for m in await messages(http, web, "alice")][-1] == "thanks: <b>nice</b> (happy)"


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/api/command", {"path": "nope", "user": "alice", "channel": "general"}, "unknown command"),
        (
            "/api/command",
            {"path": "echo", "options": {}, "user": "alice", "channel": "general"},
            "missing required",
        ),
        (
            "/api/command",
            {"path": "echo", "options": {"text": "x"}, "user": "Haikei", "channel": "general"},
            "members",
        ),
        (
            "/api/command",
            {"path": "echo", "options": {"text": "x"}, "user": "zed", "channel": "general"},
            "zed",
        ),
        ("/api/click", {"message_id": "1", "custom_id": "x", "user": "alice"}, "no message"),
        ("/api/modal", {"interaction_id": "1", "values": {}, "user": "alice"}, "no longer open"),
        ("/api/message", {"content": "", "user": "alice", "channel": "general"}, "1 to 2000"),
        (
            "/api/command",
            {
                "path": "poll create",
                "options": {"question": "Q", "days": "0"},
                "user": "mod",
                "channel": "polls",
            },
            "days must be at least 1",
        ),
        (
            "/api/command",
            {
                "path": "poll create",
                "options": {"question": "Q", "days": "9007199254740992"},
                "user": "mod",
                "channel": "polls",
            },
            "days must be between -9007199254740991 and 9007199254740991",
        ),
    ],
)
async def test_bad_requests_get_a_readable_400(
    web: SandboxWeb, http: aiohttp.ClientSession, emulator: Emulator, path: str, body: dict, message: str
) -> None:
    status, data = await post(http, web, path, body)
    assert status == 400
    assert message in data["error"]
    assert not emulator.interactions  # refused before anything reached the bot


async def test_uploaded_files_are_served_and_non_images_download(
    web: SandboxWeb, http: aiohttp.ClientSession, emulator: Emulator
) -> None:
    await post(http, web, "/api/command", {"path": "upload", "user": "alice", "channel": "general"})
    shown = (await messages(http, web, "alice"))[-1]
    url = shown["attachments"][0]["url"]
    assert url.startswith("/files/")
    async with http.get(web.url + url) as resp:
        assert await resp.read() == b"hello"
        assert resp.headers["Content-Disposition"] == "attachment"
        assert resp.headers["Content-Type"] == "application/octet-stream"


async def test_socket_pushes_messages_and_keeps_ephemerals_private(
    web: SandboxWeb, http: aiohttp.ClientSession, emulator: Emulator
) -> None:
    alice, bob = str(emulator.world.user("alice").id), str(emulator.world.user("bob").id)
    async with http.ws_connect(web.url + "/ws") as ws_alice, http.ws_connect(web.url + "/ws") as ws_bob:
        for ws, user in ((ws_alice, alice), (ws_bob, bob)):
            await ws.send_json({"type": "as", "user": user})
            assert (await ws.receive_json(timeout=TIMEOUT))["type"] == "ready"
        await post(
            http,
            web,
            "/api/command",
            {
                "path": "echo",
                "options": {"text": "psst", "private": True},
                "user": "alice",
                "channel": "general",
            },
        )
        await post(http, web, "/api/message", {"content": "hello all", "user": "bob", "channel": "general"})
        got_alice = [(await ws_alice.receive_json(timeout=TIMEOUT))["message"]["content"] for _ in range(2)]
        got_bob = (await ws_bob.receive_json(timeout=TIMEOUT))["message"]["content"]
        assert got_alice == ["psst", "hello all"]
        assert got_bob == "hello all"
        with pytest.raises(asyncio.TimeoutError):
            await ws_bob.receive_json(timeout=0.2)


async def test_direct_messages_with_the_bot_are_for_their_member_only(
    web: SandboxWeb, http: aiohttp.ClientSession, emulator: Emulator
) -> None:
    """The page's "Direct messages": the bot's DM with a member reaches that member's page only, and the member
    reads it, writes in it and runs the commands offered there; nobody else can."""
    alice, bob = str(emulator.world.user("alice").id), str(emulator.world.user("bob").id)
    async with http.get(web.url + "/api/state", params={"user": alice}) as resp:
        assert (await resp.json())["dm"] is None  # no DM until the bot or the member opens one
    async with http.ws_connect(web.url + "/ws") as ws_alice, http.ws_connect(web.url + "/ws") as ws_bob:
        for ws, user in ((ws_alice, alice), (ws_bob, bob)):
            await ws.send_json({"type": "as", "user": user})
            assert (await ws.receive_json(timeout=TIMEOUT))["type"] == "ready"
        status, outcome = await post(
            http,
            web,
            "/api/command",
            {"path": "dm", "options": {"user": alice}, "user": bob, "channel": "general"},
        )
        assert status == 200 and outcome["answered"]
        got_alice = (await ws_alice.receive_json(timeout=TIMEOUT))["message"]
        assert got_alice["content"] == "hello by DM"
        assert (await ws_bob.receive_json(timeout=TIMEOUT))["message"]["content"] == "sent"  # bob's ephemeral
        with pytest.raises(asyncio.TimeoutError):
            await ws_bob.receive_json(timeout=0.2)  # alice's DM never reaches bob's page
    dm = got_alice["channel_id"]
    assert dm == str(emulator.world.dm_channels[int(alice)])

    async with http.get(web.url + "/api/state", params={"user": alice, "channel": dm}) as resp:
        state = await resp.json()
    assert state["dm"] == dm and state["channel"] == dm
    assert "echo" in [c["path"] for c in state["commands"]]  # the commands offered in a DM with the bot
    async with http.get(web.url + "/api/state", params={"user": bob, "channel": dm}) as resp:
        state = await resp.json()
    assert state["dm"] is None and state["channel"] == str(emulator.world.channel("general").id)

    assert [m["content"] for m in await messages(http, web, alice, dm)] == ["hello by DM"]
    async with http.get(web.url + "/api/messages", params={"channel": dm, "user": bob}) as resp:
        assert resp.status == 400
    status, _ = await post(http, web, "/api/message", {"content": "thanks", "user": alice, "channel": dm})
    assert status == 200
    status, refused = await post(http, web, "/api/message", {"content": "hi", "user": bob, "channel": dm})
    assert status == 400 and "only alice" in refused["error"]
    status, outcome = await post(
        http,
        web,
        "/api/command",
        {"path": "echo", "options": {"text": "in a DM"}, "user": alice, "channel": dm},
    )
    assert status == 200 and outcome["answered"]
    assert [m["content"] for m in await messages(http, web, alice, dm)] == [
        "hello by DM",
        "thanks",
        "in a DM",
    ]

    status, opened = await post(http, web, "/api/dm", {"user": alice})
    assert status == 200 and opened["id"] == dm  # the same channel, as Discord's POST /users/@me/channels
    status, opened = await post(http, web, "/api/dm", {"user": bob})
    assert status == 200 and opened["id"] != dm
    assert await messages(http, web, bob, opened["id"]) == []
    status, _ = await post(http, web, "/api/dm", {"user": str(emulator.world.bot.id)})
    assert status == 400
