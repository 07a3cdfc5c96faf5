"""Interaction callback and webhook (follow-up / @original) routes, with the 3-second deadline.

This is where the production failure modes are reproduced: a late first answer is ``10062 Unknown
interaction``, a second answer is ``40060 already acknowledged``, and follow-ups only work after an ack. An
interaction only a user install covers gets at most 5 follow-ups (``40094``), and its public answers in a server
without the bot become ephemeral where the member may not post with external apps (see interactions.py).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator.emulator import DeadlineMiss
from emulator.interactions import APPLICATION_COMMAND, AUTOCOMPLETE
from emulator.limits import Problem, check_choices, check_message, check_modal, error_body
from emulator.messages import (
    EPHEMERAL,
    LOADING,
    build_message,
    create_message,
    delete_message,
    edit_message,
    public,
    read_body,
    resolve_attachments,
)
from emulator.responses import emu_of, error, jsonr, no_content, unknown

if TYPE_CHECKING:
    from emulator.emulator import Emulator
    from emulator.interactions import InteractionResult

log = logging.getLogger(__name__)

PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE, CHOICES, MODAL = 1, 4, 5, 6, 7, 8, 9


def _extra(emu: Emulator, res: InteractionResult) -> dict[str, Any]:
    """Fields Discord puts on messages created through an interaction token."""
    user = res.payload.get("member", {}).get("user") or res.payload.get("user")
    return {
        "application_id": str(emu.world.application_id),
        "webhook_id": str(emu.world.application_id),
        "interaction_metadata": {
            "id": str(res.id),
            "type": res.type,
            "user": user,
            "authorizing_integration_owners": res.payload.get("authorizing_integration_owners", {}),
        },
    }


def _msg_type(res: InteractionResult) -> int:
    if res.type == APPLICATION_COMMAND:
        return 20 if res.payload["data"].get("type", 1) == 1 else 23
    return 0


def _public_or_forced(res: InteractionResult, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as Discord delivers it: made ephemeral where a public answer is not allowed (noted on ``res``)."""
    flags = data.get("flags") or 0
    if res.public_allowed or flags & EPHEMERAL:
        return data
    res.forced_ephemeral = True
    log.warning("sandbox: interaction %r answered publicly where only an ephemeral answer shows", res.label)
    return {**data, "flags": flags | EPHEMERAL}


def _reject(emu: Emulator, request: web.Request, problems: list[Problem]) -> web.Response:
    emu.record_violation(request.method, request.path, problems)
    return jsonr(error_body(problems), status=400)


async def callback(request: web.Request) -> web.Response:
    emu = emu_of(request)
    now = time.monotonic()
    res = emu.interactions.get(int(request.match_info["interaction_id"]))
    if res is None or res.token != request.match_info["token"]:
        return unknown("interaction", 10062)
    body, uploads = await read_body(request)
    if res.acknowledged:
        res.rejected.append((400, 40060))
        log.warning("sandbox: interaction %r answered twice", res.label)
        return error(400, 40060, "Interaction has already been acknowledged.")
    late = now - res.dispatched_at
    if late > emu.interaction_deadline:
        res.rejected.append((404, 10062))
        emu.deadline_misses.append(DeadlineMiss(res.id, res.label, late - emu.interaction_deadline))
        log.warning(
            "sandbox: interaction %r answered after %.2fs (deadline %.2fs)",
            res.label,
            late,
            emu.interaction_deadline,
        )
        emu.emit(
            "deadline_miss",
            {"interaction_id": str(res.id), "label": res.label, "elapsed": late},
            keys=[res.key],
        )
        return unknown("interaction", 10062)

    rtype, data = body.get("type"), body.get("data") or {}
    if rtype in (MESSAGE, DEFERRED_MESSAGE):
        data = _public_or_forced(res, data)
    ch = emu.world.channels[res.channel_id]
    route = f"POST {request.path}"
    msg: dict[str, Any] | None = None
    if rtype == MESSAGE:
        problems = check_message(data, require_content=True, attachments=len(uploads))
        if problems:
            return _reject(emu, request, problems)
        msg = build_message(
            emu,
            ch,
            data,
            resolve_attachments(emu, data, uploads),
            route=route,
            msg_type=_msg_type(res),
            extra=_extra(emu, res),
        )
        create_message(emu, ch, msg, ephemeral=bool(msg["flags"] & EPHEMERAL))
        res.original = msg
    elif rtype == DEFERRED_MESSAGE:
        flags = LOADING | ((data.get("flags") or 0) & EPHEMERAL)
        msg = build_message(
            emu, ch, {}, [], route=route, msg_type=_msg_type(res), flags=flags, extra=_extra(emu, res)
        )
        create_message(emu, ch, msg, ephemeral=bool(flags & EPHEMERAL))
        res.original = msg
    elif rtype in (DEFERRED_UPDATE, UPDATE):
        if res.source_message is None:
            return error(400, 40004, "This interaction has no message to update")
        if rtype == UPDATE:
            problems = check_message(data, require_content=False)
            if problems:
                return _reject(emu, request, problems)
            attachments = resolve_attachments(emu, data, uploads, res.source_message.get("attachments"))
            edit_message(emu, res.source_message, data, attachments, route)
            msg = res.source_message
        res.original = res.source_message
    elif rtype == CHOICES:
        if res.type != AUTOCOMPLETE:
            return error(400, 50035, "Invalid Form Body")
        problems = check_choices(data)
        if problems:
            return _reject(emu, request, problems)
        res.choices = list(data.get("choices") or [])
    elif rtype == MODAL:
        problems = check_modal(data)
        if problems:
            return _reject(emu, request, problems)
        res.modal = data
    elif rtype != PONG:
        return error(400, 50035, f"Invalid interaction response type {rtype!r}")

    res.response_type, res.response_body, res.acked_at = rtype, body, now
    if res.original is not None:
        emu.own_message(res.id, res.original)
    emu.emit(
        "interaction_response",
        {"interaction_id": str(res.id), "label": res.label, "type": rtype, "body": body},
        keys=[res.key],
    )
    if request.query.get("with_response") not in ("1", "true", "True"):
        return no_content()
    out: dict[str, Any] = {
        "interaction": {
            "id": str(res.id),
            "type": res.type,
            "response_message_loading": rtype == DEFERRED_MESSAGE,
            "response_message_ephemeral": bool(msg and msg["flags"] & EPHEMERAL),
        },
        "resource": {"type": rtype},
    }
    if msg is not None:
        out["interaction"]["response_message_id"] = msg["id"]
        out["resource"]["message"] = public(msg)
    return jsonr(out)


def _webhook_interaction(emu: Emulator, request: web.Request) -> InteractionResult | web.Response:
    res = emu.interactions_by_token.get(request.match_info["token"])
    if res is None or str(emu.world.application_id) != request.match_info["app_id"]:
        return unknown("Webhook", 10015)
    if res.expired:
        return error(401, 50027, "Invalid Webhook Token")
    if not res.acknowledged:
        return unknown("Webhook", 10015)
    return res


async def followup(request: web.Request) -> web.Response:
    emu = emu_of(request)
    res = _webhook_interaction(emu, request)
    if isinstance(res, web.Response):
        return res
    body, uploads = await read_body(request)
    if res.followup_limit is not None and len(res.followups) >= res.followup_limit:
        limit = f"an interaction only a user install covers takes {res.followup_limit} follow-ups"
        emu.record_violation(request.method, request.path, [Problem((), limit)])
        return error(400, 40094, "This interaction has hit the maximum number of follow up messages")
    problems = check_message(body, require_content=True, attachments=len(uploads))
    if problems:
        return _reject(emu, request, problems)
    route = f"POST {request.path}"
    if res.original is not None and res.original.get("flags", 0) & LOADING:
        # Discord: the first follow-up after a "thinking" defer fills in the loading message.
        edit_message(emu, res.original, body, resolve_attachments(emu, body, uploads, []), route)
        msg = res.original
    else:
        ch = emu.world.channels[res.channel_id]
        body = _public_or_forced(res, body)
        attachments = resolve_attachments(emu, body, uploads)
        msg = build_message(
            emu, ch, body, attachments, route=route, msg_type=_msg_type(res), extra=_extra(emu, res)
        )
        create_message(emu, ch, msg, ephemeral=bool(msg["flags"] & EPHEMERAL))
    res.followups.append(msg)
    emu.own_message(res.id, msg)
    emu.emit("interaction_followup", {"interaction_id": str(res.id), "message": msg}, keys=[res.key])
    if request.query.get("wait") in ("1", "true", "True"):
        return jsonr(public(msg))
    return no_content()


async def webhook_message(request: web.Request) -> web.Response:
    emu = emu_of(request)
    res = _webhook_interaction(emu, request)
    if isinstance(res, web.Response):
        return res
    mid = request.match_info["message_id"]
    candidates = ([res.original] if res.original else []) + res.followups
    msg = res.original if mid == "@original" else next((m for m in candidates if m["id"] == mid), None)
    if msg is None or msg.get("deleted"):
        return unknown("Message", 10008)
    if request.method == "GET":
        return jsonr(public(msg))
    if request.method == "DELETE":
        delete_message(emu, msg)
        return no_content()
    body, uploads = await read_body(request)
    problems = check_message(body, require_content=False)
    if problems:
        return _reject(emu, request, problems)
    attachments = resolve_attachments(emu, body, uploads, msg.get("attachments"))
    edit_message(emu, msg, body, attachments, f"PATCH {request.path}")
    return jsonr(public(msg))


def register(api: web.RouteTableDef) -> None:
    api.post("/interactions/{interaction_id}/{token}/callback")(callback)
    api.post("/webhooks/{app_id}/{token}")(followup)
    for method in ("GET", "PATCH", "DELETE"):
        api.route(method, "/webhooks/{app_id}/{token}/messages/{message_id}")(webhook_message)
