"""The aiohttp app: middleware (auth, rate limits, request log, Discord-shaped 404s) and core REST routes.

Channel/message routes live in ``rest_channels``, command registration in ``rest_commands`` and the
interaction callback/webhook routes in ``rest_interactions``; this module wires them together.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from emulator import rest_channels, rest_commands, rest_interactions
from emulator.emulator import RequestLog
from emulator.gateway import SESSION_START_TOTAL
from emulator.responses import EMU, emu_of, error, jsonr, not_found, unknown

if TYPE_CHECKING:
    from emulator.emulator import Emulator

log = logging.getLogger(__name__)

API_PREFIX = re.compile(r"^/api/v\d+")
NO_AUTH = ("/webhooks/", "/interactions/", "/gateway")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    emu = emu_of(request)
    api_path = API_PREFIX.sub("", request.path)
    is_api = api_path != request.path
    needs_auth = is_api and (api_path == "/gateway/bot" or not api_path.startswith(NO_AUTH))
    limits = emu.ratelimits
    if is_api and limits.invalid.banned(time.monotonic()):  # Cloudflare's ban: no Via, no JSON
        emu.requests.append(RequestLog(request.method, request.path, 429))
        return web.Response(status=429, text="error code: 1015", content_type="text/plain")
    if needs_auth and request.headers.get("Authorization", "").removeprefix("Bot ") != emu.token:
        return _answered(emu, request, error(401, 0, "401: Unauthorized"))
    rl_headers: dict[str, str] = {}
    if needs_auth:  # interaction callbacks and webhooks are exempt from the global limit, as on Discord
        refusal = limits.check_global(request.method, api_path)
        if refusal is not None:
            return _refused(emu, request, api_path, refusal.headers, refusal.body)
    if is_api:
        allowed, rl_headers, retry_after = limits.check(request.method, api_path)
        if not allowed:
            retry = math.ceil(retry_after * 1000) / 1000  # never early: a retry at exactly this time succeeds
            body = {"message": "You are being rate limited.", "retry_after": retry, "global": False}
            return _refused(emu, request, api_path, rl_headers, body)
    try:
        resp = await handler(request)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
        log.warning("sandbox: UNKNOWN ROUTE %s %s (answering Discord 404)", request.method, request.path)
        emu.unknown_routes.append((request.method, request.path))
        resp = not_found()
    if is_api and not isinstance(resp, web.WebSocketResponse):
        for k, v in rl_headers.items():
            resp.headers.setdefault(k, v)
    return _answered(emu, request, resp)


def _answered(emu: Emulator, request: web.Request, resp: web.StreamResponse) -> web.StreamResponse:
    """Log the response and count it when Discord would count it as an invalid request."""
    emu.requests.append(RequestLog(request.method, request.path, resp.status))
    scope = resp.headers.get("X-RateLimit-Scope")
    emu.ratelimits.invalid.record(resp.status, scope, time.monotonic())
    return resp


def _refused(
    emu: Emulator, request: web.Request, api_path: str, headers: dict[str, str], body: dict[str, object]
) -> web.StreamResponse:
    """A 429 in Discord's shape (JSON body, ``Via``), announced to subscribers as ``rate_limited``."""
    event = {"method": request.method, "path": api_path, "retry_after": body["retry_after"]}
    emu.emit("rate_limited", event | {"global": body["global"], "scope": headers.get("X-RateLimit-Scope")})
    return _answered(emu, request, jsonr(body, status=429, headers=headers))


# ----- identity / gateway discovery ---------------------------------------------------------
async def get_gateway(request: web.Request) -> web.Response:
    return jsonr({"url": emu_of(request).gateway_url})


async def get_gateway_bot(request: web.Request) -> web.Response:
    """The recommended shard count and the session start limit (``max_concurrency``: buckets per 5 s)."""
    emu = emu_of(request)
    gateway = emu.gateway
    limit = {
        "total": SESSION_START_TOTAL,
        "remaining": gateway.session_starts_remaining,
        "reset_after": 14400000,
        "max_concurrency": gateway.max_concurrency,
    }
    return jsonr({"url": emu.gateway_url, "shards": emu.shards, "session_start_limit": limit})


async def get_me(request: web.Request) -> web.Response:
    emu = emu_of(request)
    return jsonr(emu.world.bot.payload() | {"verified": True, "mfa_enabled": False, "email": None})


async def get_application(request: web.Request) -> web.Response:
    world = emu_of(request).world
    return jsonr(
        {
            "id": str(world.application_id),
            "name": world.bot.username,
            "icon": None,
            "description": "Haikei (sandbox)",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": world.owner.payload(),
            "team": None,
            "bot": world.bot.payload(),
            "interactions_endpoint_url": None,
            "tags": [],
            "redirect_uris": [],
            "approximate_guild_count": len(world.guilds),
        }
    )


async def get_user(request: web.Request) -> web.Response:
    world = emu_of(request).world
    try:
        return jsonr(world.user(int(request.match_info["user_id"])).payload())
    except (KeyError, ValueError):
        return unknown("User", 10013)


async def create_dm(request: web.Request) -> web.Response:
    emu = emu_of(request)
    body = await request.json()
    try:
        user = emu.world.user(int(body["recipient_id"]))
    except (KeyError, ValueError):
        return unknown("User", 10013)
    return jsonr(emu.world.dm_channel(user).payload(emu.world))


# ----- guilds --------------------------------------------------------------------------------
async def get_guild(request: web.Request) -> web.Response:
    emu = emu_of(request)
    guild = emu.world.guilds.get(int(request.match_info["guild_id"]))
    if guild is None:
        return unknown("Guild", 10004)
    data = emu.world.guild_payload(guild)
    for key in ("members", "channels", "threads", "presences", "voice_states", "member_count", "joined_at"):
        data.pop(key, None)
    data |= {"approximate_member_count": len(guild.members), "approximate_presence_count": 0}
    return jsonr(data)


async def get_guild_channels(request: web.Request) -> web.Response:
    emu = emu_of(request)
    guild = emu.world.guilds.get(int(request.match_info["guild_id"]))
    if guild is None:
        return unknown("Guild", 10004)
    return jsonr([emu.world.channels[c].payload(emu.world) for c in guild.channel_ids])


async def get_guild_roles(request: web.Request) -> web.Response:
    emu = emu_of(request)
    guild = emu.world.guilds.get(int(request.match_info["guild_id"]))
    if guild is None:
        return unknown("Guild", 10004)
    return jsonr([r.payload() for r in guild.roles.values()])


async def get_member(request: web.Request) -> web.Response:
    emu = emu_of(request)
    guild = emu.world.guilds.get(int(request.match_info["guild_id"]))
    uid = int(request.match_info["user_id"])
    if guild is None:
        return unknown("Guild", 10004)
    if uid not in guild.members:
        return unknown("Member", 10007)
    return jsonr(guild.members[uid].payload(emu.world))


async def list_members(request: web.Request) -> web.Response:
    emu = emu_of(request)
    guild = emu.world.guilds.get(int(request.match_info["guild_id"]))
    if guild is None:
        return unknown("Guild", 10004)
    limit = int(request.query.get("limit", 1))
    after = int(request.query.get("after", 0))
    members = sorted((m for m in guild.members.values() if m.user_id > after), key=lambda m: m.user_id)
    return jsonr([m.payload(emu.world) for m in members[:limit]])


async def get_attachment(request: web.Request) -> web.StreamResponse:
    """A stored file; with ``emu.attachment_chunk_size`` set, streamed in pieces of that size, yielding to the
    event loop between them, the way a slow CDN delivers a large file."""
    emu = emu_of(request)
    stored = emu.files.get(int(request.match_info["att_id"]))
    if stored is None:
        return not_found()
    content_type = stored.content_type.split(";")[0]
    size = emu.attachment_chunk_size
    if not size:
        return web.Response(body=stored.data, content_type=content_type)
    response = web.StreamResponse(headers={"Content-Type": content_type})
    response.content_length = len(stored.data)
    await response.prepare(request)
    for start in range(0, len(stored.data), size):
        await response.write(stored.data[start : start + size])
        await asyncio.sleep(0)  # let the reader see this piece before the next one
    await response.write_eof()
    return response


def build_app(emu: Emulator) -> web.Application:
    app = web.Application(middlewares=[middleware], client_max_size=64 * 1024 * 1024)
    app[EMU] = emu
    app.router.add_get("/gateway", emu.gateway.handle)
    app.router.add_get("/attachments/{att_id}/{filename}", get_attachment)
    api = web.RouteTableDef()
    api.get("/gateway")(get_gateway)
    api.get("/gateway/bot")(get_gateway_bot)
    api.get("/users/@me")(get_me)
    api.get("/oauth2/applications/@me")(get_application)
    api.get("/applications/@me")(get_application)
    api.post("/users/@me/channels")(create_dm)
    api.get("/users/{user_id}")(get_user)
    api.get("/guilds/{guild_id}")(get_guild)
    api.get("/guilds/{guild_id}/channels")(get_guild_channels)
    api.get("/guilds/{guild_id}/roles")(get_guild_roles)
    api.get("/guilds/{guild_id}/members")(list_members)
    api.get("/guilds/{guild_id}/members/{user_id}")(get_member)
    rest_commands.register(api)
    rest_channels.register(api)
    rest_interactions.register(api)
    for version in ("v9", "v10"):
        for route in api:
            assert isinstance(route, web.RouteDef)
            app.router.add_route(route.method, f"/api/{version}{route.path}", route.handler)
    return app
