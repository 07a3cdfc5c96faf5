"""/alerts across servers and hostile item links, end to end against the emulator.

A feed row is shared by every server that follows the same address, so server B must never learn about
server A's feeds (a private feed's URL carries its secret token), decisions or alerts: ``/alerts why`` and
``/alerts feeds`` answer from B's own subscriptions only. And an item's link reaches an alert embed or a
digest's masked link only when it hides nothing, leads where the feed said, and cannot break out of the link.

World: the default "Haikei Test Server" (moderator ``mod``) and "Second Server" (moderator ``rin``).
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.client import Haikei
from bot.settings import Settings
from bot.text import plain
from emulator.demo_world import SECOND_MODERATOR, SECOND_SERVER, demo_world
from emulator.emulator import Emulator
from emulator.interactions import InteractionResult
from tests.cogs.alerts.feedserver import FeedServer, rss
from tests.e2e.helpers import answer_text, assert_clean, running_haikei

pytestmark = pytest.mark.e2e

SECRET = "SECRET-PAID-KEY-123"
STORY = "https://news.example/s/77"
MASKED_LINK = re.compile(r"\[((?:\\.|[^\[\]\\])*)\]\(((?:\([^)]*\)|[^\s\\])*?)\)")


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """Two servers: the default one, and "Second Server" moderated by rin (who moderates nothing else)."""
    emu = Emulator(identify_interval=0.1, world=demo_world())
    await emu.start(host="127.0.0.1", port=0)
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def haikei(settings: Settings, emulator: Emulator) -> AsyncIterator[Haikei]:
    async with running_haikei(settings, emulator) as bot:
        yield bot


def story(n: int, title: str, link: str) -> dict[str, str]:
    return {"title": title, "link": link, "guid": f"g{n}", "date": "Mon, 06 Jan 2025 10:00:00 GMT"}


async def cycle(bot: Haikei, offset: float) -> Any:
    cog = bot.get_cog("Alerts")
    cog.poller.clock = lambda: time.time() + offset
    return await cog.poller.run_once()


async def ask(emulator: Emulator, path: str, options: dict[str, Any] | None = None, *, second: bool = False):
    """Run a command as mod in the first server, or as rin in the second; wait for the whole answer."""
    channel = emulator.world.channel("general", guild=SECOND_SERVER) if second else "general"
    user = SECOND_MODERATOR if second else "mod"
    result = await emulator.driver.command(path, options, user=user, channel=channel)
    await result.wait()
    await result.wait_until(lambda r: not r.loading)
    return result


def everything_shown(result: InteractionResult) -> str:
    """The response and its follow-ups: content, embed titles, descriptions and fields."""
    parts: list[str] = []
    for message in ([result.original] if result.original else []) + list(result.followups):
        parts.append(message.get("content") or "")
        for embed in message.get("embeds") or []:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
    return "\n".join(parts)


async def test_why_in_another_server_never_shows_a_private_feed(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer
) -> None:
    feed_server.documents["/private"] = rss([story(77, "Studio admits AI backgrounds in anime", STORY)])
    url = feed_server.url("/private") + f"?token={SECRET}"
    added = await ask(emulator, "alerts add", {"url": url, "name": "our private feed"})
    assert "Subscribed" in await answer_text(added)

    # Server A sees its own feed.
    own = everything_shown(await ask(emulator, "alerts why", {"url": STORY}))
    assert "our private feed" in own

    # Server B follows nothing: it learns nothing about A's feed, and gets no borrowed explanation.
    result = await ask(emulator, "alerts why", {"url": STORY}, second=True)
    assert result.ephemeral
    shown = everything_shown(result)
    assert "None of this server's feeds has shown this link" in shown
    for leak in (SECRET, "token", "/private", "our private feed", "already in the feed", "Decision"):
        assert leak not in shown, leak
    assert "follows no feeds" in everything_shown(await ask(emulator, "alerts feeds", second=True))

    # In Japanese too.
    ja = await emulator.driver.command(
        "alerts why",
        {"url": STORY},
        user=SECOND_MODERATOR,
        channel=emulator.world.channel("general", guild=SECOND_SERVER),
        locale="ja",
    )
    await ja.wait()
    shown_ja = everything_shown(ja)
    assert "このサーバーが購読しているフィード" in shown_ja and SECRET not in shown_ja
    assert_clean(emulator)


async def test_a_shared_feed_shows_each_server_only_its_own_name_alerts_and_decisions(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer
) -> None:
    wire = feed_server.url("/wire")
    feed_server.documents["/wire"] = rss([], title="Wire")
    await ask(emulator, "alerts channel", {"channel": "alerts"})
    await ask(emulator, "alerts relevance", {"mode": "all"})
    await ask(emulator, "alerts add", {"url": wire, "name": "Wire as A calls it"})
    feed_server.documents["/wire"] = rss(
        [story(1, "Studio admits AI backgrounds in anime", STORY)], title="Wire"
    )
    assert (await cycle(haikei, 1000)).posted == 1
    (posted,) = emulator.messages("alerts")
    assert "Studio admits" in posted["embeds"][0]["title"]

    # B follows the same address later, under its own name: one feed row, two servers.
    await ask(emulator, "alerts add", {"url": wire, "name": "wire"}, second=True)
    mine = everything_shown(await ask(emulator, "alerts feeds", second=True))
    assert "wire" in mine and "Wire as A calls it" not in mine
    assert re.search(r"Alerts posted in this server since <t:\d+:D>: 0$", mine, re.M)  # A's alert is not B's
    theirs = everything_shown(await ask(emulator, "alerts feeds"))
    assert re.search(r"Alerts posted in this server since <t:\d+:D>: 1$", theirs, re.M)

    shown = everything_shown(await ask(emulator, "alerts why", {"url": STORY}, second=True))
    assert "wire" in shown
    for leak in ("Wire as A calls it", "Posted", "Studio admits", "discord.com/channels"):
        assert leak not in shown, leak
    own = everything_shown(await ask(emulator, "alerts why", {"url": STORY}))
    assert "Wire as A calls it" in own and "Posted" in own and "Studio admits" in own
    assert_clean(emulator)


HOSTILE = [  # distinct stories (none clusters with another), each link hostile in its own way
    story(7, "Seven studios put AI in key art", "https://exa\u202emple.com/7"),
    story(8, "Eight publishers ban AI covers", "https://news.example/8>)**"),
    story(9, "Nine @everyone festival posters were AI", "https://news.example/@everyone"),
    story(
        10,
        "Ten ](https://evil.example) [Click AI dubbing voices",
        "https://news.example/x)[y](https://evil.example",
    ),
    story(11, "Eleven manga fans fight AI translation", "https://news.example/zero\u200bwidth"),
]


async def test_item_links_in_alerts_hide_nothing(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer
) -> None:
    feed_server.documents["/a"] = rss([], title="Outlet A")
    await ask(emulator, "alerts channel", {"channel": "alerts"})
    await ask(emulator, "alerts relevance", {"mode": "all"})
    await ask(emulator, "alerts add", {"url": feed_server.url("/a"), "name": "Outlet A"})
    feed_server.documents["/a"] = rss(HOSTILE, title="Outlet A")
    assert (await cycle(haikei, 1000)).posted == len(HOSTILE)
    urls = {
        m["embeds"][0]["title"].split()[0]: m["embeds"][0].get("url") for m in emulator.messages("alerts")
    }
    assert urls["Seven"] is None and urls["Eleven"] is None  # shown unlinked, never with a hidden character
    assert urls["Eight"] == "https://news.example/8%3E)**"
    assert urls["Nine"] == "https://news.example/@everyone"
    for message in emulator.messages("alerts"):
        (record,) = emulator.allowed_mentions_for(message["id"])
        assert record.everyone is False and record.users == [] and record.roles == []
    assert_clean(emulator)


async def test_digest_links_lead_where_the_feed_said_and_cannot_break_out(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer
) -> None:
    feed_server.documents["/a"] = rss([], title="Outlet A")
    await ask(emulator, "alerts channel", {"channel": "alerts"})
    await ask(emulator, "alerts relevance", {"mode": "all"})
    await ask(
        emulator, "alerts add", {"url": feed_server.url("/a"), "name": "Src ) ] [x](https://evil.example)"}
    )
    await ask(emulator, "alerts digest", {"mode": "daily", "time": "00:00"})
    feed_server.documents["/a"] = rss(HOSTILE, title="Outlet A")
    assert (await cycle(haikei, 1000)).posted == len(HOSTILE)
    assert emulator.messages("alerts") == []
    assert (
        await haikei.get_cog("Alerts").poller.run_digests(datetime.now(UTC).replace(hour=23, minute=59)) == 1
    )
    (digest,) = emulator.messages("alerts")
    assert digest["content"] == ""
    description = digest["embeds"][0]["description"]
    lines = description.split("\n")
    assert len(lines) == len(HOSTILE)
    links = dict(MASKED_LINK.findall(description))
    targets = {label.split()[0]: target for label, target in links.items()}
    assert targets == {
        "Eight": "https://news.example/8%3E%29**",
        "Nine": "https://news.example/@everyone",  # the feed's address, not …/@\u200beveryone
        "Ten": "https://news.example/x%29[y]%28https://evil.example",
    }
    assert (
        "• Seven studios put AI in key art — " in description and "• Eleven manga" in description
    )  # unlinked
    # The visible text can neither ping nor carry hidden characters; only the label is mention-broken.
    assert "[Nine @\u200beveryone festival posters were AI](" in description
    assert plain(description.replace("\u200b", "")) == description.replace("\u200b", "")
    for line in lines:  # each line: at most one link, and the source after it stays text
        assert len(MASKED_LINK.findall(line)) <= 1
        assert line.endswith("— Src \\) \\] \\[x\\]\\(https\\://evil.example\\)")
    (record,) = emulator.allowed_mentions_for(digest["id"])
    assert record.allowed_mentions == {"parse": []}
    assert record.everyone is False and record.users == [] and record.roles == []
    assert_clean(emulator)
