"""Fetch feed bytes safely: public addresses only (checked and pinned per hop), capped, timed, conditional."""

from __future__ import annotations

import asyncio
import errno
import logging
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from cogs.alerts.netguard import GuardError, check_address, check_url, is_allowed_host, normalise_host

log = logging.getLogger(__name__)

USER_AGENT = (
    "Haikei/0.1 (Discord news-alert bot for artist communities; +https://github.com/haikei-bot/haikei)"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_AGE_CAP = 3600
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-store|no-cache)\b", re.IGNORECASE)

LookUp = Callable[[str, int, socket.AddressFamily], Awaitable[list[ResolveResult]]]


@dataclass(frozen=True)
class FetchLimits:
    """Timeouts (seconds), the byte cap after decompression and the redirect budget."""

    connect: float = 10.0
    total: float = 30.0
    sock_read: float = 15.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True)
class FetchResult:
    """A 200 (``body`` set) or a 304 (``body`` is None), with the validators and freshness to remember."""

    url: str
    status: int
    body: bytes | None
    etag: str | None
    last_modified: str | None
    max_age: int | None
    content_type: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# Every ``FetchError.reason`` this module raises, besides ``http_<status>`` and the guard's GuardError reasons
# (netguard.py), which pass through unchanged. Each has a sentence in the catalogs (``alerts.reason.*``);
# ``detail`` is for the log only.
FETCH_REASONS = frozenset(
    {
        "timeout",
        "dns",
        "refused",
        "unreachable",
        "tls",
        "disconnected",
        "connection",
        "bad_body",
        "too_large",
        "bad_redirect",
        "too_many_redirects",
    }
)


class FetchError(Exception):
    """A fetch failed; ``reason`` is a short code (see FETCH_REASONS), ``detail`` what happened, for logs."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class RefusedByGuard(OSError):
    """Raised inside the connector's resolver so aiohttp aborts before any connection is opened."""

    def __init__(self, error: GuardError) -> None:
        super().__init__(str(error))
        self.guard_error = error


class GuardedResolver(AbstractResolver):
    """Resolve a name, refuse it unless every address is public (or the host allowed), return those addresses.

    aiohttp connects to exactly what ``resolve`` returns, so the address checked is the address used.
    """

    def __init__(self, allow_hosts: frozenset[str], lookup: LookUp | None = None) -> None:
        self.allow_hosts = allow_hosts
        self._default: aiohttp.ThreadedResolver | None = None
        if lookup is None:
            self._default = aiohttp.ThreadedResolver()
            lookup = self._default.resolve
        self._lookup: LookUp = lookup

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._lookup(host, port, family)
        if not results:
            raise OSError(f"{host} did not resolve")
        if not is_allowed_host(host, self.allow_hosts):
            for result in results:
                try:
                    check_address(result["host"], host, self.allow_hosts)
                except GuardError as exc:
                    raise RefusedByGuard(exc) from None
        return results

    async def close(self) -> None:
        if self._default is not None:
            await self._default.close()


def max_age_of(cache_control: str | None) -> int | None:
    """Seconds of freshness from ``Cache-Control`` (capped at an hour), None when absent or no-cache."""
    if not cache_control or _NO_CACHE.search(cache_control):
        return None
    match = _MAX_AGE.search(cache_control)
    return min(int(match.group(1)), MAX_AGE_CAP) if match else None


class FeedFetcher:
    """Owns a session whose connector resolves through :class:`GuardedResolver` (the bot's shared session
    cannot carry that resolver, so feeds get their own)."""

    def __init__(
        self,
        allow_hosts: frozenset[str],
        *,
        limits: FetchLimits | None = None,
        user_agent: str = USER_AGENT,
        lookup: LookUp | None = None,
        max_connections: int = 64,
    ) -> None:
        self.allow_hosts = frozenset(normalise_host(h) for h in allow_hosts)
        self.limits = limits or FetchLimits()
        self.user_agent = user_agent
        self._lookup = lookup
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> FeedFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self.allow_hosts, self._lookup),
                use_dns_cache=False,
                limit=self._max_connections,
                limit_per_host=8,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.user_agent, "Accept": _ACCEPT},
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
                auto_decompress=True,
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` following at most ``max_redirects`` redirects, each hop checked; raise FetchError."""
        limits = self.limits
        try:
            async with asyncio.timeout(limits.total):
                return await self._follow(url, etag, last_modified)
        except TimeoutError:
            raise FetchError("timeout", f"no complete answer within {limits.total:g} s") from None

    async def _follow(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        session = self._open()
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        timeout = aiohttp.ClientTimeout(
            total=None, connect=self.limits.connect, sock_read=self.limits.sock_read
        )
        target = _guard(url, self.allow_hosts)
        for _hop in range(self.limits.max_redirects + 1):
            try:
                # ``target`` is the URL object the guard checked (host already IDNA-normalised by yarl):
                # aiohttp connects to its ``raw_host``, so nothing is re-parsed between check and connect.
                async with session.get(
                    target, headers=headers, allow_redirects=False, timeout=timeout
                ) as response:
                    if response.status in REDIRECT_STATUSES:
                        location = response.headers.get("Location")
                        if not location:
                            raise FetchError("bad_redirect", f"{response.status} without Location")
                        target = _guard(location, self.allow_hosts, base=response.url)
                        continue
                    return await self._read(response)
            except RefusedByGuard as exc:
                raise FetchError(exc.guard_error.reason, exc.guard_error.detail) from None
            except aiohttp.ClientConnectorError as exc:
                inner = exc.os_error
                if isinstance(inner, RefusedByGuard):
                    raise FetchError(inner.guard_error.reason, inner.guard_error.detail) from None
                raise FetchError(connector_reason(exc), f"{type(exc).__name__}: {exc}"[:200]) from None
            except TimeoutError:
                raise FetchError("timeout", "the server stopped sending") from None
            except aiohttp.ClientPayloadError as exc:
                raise FetchError("bad_body", str(exc)[:200]) from None
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientConnectionResetError) as exc:
                raise FetchError("disconnected", f"{type(exc).__name__}: {exc}"[:200]) from None
            except aiohttp.ClientError as exc:
                raise FetchError("connection", f"{type(exc).__name__}: {exc}"[:200]) from None
        raise FetchError("too_many_redirects", f"more than {self.limits.max_redirects} redirects")

    async def _read(self, response: aiohttp.ClientResponse) -> FetchResult:
        status = response.status
        if status != 304 and not 200 <= status < 300:
            raise FetchError(f"http_{status}", response.reason or "")
        body: bytes | None = None
        if status != 304:
            cap = self.limits.max_bytes
            declared = response.content_length
            if declared is not None and declared > cap and "Content-Encoding" not in response.headers:
                raise FetchError("too_large", f"declared {declared} bytes, the cap is {cap}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > cap:
                    raise FetchError("too_large", f"more than {cap} bytes after decompression")
                chunks.append(chunk)
            body = b"".join(chunks)
        return FetchResult(
            url=str(response.url),
            status=status,
            body=body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            max_age=max_age_of(response.headers.get("Cache-Control")),
            content_type=response.headers.get("Content-Type"),
        )


_UNREACHABLE = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN, errno.ENETDOWN})


def connector_reason(exc: aiohttp.ClientConnectorError) -> str:
    """Which kind of connection failure ``exc`` is: dns, tls, refused, unreachable or connection."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "dns"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "tls"
    inner = exc.os_error
    if isinstance(inner, ConnectionRefusedError) or inner.errno == errno.ECONNREFUSED:
        return "refused"
    if inner.errno in _UNREACHABLE:
        return "unreachable"
    return "connection"


_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


def _guard(url: str, allow_hosts: frozenset[str], base: URL | None = None) -> URL:
    """The URL to request (first URL, or a redirect's Location against ``base``); FetchError when refused."""
    try:
        return check_url(url, allow_hosts, base=base)
    except GuardError as exc:
        reason = "bad_redirect" if base is not None and exc.reason == "bad_url" else exc.reason
        raise FetchError(reason, exc.detail) from None
