"""/alerts end to end: the real client against the emulator, feeds served from 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.client import Haikei
from bot.settings import Settings
from cogs.alerts import store
from cogs.alerts.recommended import RecommendedFeed
from emulator.emulator import Emulator
from tests.cogs.alerts.feedserver import FeedServer, rss
from tests.e2e.helpers import assert_clean, running_haikei

pytestmark = pytest.mark.e2e

TITLE = "Toei Animation admits generative AI backgrounds in new anime"


def item(n: int, title: str, host: str = "news.example") -> dict[str, str]:
    return {
        "title": title,
        "link": f"https://{host}/s/{n}?utm_source=rss",
        "guid": f"{host}-{n}",
        "date": "Mon, 06 Jan 2025 10:00:00 GMT",
        "description": "<p>Reported <b>today</b> @everyone</p>",
    }


def assert_no_pings(emulator: Emulator, message: dict[str, Any], role: int | None = None) -> None:
    records = emulator.allowed_mentions_for(message["id"])
    assert records, "the emulator recorded no allowed_mentions for this message"
    for record in records:
        assert record.everyone is False and record.users == []
        assert record.roles == ([role] if role else [])


async def run(emulator: Emulator, path: str, options: dict[str, Any] | None = None, user: str = "mod"):
    return await (await emulator.driver.command(path, options, user=user)).wait()


async def answer(result) -> str:
    """The text the user saw, whether it came as the response or as a follow-up after a defer."""
    if result.content:
        return result.content
    followups = await result.wait_followups(1)
    return followups[-1].get("content") or ""


async def cycle(bot: Haikei, offset: float) -> Any:
    cog = bot.get_cog("Alerts")
    cog.poller.clock = lambda: time.time() + offset
    return await cog.poller.run_once()


async def test_alerts_end_to_end(haikei: Haikei, emulator: Emulator, feed_server: FeedServer) -> None:
    feed_server.documents["/a"] = rss([item(1, "Old story about generative AI in anime")], title="Outlet A")
    feed_server.documents["/b"] = rss([], title="Outlet B")
    cog = haikei.get_cog("Alerts")
    cog.recommended = (RecommendedFeed("Outlet B", feed_server.url("/b"), "en"),)
    alerts_channel = emulator.world.channel("alerts")

    r = await run(emulator, "alerts channel", {"channel": "alerts"})
    assert r.ephemeral and "<#" in r.content
    r2 = await (await emulator.driver.click(r, "alerts:subrec", user="mod")).wait()
    assert "1 new feed" in (r2.content or await answer(r2))

    r = await run(emulator, "alerts add", {"url": feed_server.url("/a"), "name": "Outlet A"})
    text = await answer(r)
    assert "Outlet A" in text and "1 item" in text
    feeds = await haikei.db.run(store.guild_feeds, emulator.world.guild_of(alerts_channel).id)
    assert {f["name"] for f in feeds} == {"Outlet A", "Outlet B"}

    await cycle(haikei, 0)
    assert emulator.messages("alerts") == []  # subscribing never floods

    feed_server.documents["/a"] = rss([item(2, TITLE), item(3, "New anime PV released")], title="Outlet A")
    report = await cycle(haikei, 1000)
    assert report.posted == 1
    message = await emulator.wait_for_message("alerts")
    (embed,) = message["embeds"]
    assert embed["title"] == TITLE and embed["url"] == "https://news.example/s/2?utm_source=rss"
    assert embed["author"]["name"] == "Outlet A" and "timestamp" in embed
    assert "@everyone" not in embed["description"] and "<b>" not in embed["description"]
    assert_no_pings(emulator, message)

    feed_server.documents["/b"] = rss([item(9, TITLE + " - Outlet B", "b.example")], title="Outlet B")
    report = await cycle(haikei, 2000)
    assert report.clustered == 1 and len(emulator.messages("alerts")) == 1

    def edited() -> dict[str, Any] | None:
        msg = emulator.messages("alerts")[0]
        fields = msg["embeds"][0].get("fields") or []
        return msg if any("Outlet B" in f["value"] for f in fields) else None

    await emulator.wait_until(edited, what="the alert edited with 'Also reported by'")

    r = await run(emulator, "alerts why", {"url": "https://NEWS.example/s/2/?utm_campaign=x"})
    why = r.embeds[0]
    values = " ".join(f["value"] for f in why["fields"])
    assert "Outlet A" in values and "Posted" in values and "generative ai" in values
    r = await run(emulator, "alerts why", {"url": "https://news.example/s/3"})
    assert "Not posted" in " ".join(f["value"] for f in r.embeds[0]["fields"])

    r = await run(emulator, "alerts feeds")
    assert r.ephemeral and "Outlet A" in r.embeds[0]["fields"][0]["name"] + r.embeds[0]["fields"][1]["name"]
    assert "ok" in r.embeds[0]["fields"][0]["value"]

    choices = await emulator.driver.autocomplete("alerts remove", {"feed": "outlet b"}, "feed", user="mod")
    assert [c["name"].split(" ", 1)[1] for c in choices] == ["Outlet B"]
    r = await run(emulator, "alerts remove", {"feed": choices[0]["value"]})
    assert "Unsubscribed" in r.content
    r = await run(emulator, "alerts enable", {"feed": choices[0]["value"]})
    assert r.ephemeral and "no feed" in r.content  # no longer this server's feed

    r = await run(emulator, "alerts keywords add", {"term": "Kaiber"})
    assert "Kaiber" in r.content
    r = await run(emulator, "alerts keywords add", {"term": "crypto", "exclude": True})
    r = await run(emulator, "alerts keywords list")
    assert "Kaiber" in r.embeds[0]["fields"][0]["value"] and "crypto" in r.embeds[0]["fields"][1]["value"]
    r = await run(emulator, "alerts keywords remove", {"term": "Kaiber"})
    assert "Removed" in r.content
    r = await run(emulator, "alerts relevance", {"mode": "broad"})
    assert "broad" in r.content
    r = await run(emulator, "alerts digest", {"mode": "daily", "time": "25:00"})
    assert r.ephemeral and "HH:MM" in r.content
    r = await run(emulator, "alerts digest", {"mode": "daily", "time": "9:30"})
    assert "09:30" in r.content
    r = await run(emulator, "alerts digest", {"mode": "off"})
    r = await run(emulator, "alerts pause")
    assert "paused" in r.content
    r = await run(emulator, "alerts resume")

    role = emulator.world.role("Member")
    r = await run(emulator, "alerts mention", {"role": "Member"})
    assert r.ephemeral
    r = await run(emulator, "alerts test")
    assert "sample" in (await answer(r)).lower()
    sample = emulator.messages("alerts")[-1]
    assert sample["content"] == f"<@&{role.id}>"
    assert_no_pings(emulator, sample, role=role.id)
    r = await run(emulator, "alerts mention")
    assert "not ping" in r.content
    assert_clean(emulator)


async def test_members_cannot_use_alerts_commands(haikei: Haikei, emulator: Emulator) -> None:
    r = await run(emulator, "alerts feeds", user="alice")
    assert r.ephemeral and "moderators" in r.content.lower()
    assert (
        await haikei.db.run(store.guild_feeds, emulator.world.guild_of(emulator.world.channel("alerts")).id)
        == []
    )


async def test_channel_names_the_missing_permission(haikei: Haikei, emulator: Emulator) -> None:
    updated = asyncio.ensure_future(haikei.wait_for("guild_channel_update", timeout=5))
    emulator.revoke("alerts", "embed_links")
    await updated
    channel = haikei.get_channel(emulator.world.channel("alerts").id)
    assert not channel.permissions_for(haikei.guilds[0].me).embed_links
    r = await run(emulator, "alerts channel", {"channel": "alerts"})
    assert r.ephemeral and "Embed Links" in r.content


async def test_add_refuses_internal_addresses_and_web_pages(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer
) -> None:
    feed_server.documents["/page"] = b"<!DOCTYPE html><html><body>hi</body></html>"
    r = await run(emulator, "alerts add", {"url": f"http://127.0.0.2:{feed_server.port}/rss"})
    assert r.ephemeral and "private or internal" in await answer(r)
    r = await run(emulator, "alerts add", {"url": "file:///etc/passwd"})
    assert "http and https" in await answer(r)
    r = await run(emulator, "alerts add", {"url": feed_server.url("/page")})
    assert "web page" in await answer(r)
    r = await run(emulator, "alerts add", {"url": feed_server.url("/fault/redirect-refused")})
    assert "private or internal" in await answer(r)
    assert await haikei.db.run(store.count_feeds) == 0
    assert "/rss" not in feed_server.hits


@pytest.fixture
async def internal_server() -> AsyncIterator[FeedServer]:
    """An internal target on 127.0.0.2 (not in the allow list): it must never see a request."""
    server = await FeedServer(host="127.0.0.2").start()
    server.documents["/feed"] = rss([], title="INTERNAL ADMIN PAGE")
    try:
        yield server
    finally:
        await server.stop()


async def test_add_refuses_look_alike_addresses_without_contacting_them(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer, internal_server: FeedServer
) -> None:
    disguised = f"http://127\u30020\u30020\u30022:{internal_server.port}/feed"  # 127。0。0。2
    r = await run(emulator, "alerts add", {"url": disguised})
    refusal = await answer(r)
    assert r.ephemeral and "look-alike" in refusal and "127.0.0.2" in refusal
    assert "INTERNAL" not in refusal

    # No port scanner: a port where nothing listens gets the very same answer.
    with socket.socket() as probe:
        probe.bind(("127.0.0.2", 0))
        closed = disguised.replace(str(internal_server.port), str(probe.getsockname()[1]))
        assert await answer(await run(emulator, "alerts add", {"url": closed})) == refusal

    # Nor through a redirect from an allowed feed server (scheme-relative, fullwidth stops this time).
    feed_server.redirects["/moved"] = f"//127\uff0e0\uff0e0\uff0e2:{internal_server.port}/feed"
    r = await run(emulator, "alerts add", {"url": feed_server.url("/moved")})
    assert r.ephemeral and "look-alike" in await answer(r)

    assert feed_server.hits == {"/moved": 1}
    assert internal_server.hits == {}
    assert await haikei.db.run(store.count_feeds) == 0


async def test_a_restart_never_reposts(
    settings: Settings, emulator: Emulator, feed_server: FeedServer
) -> None:
    feed_server.documents["/a"] = rss([], title="Outlet A")
    async with running_haikei(settings, emulator) as bot:
        await run(emulator, "alerts channel", {"channel": "alerts"})
        await answer(await run(emulator, "alerts add", {"url": feed_server.url("/a")}))
        feed_server.documents["/a"] = rss([item(1, TITLE)], title="Outlet A")
        await cycle(bot, 1000)
        await emulator.wait_for_message("alerts")
    feed_server.documents["/a"] = rss([item(1, TITLE)], title="Outlet A (changed, so no 304)")
    async with running_haikei(settings, emulator) as bot:
        report = await cycle(bot, 5000)
        assert report.fetched == 1 and report.posted == 0
    assert len(emulator.messages("alerts")) == 1


async def test_alert_naming_a_disclosure_record_offers_record_and_draft_buttons(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer
) -> None:
    if haikei.get_cog("Disclosures") is None:
        pytest.fail("the disclosures cog is in EXTENSIONS and should be loaded")
    feed_server.documents["/a"] = rss([], title="Outlet A")
    await run(emulator, "alerts channel", {"channel": "alerts"})
    await answer(await run(emulator, "alerts add", {"url": feed_server.url("/a")}))
    title = "Netflix anime The Dog & The Boy credited AI-generated backgrounds"
    feed_server.documents["/a"] = rss([item(1, title)], title="Outlet A")
    await cycle(haikei, 1000)
    message = await emulator.wait_for_message("alerts")
    ids = [c["custom_id"] for row in message["components"] for c in row["components"]]
    record_button = next(i for i in ids if i.startswith("alerts:rec:"))
    draft_button = next(i for i in ids if i.startswith("alerts:draft:"))
    assert any(f["name"] == "Disclosure record" for f in message["embeds"][0]["fields"])
    shown = await (await emulator.driver.click(message, record_button, user="alice")).wait()
    assert shown.ephemeral and "The Dog & The Boy" in shown.embeds[0]["title"]
    for user in ("alice", "mod"):  # submissions are open to every member (tests/e2e/test_alerts_draft.py)
        draft = await (await emulator.driver.click(message, draft_button, user=user)).wait()
        assert draft.modal is not None, user
    assert_clean(emulator)


async def test_the_sample_alert_speaks_the_servers_language_not_the_moderators(
    haikei: Haikei, emulator: Emulator
) -> None:
    await run(emulator, "alerts channel", {"channel": "alerts"})
    japanese = await (await emulator.driver.command("alerts test", user="mod", locale="ja")).wait()
    assert "サンプル" in await answer(japanese)  # the moderator is answered in their language…
    sample = emulator.messages("alerts")[-1]
    assert sample["embeds"][0]["title"].startswith(
        "Sample alert"
    )  # …the server reads it in its own (English)
    assert_clean(emulator)
