"""Turning what the bot sends (JSON or multipart) into stored Discord message objects, and editing them.

Shared by channel routes and interaction/webhook routes so every message looks the same whichever way it
was sent, carries its attachments (served back from loopback) and its effective ``allowed_mentions``.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import BodyPartReader, web

from emulator.entities import Channel, User, iso_now

if TYPE_CHECKING:
    from emulator.emulator import Emulator

log = logging.getLogger(__name__)

EPHEMERAL, LOADING = 64, 128
DEFAULT_ALLOWED = {"parse": ["users", "roles", "everyone"]}
_USER_RE = re.compile(r"<@!?(\d+)>")
_ROLE_RE = re.compile(r"<@&(\d+)>")
INTERNAL_KEYS = frozenset({"allowed_mentions", "deleted"})


@dataclass
class Upload:
    index: int
    filename: str
    content_type: str
    data: bytes


@dataclass
class StoredFile:
    filename: str
    content_type: str
    data: bytes


@dataclass
class MentionRecord:
    """What a message could ping given its effective ``allowed_mentions`` (Discord's default: everything)."""

    message_id: int
    channel_id: int
    route: str
    allowed_mentions: dict[str, Any] | None
    effective: dict[str, Any]
    everyone: bool
    users: list[int]
    roles: list[int]


async def read_body(request: web.Request) -> tuple[dict[str, Any], list[Upload]]:
    """Read a JSON body, or a multipart body with ``payload_json`` + ``files[n]`` parts."""
    if not request.body_exists:
        return {}, []
    if request.content_type.startswith("multipart/"):
        body: dict[str, Any] = {}
        uploads: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue  # a nested multipart: discord.py never sends one
            name = part.name or ""
            if name == "payload_json":
                body = json.loads(await part.text())
            elif name.startswith("files[") or name.startswith("file"):
                digits = re.sub(r"\D", "", name)
                data = await part.read()
                uploads.append(
                    Upload(
                        index=int(digits) if digits else len(uploads),
                        filename=part.filename or f"file{len(uploads)}",
                        content_type=part.headers.get("Content-Type", "application/octet-stream"),
                        data=bytes(data),
                    )
                )
        return body, uploads
    raw = await request.read()
    return (json.loads(raw) if raw else {}), []


IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
GENERIC_TYPES = frozenset({"", "application/octet-stream"})


def detect_type(filename: str, data: bytes, declared: str | None) -> str:
    """The content type Discord reports for an upload: the declared one unless generic, else the image the bytes
    are (discord.py sends every file as ``application/octet-stream``), else one guessed from the name."""
    if (declared or "").split(";")[0].strip().lower() not in GENERIC_TYPES:
        return str(declared)
    for magic, kind in IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def make_attachment(
    emu: Emulator, filename: str, content_type: str, data: bytes, **extra: Any
) -> dict[str, Any]:
    """Store bytes on the emulator and return the attachment object with a loopback URL."""
    content_type = detect_type(filename, data, content_type)
    att_id = emu.world.ids.next()
    emu.files[att_id] = StoredFile(filename, content_type, data)
    url = f"{emu.url}/attachments/{att_id}/{quote(filename)}"
    payload = {
        "id": str(att_id),
        "filename": filename,
        "size": len(data),
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
    }
    payload.update({k: v for k, v in extra.items() if v is not None})
    return payload


def resolve_attachments(
    emu: Emulator, body: dict[str, Any], uploads: list[Upload], existing: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]] | None:
    """Map ``attachments`` entries to new uploads (by index) or kept existing attachments (by snowflake).

    Returns None when the body does not touch attachments (edit keeps them).
    """
    by_index = {u.index: u for u in uploads}
    old = {a["id"]: a for a in existing or []}
    entries: list[dict[str, Any]] | None = body.get("attachments")
    if entries is None:
        if not uploads:
            return None
        entries = [{"id": u.index} for u in uploads]
    out: list[dict[str, Any]] = []
    for entry in entries:
        key = entry.get("id")
        if str(key) in old:
            out.append(old[str(key)])
        elif key is not None and int(key) in by_index:
            up = by_index[int(key)]
            out.append(
                make_attachment(
                    emu,
                    entry.get("filename") or up.filename,
                    up.content_type,
                    up.data,
                    description=entry.get("description"),
                )
            )
    return out


def compute_mentions(
    emu: Emulator, content: str, allowed: dict[str, Any] | None
) -> tuple[dict[str, Any], bool, list[int], list[int]]:
    """Apply ``allowed_mentions`` to the mentions present in ``content`` like Discord does."""
    eff = allowed if allowed is not None else DEFAULT_ALLOWED
    parse = set(eff.get("parse") or [])
    users = [int(x) for x in _USER_RE.findall(content)]
    roles = [int(x) for x in _ROLE_RE.findall(content)]
    pinged_users = [u for u in users if "users" in parse or str(u) in map(str, eff.get("users") or [])]
    pinged_roles = [r for r in roles if "roles" in parse or str(r) in map(str, eff.get("roles") or [])]
    everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)
    return eff, everyone, pinged_users, pinged_roles


def build_message(
    emu: Emulator,
    channel: Channel,
    body: dict[str, Any],
    attachments: list[dict[str, Any]] | None,
    *,
    route: str,
    msg_type: int = 0,
    flags: int = 0,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A complete Discord message object authored by the bot."""
    mid = emu.world.ids.next()
    content = body.get("content") or ""
    eff, everyone, users, roles = compute_mentions(emu, content, body.get("allowed_mentions"))
    emu.mentions.append(
        MentionRecord(mid, channel.id, route, body.get("allowed_mentions"), eff, everyone, users, roles)
    )
    msg: dict[str, Any] = {
        "id": str(mid),
        "channel_id": str(channel.id),
        "type": msg_type,
        "author": emu.world.bot.payload(),
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts")),
        "mention_everyone": everyone,
        "mentions": [emu.world.users[u].payload() for u in users if u in emu.world.users],
        "mention_roles": [str(r) for r in roles],
        "attachments": attachments or [],
        "embeds": [_embed(e) for e in body.get("embeds") or []],
        "components": body.get("components") or [],
        "pinned": False,
        "flags": (body.get("flags") or 0) | flags,
        "allowed_mentions": body.get("allowed_mentions"),
    }
    if body.get("poll"):
        msg["poll"] = body["poll"]
    if body.get("message_reference"):
        msg["message_reference"] = body["message_reference"]
        msg["type"] = 19 if msg_type == 0 else msg_type
    msg.update(extra or {})
    emu.check_command_mentions(msg)
    return msg


def user_message(
    emu: Emulator, user: User, channel: Channel, content: str, attachments: list[dict[str, Any]]
) -> dict[str, Any]:
    """A message authored by a user (not the bot); the bot gets it as MESSAGE_CREATE."""
    return {
        "id": str(emu.world.ids.next()),
        "channel_id": str(channel.id),
        "type": 0,
        "author": user.payload(),
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments,
        "embeds": [],
        "components": [],
        "pinned": False,
        "flags": 0,
    }


def _embed(e: dict[str, Any]) -> dict[str, Any]:
    out = dict(e)
    out.setdefault("type", "rich")
    return out


def gateway_payload(emu: Emulator, msg: dict[str, Any]) -> dict[str, Any]:
    """Gateway message events additionally carry guild_id and the author's partial member."""
    data = {k: v for k, v in msg.items() if k not in INTERNAL_KEYS}
    ch = emu.world.channels.get(int(msg["channel_id"]))
    guild = emu.world.guild_of(ch) if ch is not None else None
    if guild is not None:
        data["guild_id"] = str(guild.id)
        author = int(msg["author"]["id"])
        if author in guild.members:
            data["member"] = guild.members[author].payload(emu.world, with_user=False)
    return data


def public(msg: dict[str, Any]) -> dict[str, Any]:
    """The message as REST returns it (internal bookkeeping keys stripped)."""
    return {k: v for k, v in msg.items() if k not in INTERNAL_KEYS}


def _bot_sees(emu: Emulator, channel_id: int | str) -> bool:
    """Whether the bot gets this channel's events (not those of servers it is not in, or of others' DMs)."""
    ch = emu.world.channels.get(int(channel_id))
    return ch is None or emu.world.bot_sees(ch)


def create_message(emu: Emulator, channel: Channel, msg: dict[str, Any], *, ephemeral: bool = False) -> None:
    """Store a message and tell the bot (MESSAGE_CREATE, where it is) and subscribers; ephemerals never hit
    the gateway."""
    if ephemeral:
        emu.ephemeral[int(msg["id"])] = msg
    else:
        channel.messages[int(msg["id"])] = msg
        if emu.world.bot_sees(channel):
            emu.gateway.dispatch("MESSAGE_CREATE", gateway_payload(emu, msg))
    emu.emit("message_create", msg, ephemeral=ephemeral, keys=emu.message_keys(msg["id"]))


def edit_message(
    emu: Emulator,
    msg: dict[str, Any],
    body: dict[str, Any],
    attachments: list[dict[str, Any]] | None,
    route: str,
) -> None:
    """Apply a PATCH in place (content/embeds/components/attachments/flags) and dispatch MESSAGE_UPDATE."""
    for key in ("content", "components", "poll"):
        if key in body:
            msg[key] = body[key] if body[key] is not None else ([] if key == "components" else "")
    if "embeds" in body:
        msg["embeds"] = [_embed(e) for e in body["embeds"] or []]
    if attachments is not None:
        msg["attachments"] = attachments
    if "flags" in body and body["flags"] is not None:  # an edit can't change ephemerality
        msg["flags"] = (msg.get("flags", 0) & (EPHEMERAL | LOADING)) | (
            body["flags"] & ~(EPHEMERAL | LOADING)
        )
    msg["flags"] = msg.get("flags", 0) & ~LOADING
    if "allowed_mentions" in body or "content" in body:
        allowed = body.get("allowed_mentions", msg.get("allowed_mentions"))
        eff, everyone, users, roles = compute_mentions(emu, msg["content"], allowed)
        emu.mentions.append(
            MentionRecord(int(msg["id"]), int(msg["channel_id"]), route, allowed, eff, everyone, users, roles)
        )
        msg["allowed_mentions"] = allowed
        msg["mention_everyone"] = everyone
    msg["edited_timestamp"] = iso_now()
    emu.check_command_mentions(msg)
    ephemeral = bool(msg.get("flags", 0) & EPHEMERAL)
    if not ephemeral and _bot_sees(emu, msg["channel_id"]):
        emu.gateway.dispatch("MESSAGE_UPDATE", gateway_payload(emu, msg))
    emu.emit("message_update", msg, ephemeral=ephemeral, keys=emu.message_keys(msg["id"]))


def delete_message(emu: Emulator, msg: dict[str, Any]) -> None:
    mid, cid = int(msg["id"]), int(msg["channel_id"])
    ephemeral = mid in emu.ephemeral
    if ephemeral:
        emu.ephemeral.pop(mid, None)
    else:
        ch = emu.world.channels[cid]
        ch.messages.pop(mid, None)
        data: dict[str, Any] = {"id": str(mid), "channel_id": str(cid)}
        if ch.guild_id:
            data["guild_id"] = str(ch.guild_id)
        if emu.world.bot_sees(ch):
            emu.gateway.dispatch("MESSAGE_DELETE", data)
    msg["deleted"] = True
    emu.emit("message_delete", msg, ephemeral=ephemeral, keys=emu.message_keys(mid))
