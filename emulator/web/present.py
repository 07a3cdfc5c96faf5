"""Shape stored emulator messages for the page: who may see them, and image URLs the page may load.

Pure: attachment URLs are rewritten to the page's own ``/files/...`` route (so the page needs only its own
origin) and embed images that point outside loopback are dropped, so the page never reaches the internet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

log = logging.getLogger(__name__)

EPHEMERAL, LOADING = 64, 128
INTERNAL_KEYS = frozenset({"allowed_mentions", "deleted"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
EMBED_IMAGE_SLOTS = (("image", "url"), ("thumbnail", "url"), ("footer", "icon_url"), ("author", "icon_url"))


def file_path(attachment: dict[str, Any]) -> str:
    """The page-relative URL that serves one stored attachment."""
    return f"/files/{attachment['id']}/{quote(str(attachment.get('filename') or 'file'))}"


def visible_to(message: dict[str, Any]) -> str | None:
    """The user id an ephemeral message is shown to (None: everyone in the channel)."""
    if not (message.get("flags") or 0) & EPHEMERAL:
        return None
    user = (message.get("interaction_metadata") or {}).get("user") or {}
    return str(user.get("id")) if user.get("id") else None


def loadable(url: str | None) -> bool:
    """True for URLs the page may load without leaving this machine."""
    if not url:
        return False
    parts = urlsplit(url)
    if not parts.scheme and url.startswith("/") and not url.startswith("//"):
        return True
    return parts.scheme in ("http", "https") and (parts.hostname or "") in LOOPBACK_HOSTS


def interaction_id(message: dict[str, Any]) -> int | None:
    """The id of the interaction a message answers (None for plain messages)."""
    meta = message.get("interaction_metadata") or {}
    return int(meta["id"]) if str(meta.get("id", "")).isdigit() else None


def present_message(message: dict[str, Any], command: str | None = None) -> dict[str, Any]:
    """A copy of ``message`` ready for the page (internal keys dropped, URLs made local).

    ``command`` is the label of the slash command it answers (``/help``), shown as "alice used /help".
    """
    out = {k: v for k, v in message.items() if k not in INTERNAL_KEYS}
    out["command"] = command if command and command.startswith("/") else None
    attachments = [
        dict(a, url=file_path(a), proxy_url=file_path(a)) for a in message.get("attachments") or []
    ]
    by_name = {a.get("filename"): a["url"] for a in attachments}
    out["embeds"] = [_embed(e, by_name) for e in message.get("embeds") or []]
    shown_in_embeds = set(_embedded_files(message.get("embeds") or []))
    # Discord shows a file an embed displays (``attachment://name``) only inside that embed
    out["attachments"] = [dict(a, in_embed=a.get("filename") in shown_in_embeds) for a in attachments]
    out["visible_to"] = visible_to(message)
    out["loading"] = bool((message.get("flags") or 0) & LOADING)
    return out


def _embedded_files(embeds: list[dict[str, Any]]) -> list[str]:
    found = []
    for embed in embeds:
        for slot, key in EMBED_IMAGE_SLOTS:
            part = embed.get(slot)
            url = str(part.get(key) or "") if isinstance(part, dict) else ""
            if url.startswith("attachment://"):
                found.append(url.removeprefix("attachment://"))
    return found


def _embed(embed: dict[str, Any], by_name: dict[Any, str]) -> dict[str, Any]:
    out = dict(embed)
    for slot, key in EMBED_IMAGE_SLOTS:
        part = embed.get(slot)
        if not isinstance(part, dict) or not part.get(key):
            continue
        url = str(part[key])
        if url.startswith("attachment://"):
            url = by_name.get(url.removeprefix("attachment://"), "")
        copy = dict(part)
        if loadable(url):
            copy[key] = url
        else:
            copy.pop(key, None)
            copy["blocked_url"] = str(part[key])
        out[slot] = copy
    return out


def channel_view(
    stored: list[dict[str, Any]],
    ephemerals: list[dict[str, Any]],
    channel_id: str,
    user_id: str,
    limit: int,
    labels: Callable[[dict[str, Any]], str | None] = lambda message: None,
) -> list[dict[str, Any]]:
    """The last ``limit`` messages of a channel as ``user_id`` sees them (their own ephemerals included)."""
    mine = [
        m
        for m in ephemerals
        if m.get("channel_id") == channel_id and visible_to(m) == user_id and not m.get("deleted")
    ]
    merged = sorted([*stored, *mine], key=lambda m: int(m["id"]))
    return [present_message(m, labels(m)) for m in merged[-limit:]]
