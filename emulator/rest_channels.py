"""Channel and message REST routes, with Discord's permission (50013), closed-DM (50007) and size checks."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator import permissions as perms
from emulator.entities import DM, Channel
from emulator.limits import check_message, error_body
from emulator.messages import (
    build_message,
    create_message,
    delete_message,
    edit_message,
    public,
    read_body,
    resolve_attachments,
)
from emulator.responses import emu_of, error, jsonr, missing_permissions, no_content, unknown

if TYPE_CHECKING:
    from emulator.emulator import Emulator

log = logging.getLogger(__name__)


def _channel(emu: Emulator, request: web.Request) -> Channel | None:
    return emu.world.channels.get(int(request.match_info["channel_id"]))


def _send_block(emu: Emulator, ch: Channel, body: dict[str, Any], n_files: int) -> web.Response | None:
    """Why Discord would refuse the bot posting here (None if it may)."""
    if ch.type == DM:
        recipient = emu.world.users.get(ch.recipient_id or 0)
        if recipient is not None and recipient.dm_closed:
            return error(403, 50007, "Cannot send messages to this user")
        return None
    have = emu.world.channel_permissions(emu.world.bot, ch)
    need = perms.flag("view_channel") | perms.flag("send_messages")
    if body.get("embeds"):
        need |= perms.flag("embed_links")
    if n_files:
        need |= perms.flag("attach_files")
    if have & need != need:
        log.info("sandbox: bot lacks permissions %s in #%s", bin(need & ~have), ch.name)
        return missing_permissions()
    return None


async def post_message(request: web.Request) -> web.Response:
    emu = emu_of(request)
    ch = _channel(emu, request)
    if ch is None:
        return unknown("Channel", 10003)
    body, uploads = await read_body(request)
    blocked = _send_block(emu, ch, body, len(uploads))
    if blocked is not None:
        return blocked
    problems = check_message(body, require_content=True, attachments=len(uploads))
    if problems:
        emu.record_violation(request.method, request.path, problems)
        return jsonr(error_body(problems), status=400)
    attachments = resolve_attachments(emu, body, uploads)
    msg = build_message(emu, ch, body, attachments, route=f"POST {request.path}")
    create_message(emu, ch, msg)
    return jsonr(public(msg))


async def list_messages(request: web.Request) -> web.Response:
    emu = emu_of(request)
    ch = _channel(emu, request)
    if ch is None:
        return unknown("Channel", 10003)
    limit = min(int(request.query.get("limit", 50)), 100)
    msgs = sorted(ch.messages.values(), key=lambda m: int(m["id"]), reverse=True)
    if "before" in request.query:
        msgs = [m for m in msgs if int(m["id"]) < int(request.query["before"])]
    if "after" in request.query:
        msgs = [m for m in msgs if int(m["id"]) > int(request.query["after"])]
        msgs = sorted(msgs, key=lambda m: int(m["id"]))[:limit][::-1]
    return jsonr([public(m) for m in msgs[:limit]])


async def one_message(request: web.Request) -> web.Response:
    emu = emu_of(request)
    ch = _channel(emu, request)
    if ch is None:
        return unknown("Channel", 10003)
    msg = ch.messages.get(int(request.match_info["message_id"]))
    if msg is None:
        return unknown("Message", 10008)
    if request.method == "GET":
        return jsonr(public(msg))
    if request.method == "DELETE":
        own = msg["author"]["id"] == str(emu.world.bot.id)
        if not own and not emu.world.channel_permissions(emu.world.bot, ch) & perms.flag("manage_messages"):
            return missing_permissions()
        delete_message(emu, msg)
        return no_content()
    if msg["author"]["id"] != str(emu.world.bot.id):
        return error(403, 50005, "Cannot edit a message authored by another user")
    body, uploads = await read_body(request)
    problems = check_message(body, require_content=False)
    if problems:
        emu.record_violation(request.method, request.path, problems)
        return jsonr(error_body(problems), status=400)
    attachments = resolve_attachments(emu, body, uploads, msg.get("attachments"))
    edit_message(emu, msg, body, attachments, f"PATCH {request.path}")
    return jsonr(public(msg))


async def get_channel(request: web.Request) -> web.Response:
    emu = emu_of(request)
    ch = _channel(emu, request)
    if ch is None:
        return unknown("Channel", 10003)
    if request.method == "PATCH":
        body = await request.json()
        for key in ("name", "topic", "nsfw", "position"):
            if key in body:
                setattr(ch, key, body[key])
        emu.gateway.dispatch("CHANNEL_UPDATE", ch.payload(emu.world))
    return jsonr(ch.payload(emu.world))


async def accepted(request: web.Request) -> web.Response:
    """Typing and reactions: acknowledged, nothing stored."""
    emu = emu_of(request)
    if _channel(emu, request) is None:
        return unknown("Channel", 10003)
    emu.emit("channel_action", {"method": request.method, "path": request.path})
    return no_content()


def register(api: web.RouteTableDef) -> None:
    api.get("/channels/{channel_id}")(get_channel)
    api.patch("/channels/{channel_id}")(get_channel)
    api.post("/channels/{channel_id}/messages")(post_message)
    api.get("/channels/{channel_id}/messages")(list_messages)
    for method in ("GET", "PATCH", "DELETE"):
        api.route(method, "/channels/{channel_id}/messages/{message_id}")(one_message)
    api.post("/channels/{channel_id}/typing")(accepted)
    reaction = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}"
    api.put(f"{reaction}/@me")(accepted)
    api.delete(f"{reaction}/@me")(accepted)
    api.delete(f"{reaction}/{{user_id}}")(accepted)
    api.delete("/channels/{channel_id}/messages/{message_id}/reactions")(accepted)
