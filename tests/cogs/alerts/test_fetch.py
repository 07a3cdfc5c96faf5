"""Live fetches, all on loopback: conditional GET, caps, timeouts, redirects, and refusals per hop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp.abc import ResolveResult

from cogs.alerts.fetch import USER_AGENT, FeedFetcher, FetchError, FetchLimits, max_age_of
from tests.cogs.alerts.feedserver import FeedServer, rss

ALLOW = frozenset({"127.0.0.1"})
FAST = FetchLimits(connect=2.0, total=1.5, sock_read=1.0)


def sample() -> bytes:
    return rss([{"title": "Hello", "link": "http://127.0.0.1/a", "guid": "a"}])


@pytest.fixture
async def fetcher() -> FeedFetcher:
    async with FeedFetcher(ALLOW, limits=FAST) as f:
        yield f


async def test_fetch_returns_body_validators_and_honest_user_agent(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    feed_server.documents["/rss"] = sample()
    result = await fetcher.fetch(feed_server.url("/rss"))
    assert result.status == 200 and result.body == sample()
    assert result.etag and result.last_modified
    assert feed_server.user_agents[-1] == USER_AGENT and "Haikei" in USER_AGENT


async def test_conditional_get_gets_304_with_the_etag(feed_server: FeedServer, fetcher: FeedFetcher) -> None:
    feed_server.documents["/rss"] = sample()
    first = await fetcher.fetch(feed_server.url("/rss"))
    second = await fetcher.fetch(feed_server.url("/rss"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body is None
    assert feed_server.conditional_hits["/rss"] == 1


async def test_cache_control_max_age_is_read_and_capped(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    feed_server.documents["/cached"] = sample()
    feed_server.headers["/cached"] = {"Cache-Control": "public, max-age=7200"}
    result = await fetcher.fetch(feed_server.url("/cached"))
    assert result.max_age == 3600
    assert max_age_of("max-age=120") == 120
    assert max_age_of("no-cache, max-age=120") is None
    assert max_age_of(None) is None


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/fault/status/500", "http_500"), ("/fault/status/404", "http_404"), ("/fault/status/410", "http_410")],
)
async def test_http_errors(feed_server: FeedServer, fetcher: FeedFetcher, path: str, reason: str) -> None:
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(feed_server.url(path))
    assert info.value.reason == reason


async def test_timeout_and_slow_drip_are_cut_by_the_total_timeout(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    loop = asyncio.get_running_loop()
    for path in ("/fault/timeout", "/fault/drip"):
        started = loop.time()
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(feed_server.url(path))
        assert info.value.reason == "timeout"
        assert loop.time() - started < 3.0


async def test_huge_body_is_cut_at_the_cap_while_streaming(feed_server: FeedServer) -> None:
    async with FeedFetcher(ALLOW, limits=FetchLimits(total=10.0)) as fetcher:
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(feed_server.url("/fault/huge"))
    assert info.value.reason == "too_large"


async def test_the_cap_applies_after_decompression(feed_server: FeedServer, fetcher: FeedFetcher) -> None:
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(feed_server.url("/fault/gzip-huge"))
    assert info.value.reason == "too_large"


async def test_redirects_are_followed_up_to_five(feed_server: FeedServer, fetcher: FeedFetcher) -> None:
    feed_server.documents["/rss"] = sample()
    result = await fetcher.fetch(feed_server.url("/redirect/5"))
    assert result.body == sample() and result.url.endswith("/rss")
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(feed_server.url("/redirect/6"))
    assert info.value.reason == "too_many_redirects"


async def test_redirect_loop_stops(feed_server: FeedServer, fetcher: FeedFetcher) -> None:
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(feed_server.url("/fault/loop/0"))
    assert info.value.reason == "too_many_redirects"
    assert feed_server.hits["/fault/loop/0"] + feed_server.hits["/fault/loop/1"] == 6


async def test_redirect_to_a_refused_address_is_refused_at_that_hop(
    feed_server: FeedServer, fetcher: FeedFetcher
) -> None:
    feed_server.documents["/rss"] = sample()
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(feed_server.url("/fault/redirect-refused"))
    assert info.value.reason == "refused_address"
    assert "/rss" not in feed_server.hits  # the refused hop was never requested


async def test_loopback_not_in_the_allow_list_is_refused_without_a_request(feed_server: FeedServer) -> None:
    feed_server.documents["/rss"] = sample()
    async with FeedFetcher(frozenset(), limits=FAST) as strict:
        for host in ("127.0.0.1", "localhost"):
            with pytest.raises(FetchError) as info:
                await strict.fetch(feed_server.url("/rss", host=host))
            assert info.value.reason == "refused_address"
    assert feed_server.hits == {}


def _fake_dns(table: dict[str, str]):
    async def lookup(host: str, port: int, family: int) -> list[ResolveResult]:
        return [
            ResolveResult(hostname=host, host=table[host], port=port, family=socket.AF_INET, proto=0, flags=0)
        ]

    return lookup


async def test_names_resolving_to_private_addresses_are_refused_before_connecting(
    feed_server: FeedServer,
) -> None:
    # The fake resolver answers with private addresses; the guard refuses them, so nothing is ever contacted.
    dns = _fake_dns({"metadata.evil.test": "169.254.169.254", "intranet.evil.test": "10.0.0.7"})
    async with FeedFetcher(frozenset(), limits=FAST, lookup=dns) as fetcher:
        for host in ("metadata.evil.test", "intranet.evil.test"):
            with pytest.raises(FetchError) as info:
                await fetcher.fetch(f"http://{host}:{feed_server.port}/rss")
            assert info.value.reason == "refused_address"


async def test_the_connection_goes_to_the_address_that_was_checked(feed_server: FeedServer) -> None:
    feed_server.documents["/rss"] = sample()
    dns = _fake_dns({"selfhosted.test": "127.0.0.1"})
    async with FeedFetcher(frozenset({"selfhosted.test"}), limits=FAST, lookup=dns) as fetcher:
        result = await fetcher.fetch(f"http://selfhosted.test:{feed_server.port}/rss")
    assert result.body == sample()


async def test_bad_schemes_never_reach_the_network(fetcher: FeedFetcher) -> None:
    with pytest.raises(FetchError) as info:
        await fetcher.fetch("file:///etc/passwd")
    assert info.value.reason == "bad_scheme"


# 127.0.0.2 written with look-alike characters; yarl's IDNA step turns every one into 127.0.0.2.
CONFUSABLE_HOSTS = [
    "127\u30020\u30020\u30022",  # ideographic full stop 。
    "127\uff0e0\uff0e0\uff0e2",  # fullwidth full stop ．
    "127\uff610\uff610\uff612",  # halfwidth ideographic full stop ｡
    "\uff11\uff12\uff17.\uff10.\uff10.\uff12",  # fullwidth digits １２７.０.０.２
    "127\u30020\u30020\u30022\u3002",  # with a trailing 。
]


@pytest.fixture
async def forbidden_server() -> AsyncIterator[FeedServer]:
    """The internal target: a feed server on 127.0.0.2, which is not in the allow list."""
    server = await FeedServer(host="127.0.0.2").start()
    server.documents["/feed"] = rss([], title="INTERNAL ADMIN PAGE")
    try:
        yield server
    finally:
        await server.stop()


async def test_the_forbidden_server_is_reachable_when_allowed(forbidden_server: FeedServer) -> None:
    # The control for the tests below: were the guard to let a request through, the server would count it.
    async with FeedFetcher(frozenset({"127.0.0.2"}), limits=FAST) as fetcher:
        result = await fetcher.fetch(forbidden_server.url("/feed"))
    assert b"INTERNAL ADMIN PAGE" in (result.body or b"")
    assert forbidden_server.hits == {"/feed": 1}


@pytest.mark.parametrize("host", CONFUSABLE_HOSTS)
async def test_confusable_dots_never_reach_the_forbidden_address(
    forbidden_server: FeedServer, fetcher: FeedFetcher, host: str
) -> None:
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(f"http://{host}:{forbidden_server.port}/feed")
    assert info.value.reason == "disguised_address"
    assert "INTERNAL" not in str(info.value)
    assert forbidden_server.hits == {}


@pytest.mark.parametrize("host", CONFUSABLE_HOSTS)
async def test_a_redirect_to_confusable_dots_is_refused_at_that_hop(
    feed_server: FeedServer, forbidden_server: FeedServer, fetcher: FeedFetcher, host: str
) -> None:
    feed_server.redirects["/moved"] = f"http://{host}:{forbidden_server.port}/feed"
    feed_server.redirects["/moved-relative"] = f"//{host}:{forbidden_server.port}/feed"
    for path in ("/moved", "/moved-relative"):
        with pytest.raises(FetchError) as info:
            await fetcher.fetch(feed_server.url(path))
        assert info.value.reason == "disguised_address"
    assert feed_server.hits == {"/moved": 1, "/moved-relative": 1}  # the allowed hop was requested
    assert forbidden_server.hits == {}


async def test_a_redirect_to_the_forbidden_address_is_refused_at_that_hop(
    feed_server: FeedServer, forbidden_server: FeedServer, fetcher: FeedFetcher
) -> None:
    feed_server.redirects["/moved"] = forbidden_server.url("/feed")
    with pytest.raises(FetchError) as info:
        await fetcher.fetch(feed_server.url("/moved"))
    assert info.value.reason == "refused_address"
    assert forbidden_server.hits == {}


async def test_a_refusal_says_nothing_about_what_listens_there(
    forbidden_server: FeedServer, fetcher: FeedFetcher
) -> None:
    # No port scanner: an open port and a closed one give the same refusal, since neither is contacted.
    with socket.socket() as probe:
        probe.bind(("127.0.0.2", 0))
        closed_port = probe.getsockname()[1]  # bound, never listening: nothing answers there
        errors = []
        for port in (forbidden_server.port, closed_port):
            for host in ("127.0.0.2", CONFUSABLE_HOSTS[0]):
                with pytest.raises(FetchError) as info:
                    await fetcher.fetch(f"http://{host}:{port}/feed")
                errors.append((info.value.reason, info.value.detail))
    assert errors[:2] == errors[2:]
    assert [reason for reason, _ in errors] == ["refused_address", "disguised_address"] * 2
    assert forbidden_server.hits == {}
