"""``SandboxWeb``: serve the sandbox page, its API and live updates on loopback only.

Who may drive it: the Host header must name the page's own loopback address and port (a DNS-rebound name is
refused), an ``Origin`` or ``Sec-Fetch-Site`` that is not this page is refused, and every request that changes
something (POST, PUT, PATCH, DELETE) must carry the page's token in ``X-Sandbox-Token``. The token is random
per start and embedded in the served ``index.html``, which a page on another origin cannot read; a request
without it, with a wrong one or from a foreign origin gets 403 and changes nothing.
"""

from __future__ import annotations

import html
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from emulator.web.api import CURATORS, EMU, add_routes
from emulator.web.live import LiveHub
from emulator.web.loopback import require_loopback
from emulator.web.personas import CuratorPolicy

if TYPE_CHECKING:
    from emulator.emulator import Emulator

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
# The shipped OFL fonts (kana and JIS X 0208 kanji): Japanese renders even on machines without a CJK font.
FONT_DIR = Path(__file__).resolve().parents[2] / "data" / "fonts"
FONTS = {"ChartSansJP-Regular.otf": "font/otf", "ChartSansLatin-Regular.ttf": "font/ttf"}
TOKEN_HEADER = "X-Sandbox-Token"
TOKEN_PLACEHOLDER = "{{SANDBOX_TOKEN}}"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data: http://127.0.0.1:* "
    "http://localhost:*; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PAGE: web.AppKey[SandboxWeb] = web.AppKey("sandbox_page")


def _refuse(status: int, text: str) -> web.Response:
    return web.json_response({"error": text}, status=status)


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Only this machine's browser, on this page, may drive the sandbox (see the module docstring)."""
    page = request.app[PAGE]
    if request.host not in page.allowed_hosts:
        return _refuse(421, "the sandbox answers on its own 127.0.0.1 address only")
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"http://{request.host}":
        return _refuse(403, "cross-origin requests are refused")
    if request.method not in SAFE_METHODS:
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            return _refuse(403, "cross-site requests are refused")
        sent = request.headers.get(TOKEN_HEADER, "")
        if not secrets.compare_digest(sent.encode(), page.token.encode()):
            return _refuse(403, "this request lacks the sandbox page's token: reload the page")
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def index(request: web.Request) -> web.Response:
    """``index.html`` with this start's token in ``<meta name="sandbox-token">``."""
    template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    body = template.replace(TOKEN_PLACEHOLDER, html.escape(request.app[PAGE].token))
    return web.Response(text=body, content_type="text/html")


async def font(request: web.Request) -> web.StreamResponse:
    """One of the shipped fonts (``FONTS``); nothing else under ``data/`` is served."""
    name = request.match_info["name"]
    if name not in FONTS or not (FONT_DIR / name).is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(FONT_DIR / name, headers={"Content-Type": FONTS[name]})


class SandboxWeb:
    """The page at ``http://127.0.0.1:<port>/``: static files, ``/api/*`` and the ``/ws`` event stream."""

    def __init__(self, emulator: Emulator, *, curators: CuratorPolicy | None = None) -> None:
        self.emulator = emulator
        self.curators = curators or CuratorPolicy()
        self.live = LiveHub(emulator)
        self.host = "127.0.0.1"
        self.port = 0
        self.token = secrets.token_urlsafe(32)
        self._runner: web.AppRunner | None = None

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Host headers naming this page: its loopback address or ``localhost``, with its port."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        names = {host, "127.0.0.1", "localhost"}
        bare = names if self.port == 80 else set()  # browsers leave out the default port
        return frozenset({f"{name}:{self.port}" for name in names} | bare)

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[guard], client_max_size=12 * 1024 * 1024)
        app[EMU] = self.emulator
        app[CURATORS] = self.curators
        app[PAGE] = self
        app.router.add_get("/", index)
        app.router.add_get("/ws", self.live.handle)
        app.router.add_static("/static/", STATIC_DIR)
        app.router.add_get("/fonts/{name}", font)
        add_routes(app)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> SandboxWeb:
        """Listen on ``host`` (loopback only; ValueError otherwise); ``port=0`` picks a free port."""
        require_loopback(host)
        self.token = secrets.token_urlsafe(32)
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
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        await self.live.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
