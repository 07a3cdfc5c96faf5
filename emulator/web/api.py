"""The page's JSON API: read the server's state and act as a chosen user through the emulator's driver."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypedDict

from aiohttp import web

from emulator.entities import DM, Channel, Guild
from emulator.options import DriverError
from emulator.visibility import visible
from emulator.web.commands import (
    MESSAGE_MENU,
    OptionError,
    coerce_options,
    context_menu_names,
    context_menus,
    find_entry,
    invocable,
    mention_names,
    upload,
)
from emulator.web.personas import CuratorPolicy, default_persona, members, personas
from emulator.web.present import channel_view, interaction_id

if TYPE_CHECKING:
    from emulator.emulator import Emulator
    from emulator.interactions import InteractionResult

log = logging.getLogger(__name__)

EMU: web.AppKey[Emulator] = web.AppKey("sandbox_emulator")
CURATORS: web.AppKey[CuratorPolicy] = web.AppKey("sandbox_curators")
LOCALES = ("en-US", "ja")
ANSWER_TIMEOUT = 4.0
HISTORY_LIMIT = 100
MAX_TEXT = 2000
MAX_FILES = 10
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
        except (DriverError, OptionError, PageError, ValueError) as exc:
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


def _user(emu: Emulator, ref: Any, guild: Guild) -> str:
    """A human member of ``guild`` (by id or name), as an id; PageError otherwise."""
    user = emu.world.user(str(ref))
    if user.bot or user.id not in guild.members:
        raise PageError(f"pick one of {guild.name}'s members")
    return str(user.id)


def _locale(ref: Any) -> str:
    return ref if ref in LOCALES else "en-US"


def _bot_dm(channel: Channel) -> bool:
    """A direct message channel between the bot and one user (not a DM or group DM between users)."""
    return channel.type == DM and channel.recipient_id is not None and not channel.is_private


def _channel(emu: Emulator, ref: Any) -> Channel:
    """One of the servers' channels, or a DM channel with the bot; PageError otherwise."""
    channel = emu.world.channel(str(ref))
    if channel.guild_id is None and not _bot_dm(channel):
        raise PageError("pick one of the server's channels")
    return channel


def _member(emu: Emulator, ref: Any, channel: Channel) -> str:
    """Who may act in ``channel``: a member of its server, or the user of a DM with the bot (as an id)."""
    if not _bot_dm(channel):
        return _user(emu, ref, _guild(emu, channel))
    user = emu.world.user(str(ref))
    if user.bot or user.id != channel.recipient_id:
        raise PageError(
            f"only {emu.world.user(str(channel.recipient_id)).username} is in this direct message"
        )
    return str(user.id)


def dm_recipient(emu: Emulator, channel_id: Any) -> str | None:
    """The user of a DM channel with the bot (None for any other channel, or an unknown one)."""
    channel = emu.world.channels.get(int(channel_id)) if str(channel_id).isdigit() else None
    return str(channel.recipient_id) if channel is not None and _bot_dm(channel) else None


def _guild(emu: Emulator, channel: Channel) -> Guild:
    guild = emu.world.guild_of(channel)
    if guild is None:
        raise PageError("pick one of the server's channels")
    return guild


class Actor(TypedDict):
    """The keyword arguments of a driver call that say who acts."""

    user: str
    locale: str


def _actor(emu: Emulator, body: dict[str, Any], channel: Channel) -> Actor:
    """Who acts for a driver call: ``user`` (a member of ``channel``'s server, or the user of the DM with the
    bot) and ``locale``."""
    return {
        "user": _member(emu, body.get("user"), channel),
        "locale": _locale(body.get("locale")),
    }


def _message_channel(emu: Emulator, ref: Any) -> Channel:
    return emu.world.channel(int(emu.driver.message(str(ref))["channel_id"]))


def command_label(emu: Emulator, message: dict[str, Any]) -> str | None:
    """The slash command a message answers, e.g. ``/poll create`` (None if not a command reply)."""
    iid = interaction_id(message)
    result = emu.interactions.get(iid) if iid is not None else None
    return result.label if result is not None else None


def _entry(emu: Emulator, path: str, user: str, channel: Channel, locale: str = "en-US") -> dict[str, Any]:
    """The command ``path`` as ``user`` sees it in ``channel``; hidden ones are refused as Discord hides them."""
    try:
        return find_entry(invocable(visible(emu.world, user, channel), locale), path)
    except OptionError:
        guild = emu.world.guild_of(channel)
        everything = (emu.registered_commands(guild.id) if guild else []) + emu.registered_commands(None)
        if any(e["path"] == path for e in invocable(everything)):
            name = emu.world.user(user).username
            if guild is None:
                raise PageError(f"/{path} is not offered in direct messages with the bot") from None
            raise PageError(
                f"/{path} is hidden from {name} here: Discord shows it only to members with the "
                "permissions it asks for"
            ) from None
        raise


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
@api_errors
async def get_state(request: web.Request) -> web.Response:
    """The servers, personas and, for the chosen server and persona, channels, members and visible commands.

    Query: ``guild`` (default: the first server), ``user`` (default: the server's owner, also when the user
    is not a member), ``channel`` (default: the server's first), ``locale``.
    """
    emu = request.app[EMU]
    world = emu.world
    policy = request.app[CURATORS]
    query = request.query
    guild = world.get_guild(query["guild"]) if query.get("guild") else world.guild
    try:
        acting = world.user(query["user"]) if query.get("user") else None
    except KeyError:
        acting = None
    if acting is None or acting.bot or acting.id not in guild.members:
        acting = default_persona(world, guild)
    dm = world.dm_channels.get(acting.id)
    channel_id = query.get("channel", "")
    if not channel_id.isdigit() or int(channel_id) not in (*guild.channel_ids, dm):
        channel_id = str(guild.channel_ids[0])
    channel = world.channel(int(channel_id))
    locale = _locale(query.get("locale"))
    shown = visible(world, acting, channel, command_type=None)
    registered = emu.registered_commands(guild.id) + emu.registered_commands(None)
    return _json(
        {
            "guilds": [{"id": str(g.id), "name": g.name} for g in world.guilds.values()],
            "guild": {"id": str(guild.id), "name": guild.name},
            "acting_as": str(acting.id),
            "channel": channel_id,
            # the acting member's DM channel with the bot (None until one of them opens it)
            "dm": str(dm) if dm is not None else None,
            "bot": {"id": str(world.bot.id), "name": world.bot.username},
            "channels": [
                {"id": str(c), "name": world.channels[c].name, "topic": world.channels[c].topic}
                for c in guild.channel_ids
            ],
            "users": members(world, guild, policy),
            "personas": personas(world, policy, locale),
            "usernames": {str(u.id): u.username for u in world.users.values()},
            "roles": {str(r.id): r.name for r in guild.roles.values()},
            "commands": invocable(shown, locale),
            "message_menus": context_menus(shown, MESSAGE_MENU),
            "message_menu_names": context_menu_names(shown, MESSAGE_MENU, locale),
            "command_names": mention_names(registered, locale),
            "all_channels": {
                str(c): {"name": world.channels[c].name, "guild": str(g.id)}
                for g in world.guilds.values()
                for c in g.channel_ids
            },
            "locales": list(LOCALES),
        }
    )


@api_errors
async def get_messages(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    channel = _channel(emu, request.query.get("channel", ""))
    channel_id = str(channel.id)
    user_id = _member(emu, request.query.get("user", ""), channel)
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
    channel = _channel(emu, body.get("channel"))
    actor = _actor(emu, body, channel)
    options = coerce_options(_entry(emu, path, actor["user"], channel), dict(body.get("options") or {}))
    result = await emu.driver.command(path, options, **actor, channel=str(channel.id))
    return await _outcome(result)


@api_errors
async def post_autocomplete(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    path = " ".join(str(body.get("path", "")).split())
    focused = str(body.get("focused", ""))
    channel = _channel(emu, body.get("channel"))
    actor = _actor(emu, body, channel)
    raw = dict(body.get("options") or {})
    raw.setdefault(focused, "")
    options = coerce_options(_entry(emu, path, actor["user"], channel), raw, focused=focused)
    try:
        choices = await emu.driver.autocomplete(
            path, options, focused, **actor, channel=str(channel.id), timeout=ANSWER_TIMEOUT
        )
    except TimeoutError:
        choices = []
    return _json({"choices": choices})


@api_errors
async def post_click(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    actor = _actor(emu, body, _message_channel(emu, body.get("message_id")))
    result = await emu.driver.click(str(body.get("message_id")), str(body.get("custom_id")), **actor)
    return await _outcome(result)


@api_errors
async def post_select(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    values = body.get("values")
    if not isinstance(values, list):
        raise PageError("values must be a list")
    actor = _actor(emu, body, _message_channel(emu, body.get("message_id")))
    result = await emu.driver.select(str(body.get("message_id")), str(body.get("custom_id")), values, **actor)
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
    actor = _actor(emu, body, emu.world.channel(opened.channel_id))
    result = await emu.driver.submit_modal(opened, values, **actor)
    return await _outcome(result)


@api_errors
async def post_context(request: web.Request) -> web.Response:
    emu = request.app[EMU]
    body = await _body(request)
    channel = _message_channel(emu, body.get("message_id"))
    actor = _actor(emu, body, channel)
    name = str(body.get("name"))
    if name not in context_menus(visible(emu.world, actor["user"], channel, command_type=MESSAGE_MENU)):
        raise PageError(f"no message command {name!r} for this member here")
    result = await emu.driver.context_menu(name, target_message=str(body.get("message_id")), **actor)
    return await _outcome(result)


@api_errors
async def post_message(request: web.Request) -> web.Response:
    """A message from the chosen member: text, files (``attachments``: filename, content_type, base64 data), or
    both — e.g. an image to try "Check image for AI metadata" on."""
    emu = request.app[EMU]
    body = await _body(request)
    content = str(body.get("content") or "").strip()
    raw_files = body.get("attachments") or []
    if not isinstance(raw_files, list):
        raise PageError("attachments must be a list")
    if len(raw_files) > MAX_FILES:
        raise PageError(f"attach at most {MAX_FILES} files")
    files = [upload("attachment", item) for item in raw_files]
    if len(content) > MAX_TEXT or not (content or files):
        raise PageError(f"a message needs 1 to {MAX_TEXT} characters or a file")
    channel = _channel(emu, body.get("channel"))
    author = _member(emu, body.get("user"), channel)
    message = emu.post_as(author, channel, content, files=files)
    return _json({"id": message["id"]})


@api_errors
async def post_dm(request: web.Request) -> web.Response:
    """Open the chosen member's DM channel with the bot (created on first use, as Discord's client does with
    ``POST /users/@me/channels``): the page's "Direct messages" entry."""
    emu = request.app[EMU]
    body = await _body(request)
    user = emu.world.user(str(body.get("user")))
    if user.bot or not any(user.id in g.members for g in emu.world.guilds.values()):
        raise PageError("pick one of the servers' members")
    return _json({"id": str(emu.world.dm_channel(user).id)})


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
    app.router.add_post("/api/dm", post_dm)
