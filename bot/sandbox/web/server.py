"""``SandboxWeb``: serve the sandbox page, its API and live updates on loopback only."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from bot.sandbox.web.api import EMU, add_routes
from bot.sandbox.web.live import LiveHub
from bot.sandbox.web.loopback import require_loopback

if TYPE_CHECKING:
    from bot.sandbox.emulator import Emulator

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: http://127.0.0.1:* "
    "http://localhost:*; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Only this machine's browser may drive the sandbox: loopback Host, same-origin writes, strict CSP."""
    host = (request.host or "").rsplit(":", 1)[0].strip("[]")
    if host not in ("127.0.0.1", "localhost", "::1"):
        return web.Response(status=421, text="the sandbox answers on 127.0.0.1 only")
    origin = request.headers.get("Origin")
    if origin is not None and origin not in (f"http://{request.host}",):
        return web.Response(status=403, text="cross-origin requests are refused")
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


class SandboxWeb:
    """The page at ``http://127.0.0.1:<port>/``: static files, ``/api/*`` and the ``/ws`` event stream."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.live = LiveHub(emulator)
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[guard], client_max_size=12 * 1024 * 1024)
        app[EMU] = self.emulator
        app.router.add_get("/", index)
        app.router.add_get("/ws", self.live.handle)
        app.router.add_static("/static/", STATIC_DIR)
        add_routes(app)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> SandboxWeb:
        """Listen on ``host`` (loopback only; ValueError otherwise); ``port=0`` picks a free port."""
        require_loopback(host)
        self.live.start()
        self._runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError:
            await self.stop()
            raise
        self.host = host
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        await self.live.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
