"""Point discord.py at a Discord-compatible API other than discord.com (the local emulator, a proxy)."""

from __future__ import annotations

import logging

import aiohttp
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

log = logging.getLogger(__name__)

DISCORD_API_BASE = "https://discord.com/api/v10"


def set_api_base(api_base: str) -> None:
    """Send every REST call (including interaction webhooks) to ``api_base``."""
    Route.BASE = api_base.rstrip("/")


async def discover_gateway(api_base: str, token: str, session: aiohttp.ClientSession | None = None) -> str:
    """Ask ``GET /gateway/bot`` at ``api_base`` for the websocket URL and make discord.py connect there.

    discord.py never asks for the gateway URL itself: it dials its hard-coded ``DEFAULT_GATEWAY``.
    """
    own = session is None
    session = session or aiohttp.ClientSession()
    try:
        async with session.get(
            f"{api_base.rstrip('/')}/gateway/bot", headers={"Authorization": f"Bot {token}"}
        ) as resp:
            resp.raise_for_status()
            url = (await resp.json())["url"]
    finally:
        if own:
            await session.close()
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    log.info("Gateway at %s", url)
    return url
