"""The sandbox never listens on anything but loopback, and its page refuses foreign hosts and origins."""

from __future__ import annotations

import ipaddress
import socket

import aiohttp
import pytest

from emulator import Emulator
from emulator.web import SandboxWeb
from emulator.web.loopback import require_loopback
from tests.emulator.conftest import page_headers

NOT_LOOPBACK = ["0.0.0.0", "::", "192.168.0.2", "10.1.2.3", "8.8.8.8", "example.com", ""]


@pytest.mark.parametrize("host", NOT_LOOPBACK)
def test_require_loopback_refuses(host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        require_loopback(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_require_loopback_accepts(host: str) -> None:
    assert require_loopback(host) == host


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.0.2"])
async def test_page_and_emulator_refuse_to_bind_elsewhere(emulator: Emulator, host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        await SandboxWeb(emulator).start(host, 0)
    with pytest.raises(ValueError, match="loopback"):
        await Emulator().start(host, 0)


def listening_address(port: int) -> list[str]:
    """Local addresses with a TCP listener on ``port`` (from /proc/net/tcp{,6})."""
    found = []
    for path, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            lines = open(path, encoding="ascii").read().splitlines()[1:]  # noqa: SIM115
        except FileNotFoundError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            hex_addr, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:
                continue
            raw = bytes.fromhex(hex_addr)
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.append(socket.inet_ntop(family, words))
    return found


async def test_page_and_emulator_listen_on_loopback_only(emulator: Emulator, web: SandboxWeb) -> None:
    for port in (web.port, emulator.port):
        addresses = listening_address(port)
        assert addresses, f"nothing listening on {port}"
        assert all(ipaddress.ip_address(a).is_loopback for a in addresses), addresses


async def test_page_sets_a_strict_policy_and_refuses_other_hosts_and_origins(web: SandboxWeb) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(web.url + "/") as resp:
            assert resp.status == 200
            assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
        async with http.get(web.url + "/api/state", headers={"Host": "evil.example:80"}) as resp:
            assert resp.status == 421
        body = {"path": "help", "user": "alice", "channel": "general"}
        headers = {**page_headers(web), "Origin": "http://evil.example"}
        async with http.post(web.url + "/api/command", json=body, headers=headers) as resp:
            assert resp.status == 403
