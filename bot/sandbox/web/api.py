"""The page's JSON API: read the server's state and act as a chosen user through the emulator's driver."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.sandbox.options import DriverError
from bot.sandbox.web.commands import (
    MESSAGE_MENU,
    OptionError,
    coerce_options,
    context_menus,
    find_entry,
    invocable,
)
from bot.sandbox.web.present import channel_view, interaction_id

if TYPE_CHECKING:
    from bot.sandbox.emulator import Emulator
    from bot.sandbox.interactions import InteractionResult

log = logging.getLogger(__name__)

EMU: web.AppKey[Emulator] = web.AppKey("sandbox_emulator")
LOCALES = ("en-US", "ja")
ANSWER_TIMEOUT = 4.0
HISTORY_LIMIT = 100
MAX_TEXT = 2000
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class PageError(Exception):
    """Something the person using the page asked for that cannot be done; answered as 400 + message."""


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


def api_errors(handler: Handler) -> Handler:
    """Answer bad requests from the page with a 400 and a readable message instead of a traceback."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except (DriverError, OptionError, PageError) as exc:
            return _json({"error": str(exc)}, status=400)
        except KeyError as exc:
            return _json({"error": f"not found: {exc.args[0] if exc.args else exc}"}, status=400)

    return wrapped


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise PageError("send JSON")
    try:
        data = await request.json()
    except ValueError:
        raise PageError("the request body is not JSON") from None
    if not isinstance(data, dict):
        raise PageError("the request body must be a JSON object")
    return data


def _user(emu: Emulator, ref: Any) -> str:
    user = emu.world.user(str(ref))
    if user.bot or user.id not in emu.world.guild.members:
        raise PageError("pick one of the server's members")
    return str(user.id)


def _locale(ref: Any) -> str:
    return ref if ref in LOCALES else "en-US"


def _channel(emu: Emulator, ref: Any) -> str:
    channel = emu.world.channel(str(ref))
    if channel.guild_id is None:
        raise PageError("pick one of the server's channels")
    return str(channel.id)


def _actor(emu: Emulator, body: dict[str, Any], *, in_channel: bool = False) -> dict[str, str]:
    """Who acts (and where) for a driver call: ``user`` and ``locale``, plus ``channel`` when asked."""
    actor = {"user": _user(emu, body.get("user")), "locale": _locale(body.get("locale"))}
    if in_channel:
        actor["channel"] = _channel(emu, body.get("channel"))
    return actor


def command_label(emu: Emulator, message: dict[str, Any]) -> str | None:
    """The slash command a message answers, e.g. ``/poll create`` (None if not a command reply)."""
    iid = interaction_id(message)
    result = emu.interactions.get(iid) if iid is not None else None
    return result.label if result is not None else None


def _entries(emu: Emulator, locale: str = "en-US") -> list[dict[str, Any]]:
    scoped = emu.registered_commands(emu.world.guild.id) + emu.registered_commands(None)
    return invocable(scoped, locale)


async def _outcome(result: InteractionResult) -> web.Response:
    """Wait for the bot's first answer and tell the page what kind it was (messages arrive on the socket)."""
    data: dict[str, Any] = {"interaction_id": str(result.id)}
    try:
        await result.wait(ANSWER_TIMEOUT)
    except TimeoutError:
        data.update(answered=False, error="Haikei did not respond in time (The application did not respond).")
        return _json(data)
    data.update(answered=True, response_type=result.response_type, modal=result.modal)
    return _json(data)


# ----- reading ------------------------------------------------------------------------------------
async def get_state(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    world = emu.world
    guild = world.guild
    locale = _locale(request.query.get("locale"))
    roles = {str(r.id): r.name for r in guild.roles.values()}
    users = []
    for member in guild.members.values():
        user = world.users[member.user_id]
        if user.bot:
            continue
        users.append(
            {
                "id": str(user.id),
                "name": user.username,
                "roles": [roles[str(r)] for r in member.roles if str(r) in roles],
                "moderator": bool(world.guild_permissions(user) & (1 << 5)),
            }
        )
    scoped = emu.registered_commands(guild.id) + emu.registered_commands(None)
    return _json(
        {
            "guild": {"id": str(guild.id), "name": guild.name},
            "bot": {"id": str(world.bot.id), "name": world.bot.username},
            "channels": [
                {"id": str(c), "name": world.channels[c].name, "topic": world.channels[c].topic}
                for c in guild.channel_ids
            ],
            "users": users,
            "usernames": {str(u.id): u.username for u in world.users.values()},
            "roles": roles,
            "commands": invocable(scoped, locale),
            "message_menus": context_menus(scoped, MESSAGE_MENU),
            "locales": list(LOCALES),
        }
    )


@api_errors
async def get_messages(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    channel_id = _channel(emu, request.query.get("channel", ""))
    user_id = _user(emu, request.query.get("user", ""))
    stored = emu.messages(channel_id)
    view = channel_view(
        stored,
        list(emu.ephemeral.values()),
        channel_id,
        user_id,
        HISTORY_LIMIT,
        lambda message: command_label(emu, message),
    )
    return _json(view)


async def get_file(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMU]
    try:
        stored = emu.files[int(request.match_info["file_id"])]
    except (KeyError, ValueError):
        raise web.HTTPNotFound() from None
    inline = stored.content_type in INLINE_TYPES
    headers = {"Content-Type": stored.content_type if inline else "application/octet-stream"}
    if not inline:
        headers["Content-Disposition"] = "attachment"
    return web.Response(body=stored.data, headers=headers)


# ----- acting -------------------------------------------------------------------------------------
@api_errors
async def post_command(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    path = " ".join(str(body.get("path", "")).split())
    entry = find_entry(_entries(emu), path)
    options = coerce_options(entry, dict(body.get("options") or {}))
    result = await emu.driver.command(
        path,
        options,
        **_actor(emu, body, in_channel=True),
    )
    return await _outcome(result)


@api_errors
async def post_autocomplete(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    path = " ".join(str(body.get("path", "")).split())
    focused = str(body.get("focused", ""))
    entry = find_entry(_entries(emu), path)
    raw = dict(body.get("options") or {})
    raw.setdefault(focused, "")
    options = coerce_options(entry, raw, focused=focused)
    try:
        choices = await emu.driver.autocomplete(
            path,
            options,
            focused,
            **_actor(emu, body, in_channel=True),
            timeout=ANSWER_TIMEOUT,
        )
    except TimeoutError:
        choices = []
    return _json({"choices": choices})


@api_errors
async def post_click(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    result = await emu.driver.click(
        str(body.get("message_id")),
        str(body.get("custom_id")),
        **_actor(emu, body),
    )
    return await _outcome(result)


@api_errors
async def post_select(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    values = body.get("values")
    if not isinstance(values, list):
        raise PageError("values must be a list")
    result = await emu.driver.select(
        str(body.get("message_id")),
        str(body.get("custom_id")),
        values,
        **_actor(emu, body),
    )
    return await _outcome(result)


@api_errors
async def post_modal(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    opened = emu.interactions.get(int(str(body.get("interaction_id", "0")) or 0))
    if opened is None or opened.modal is None:
        raise PageError("that dialog is no longer open")
    values = body.get("values")
    if not isinstance(values, dict):
        raise PageError("values must be an object")
    result = await emu.driver.submit_modal(opened, values, **_actor(emu, body))
    return await _outcome(result)


@api_errors
async def post_context(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    result = await emu.driver.context_menu(
        str(body.get("name")),
        target_message=str(body.get("message_id")),
        **_actor(emu, body),
    )
    return await _outcome(result)


@api_errors
async def post_message(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    content = str(body.get("content") or "").strip()
    if not content or len(content) > MAX_TEXT:
        raise PageError(f"a message needs 1 to {MAX_TEXT} characters")
    message = emu.post_as(_user(emu, body.get("user")), _channel(emu, body.get("channel")), content)
    return _json({"id": message["id"]})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/state", get_state)
    app.router.add_get("/api/messages", get_messages)
    app.router.add_get("/files/{file_id}/{filename}", get_file)
    app.router.add_post("/api/command", post_command)
    app.router.add_post("/api/autocomplete", post_autocomplete)
    app.router.add_post("/api/click", post_click)
    app.router.add_post("/api/select", post_select)
    app.router.add_post("/api/modal", post_modal)
    app.router.add_post("/api/context", post_context)
    app.router.add_post("/api/message", post_message)
