"""JSON responses in exactly the form discord.py parses.

discord.py only decodes a body when ``Content-Type`` is exactly ``application/json`` (no charset), so
aiohttp's ``json_response`` (which appends ``; charset=utf-8``) would make every error look like text.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from emulator.emulator import Emulator

log = logging.getLogger(__name__)

EMU: web.AppKey[Emulator] = web.AppKey("emulator")


def emu_of(request: web.Request) -> Emulator:
    """The Emulator serving this request."""
    return request.app[EMU]


def jsonr(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    resp = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
    resp.headers["Content-Type"] = "application/json"
    return resp


def no_content() -> web.Response:
    return web.Response(status=204)


def error(status: int, code: int, message: str, **extra: Any) -> web.Response:
    return jsonr({"message": message, "code": code, **extra}, status=status)


def not_found() -> web.Response:
    return error(404, 0, "404: Not Found")


def unknown(what: str, code: int) -> web.Response:
    """Discord's 'Unknown X' errors (10003 channel, 10008 message, 10013 user, 10062 interaction...)."""
    return error(404, code, f"Unknown {what}")


def missing_permissions() -> web.Response:
    return error(403, 50013, "Missing Permissions")
