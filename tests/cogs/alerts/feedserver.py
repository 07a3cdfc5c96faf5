"""A local feed server on loopback (127.0.0.1 by default): well-formed RSS/Atom/RDF, 304s, and every fault a
real feed can have."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from aiohttp import ClientConnectionResetError, web

BIG_CHUNK = b"<!-- " + b"x" * (64 * 1024 - 9) + b" -->"


def rss(items: Iterable[dict[str, str]], title: str = "Local RSS", encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 document; item keys: title, link, guid, date, description."""
    parts = [f'<?xml version="1.0" encoding="{encoding}"?>', '<rss version="2.0"><channel>']
    parts.append(f"<title>{escape(title)}</title><link>http://127.0.0.1/</link><description>d</description>")
    for item in items:
        parts.append("<item>")
        for key, tag in (("title", "title"), ("link", "link"), ("guid", "guid"), ("date", "pubDate")):
            if item.get(key):
                parts.append(f"<{tag}>{escape(item[key])}</{tag}>")
        if item.get("description"):
            parts.append(f"<description>{escape(item['description'])}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def atom(items: Iterable[dict[str, str]], title: str = "Local Atom") -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">']
    parts.append(
        f"<title>{escape(title)}</title><id>urn:local:atom</id><updated>2025-01-01T00:00:00Z</updated>"
    )
    for item in items:
        parts.append(
            f"<entry><title>{escape(item['title'])}</title><id>{escape(item.get('guid') or item['link'])}</id>"
        )
        parts.append(f'<link href="{escape(item["link"])}"/>')
        parts.append(f"<updated>{item.get('date', '2025-01-01T00:00:00Z')}</updated>")
        parts.append(f"<summary>{escape(item.get('description', ''))}</summary></entry>")
    parts.append("</feed>")
    return "".join(parts).encode("utf-8")


def rdf(items: Iterable[dict[str, str]], title: str = "Local RDF") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f'<channel rdf:about="http://127.0.0.1/"><title>{escape(title)}</title><link>http://127.0.0.1/</link>'
        "<description>d</description></channel>",
    ]
    for item in items:
        parts.append(f'<item rdf:about="{escape(item["link"])}"><title>{escape(item["title"])}</title>')
        parts.append(
            f"<link>{escape(item['link'])}</link><dc:date>{item.get('date', '2025-01-01T09:00:00+09:00')}</dc:date>"
        )
        parts.append(f"<description>{escape(item.get('description', ''))}</description></item>")
    parts.append("</rdf:RDF>")
    return "".join(parts).encode("utf-8")


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>'
)
HTML_PAGE = b"<!DOCTYPE html><html><head><title>Not a feed</title></head><body><p>Hello</p></body></html>"
INVALID_XML = b'<?xml version="1.0"?><rss version="2.0"><channel><title>broken</title><item><title>x</ti'


@dataclass
class FeedServer:
    """Serves ``documents[path]`` (bytes, with an ETag), ``redirects[path]`` (a 302 to that Location, sent as
    written, non-ASCII included) and fixed fault routes on ``host``; counts requests per path."""

    host: str = "127.0.0.1"
    documents: dict[str, bytes] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    conditional_hits: dict[str, int] = field(default_factory=dict)
    user_agents: list[str] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("GET", "/fault/timeout", self._timeout)
        app.router.add_route("GET", "/fault/drip", self._drip)
        app.router.add_route("GET", "/fault/huge", self._huge)
        app.router.add_route("GET", "/fault/gzip-huge", self._gzip_huge)
        app.router.add_route("GET", "/fault/status/{code}", self._status)
        app.router.add_route("GET", "/fault/loop/{n}", self._loop)
        app.router.add_route("GET", "/fault/redirect-refused", self._redirect_refused)
        app.router.add_route("GET", "/redirect/{n}", self._redirect_chain)
        app.router.add_route("GET", "/{path:.*}", self._document)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _count(self, request: web.Request) -> None:
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        self.user_agents.append(request.headers.get("User-Agent", ""))

    async def _document(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        path = request.path
        if path in self.redirects:
            return web.Response(status=302, headers={"Location": self.redirects[path]})
        if path not in self.documents:
            return web.Response(status=404, text="no such feed")
        body = self.documents[path]
        etag = f'"{abs(hash(body))}"'
        extra = self.headers.get(path, {})
        if request.headers.get("If-None-Match") == etag:
            self.conditional_hits[path] = self.conditional_hits.get(path, 0) + 1
            return web.Response(status=304, headers={"ETag": etag, **extra})
        content_type = extra.get("Content-Type", "application/rss+xml")
        headers = {"ETag": etag, "Last-Modified": "Mon, 06 Jan 2025 10:00:00 GMT", **extra}
        headers.pop("Content-Type", None)
        return web.Response(body=body, headers=headers, content_type=content_type.split(";")[0])

    async def _timeout(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        await asyncio.sleep(10)
        return web.Response(text="too late")

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        for _ in range(200):
            await response.write(b" ")
            await asyncio.sleep(0.1)
        return response

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        """50 MB, streamed without a Content-Length: the client must cut it at its cap."""
        self._count(request)
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        sent = 0
        try:
            while sent < 50 * 1024 * 1024:
                await response.write(BIG_CHUNK)
                sent += len(BIG_CHUNK)
        except (ConnectionError, RuntimeError, ClientConnectionResetError):
            pass
        self.headers.setdefault("/fault/huge", {})["sent"] = str(sent)
        return response

    async def _gzip_huge(self, request: web.Request) -> web.StreamResponse:
        """A small gzip body that inflates to 8 MiB: the cap applies after decompression."""
        self._count(request)
        body = gzip.compress(b"<rss>" + b" " * (8 * 1024 * 1024) + b"</rss>")
        return web.Response(
            body=body, headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}
        )

    async def _status(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        return web.Response(status=int(request.match_info["code"]), text="status")

    async def _loop(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        nxt = 1 - int(request.match_info["n"])
        raise web.HTTPFound(f"/fault/loop/{nxt}")

    async def _redirect_chain(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        n = int(request.match_info["n"])
        raise web.HTTPFound(f"/redirect/{n - 1}" if n > 1 else "/rss")

    async def _redirect_refused(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        raise web.HTTPFound(f"http://127.0.0.2:{self.port}/rss")
