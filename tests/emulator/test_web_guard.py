"""Only the sandbox page itself may change things: its per-start token, same origin, its own Host.

Every refused request must leave the emulated server untouched, so each case posts a message and then checks
that #general is still empty (and the same request with the page's token does post, so the check can fail).
"""

from __future__ import annotations

import re

import aiohttp
import pytest

from emulator import Emulator
from emulator.web import SandboxWeb
from emulator.web.server import TOKEN_HEADER
from tests.emulator.conftest import page_headers


def say(text: str = "hello") -> dict[str, str]:
    return {"content": text, "user": "alice", "channel": "general"}


async def test_the_served_page_embeds_its_per_start_token(emulator: Emulator, web: SandboxWeb) -> None:
    async with aiohttp.ClientSession() as http, http.get(web.url + "/") as resp:
        assert resp.status == 200
        page = await resp.text()
    found = re.search(r'<meta name="sandbox-token" content="([^"]+)">', page)
    assert found is not None and found.group(1) == web.token
    assert len(web.token) >= 32
    other = SandboxWeb(emulator)
    await other.start()
    try:
        assert other.token != web.token
        first = other.token
        await other.stop()
        await other.start()
        assert other.token != first
    finally:
        await other.stop()


async def test_the_pages_own_request_posts(emulator: Emulator, web: SandboxWeb) -> None:
    async with aiohttp.ClientSession(headers=page_headers(web)) as http:
        headers = {"Origin": web.url, "Sec-Fetch-Site": "same-origin"}
        async with http.post(web.url + "/api/message", json=say(), headers=headers) as resp:
            assert resp.status == 200
    assert [m["content"] for m in emulator.messages("general")] == ["hello"]


@pytest.mark.parametrize(
    ("case", "with_token", "headers"),
    [
        ("no token", False, {}),
        ("wrong token", False, {TOKEN_HEADER: "guessed"}),
        ("empty token", False, {TOKEN_HEADER: ""}),
        ("foreign origin", True, {"Origin": "http://evil.example"}),
        ("another local port", True, {"Origin": "http://127.0.0.1:1"}),
        ("opaque origin", True, {"Origin": "null"}),
        ("cross-site fetch", True, {"Sec-Fetch-Site": "cross-site"}),
        ("same-site fetch", True, {"Sec-Fetch-Site": "same-site"}),
    ],
)
async def test_changes_without_the_pages_token_or_origin_are_refused_and_change_nothing(
    emulator: Emulator, web: SandboxWeb, case: str, with_token: bool, headers: dict[str, str]
) -> None:
    sent = {**(page_headers(web) if with_token else {}), **headers}
    async with (
        aiohttp.ClientSession() as http,
        http.post(web.url + "/api/message", json=say(case), headers=sent) as resp,
    ):
        assert resp.status == 403, case
        assert (await resp.json())["error"]
    assert emulator.messages("general") == []


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_every_changing_method_needs_the_token(web: SandboxWeb, method: str) -> None:
    async with aiohttp.ClientSession() as http, http.request(method, web.url + "/api/message") as resp:
        assert resp.status == 403


async def test_reading_needs_no_token(web: SandboxWeb) -> None:
    async with aiohttp.ClientSession() as http, http.get(web.url + "/api/state") as resp:
        assert resp.status == 200
        assert (await resp.json())["guild"]["name"] == "Haikei Test Server"


async def test_host_must_be_the_pages_own_loopback_address_and_port(
    emulator: Emulator, web: SandboxWeb
) -> None:
    """A DNS-rebound name (attacker.example resolving to 127.0.0.1) or another port is not this page."""
    async with aiohttp.ClientSession(headers=page_headers(web)) as http:
        for host in (f"attacker.example:{web.port}", "127.0.0.1", f"127.0.0.1:{web.port + 1}"):
            async with http.get(web.url + "/api/state", headers={"Host": host}) as resp:
                assert resp.status == 421, host
            async with http.post(web.url + "/api/message", json=say(), headers={"Host": host}) as resp:
                assert resp.status == 421, host
        assert emulator.messages("general") == []
        async with http.get(web.url + "/", headers={"Host": f"localhost:{web.port}"}) as resp:
            assert resp.status == 200


async def test_a_foreign_page_cannot_open_the_live_socket(web: SandboxWeb) -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(web.url + "/ws", origin="http://evil.example")
        assert refused.value.status == 403
        async with http.ws_connect(web.url + "/ws", origin=web.url) as ws:
            await ws.send_json({"type": "as", "user": "1"})
            assert (await ws.receive_json(timeout=5))["type"] == "ready"
