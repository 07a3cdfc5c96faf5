"""What /alerts and /config say when something is wrong: one plain sentence, never an exception's text."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from bot.client import Haikei
from cogs.alerts import store
from emulator.emulator import Emulator
from tests.e2e.helpers import answer_text, assert_clean

pytestmark = pytest.mark.e2e

RAW_AIOHTTP = ("Cannot connect", "Connect call failed", "ClientConnector", "ssl:default", "Errno", "refused:")


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 (allowed by the test settings' FEED_ALLOW_HOSTS) where nothing listens."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused, nobody takes it
        yield holder.getsockname()[1]


async def run(emulator: Emulator, path: str, options: dict[str, Any] | None = None, locale: str = "en-US"):
    result = await emulator.driver.command(path, options, user="mod", locale=locale)
    return result, await answer_text(result)


async def test_adding_an_unreachable_feed_says_why_in_a_sentence(
    haikei: Haikei, emulator: Emulator, closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"http://127.0.0.1:{closed_port}/feed"
    with caplog.at_level(logging.INFO, logger="cogs.alerts"):
        result, english = await run(emulator, "alerts add", {"url": url})
    assert result.ephemeral
    assert english == (
        "I could not fetch that feed: nothing answered at that address (the server refused the connection)."
        " Check the address and port, or try again later."
    )
    _, japanese = await run(emulator, "alerts add", {"url": url}, locale="ja")
    assert japanese.startswith("フィードを取得できませんでした: そのアドレスでは何も応答しませんでした")
    for shown in (english, japanese):
        assert not [raw for raw in RAW_AIOHTTP if raw in shown], shown
    # The exception text is in the log instead, with who asked, in which server, for which URL.
    logged = [r.getMessage() for r in caplog.records if "refused" in r.getMessage() and url in r.getMessage()]
    assert logged and ("Connect call failed" in logged[0] or "Cannot connect" in logged[0])
    guild_id = emulator.world.guild_of(emulator.world.channel("general")).id
    assert str(guild_id) in logged[0] and str(emulator.world.user("mod").id) in logged[0]
    assert await haikei.db.run(store.count_feeds) == 0
    assert_clean(emulator)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "news.example/s/2",
            "does not start with http:// or https://. Did you mean https://news.example/s/2?",
        ),
        ("ftp://news.example/s/2", "it is a ftp: link"),
        ("https://", "it has no site name"),
        ("", "it is empty"),
    ],
)
async def test_why_says_what_is_wrong_with_the_link(
    haikei: Haikei, emulator: Emulator, url: str, expected: str
) -> None:
    result, escaped = await run(emulator, "alerts why", {"url": url})
    text = re.sub(r"\\(.)", r"\1", escaped)  # as Discord renders it: "https\://" reads "https://"
    assert result.ephemeral and text.startswith("I can't look up that link: ")
    assert expected in text and "feed" not in text.lower()


async def test_config_show_says_whether_alerts_are_paused(haikei: Haikei, emulator: Emulator) -> None:
    async def fields() -> dict[str, str]:
        result = await emulator.driver.command("config show", user="mod")
        await result.wait()
        return {f["name"]: f["value"] for f in result.embeds[0]["fields"]}

    shown = await fields()
    assert shown["Alerts paused"] == "No" and shown["Alert relevance"] == "strict"
    await run(emulator, "alerts pause")
    assert (await fields())["Alerts paused"] == "Yes"
    guild_id = emulator.world.guild_of(emulator.world.channel("general")).id
    japanese = dict(await haikei.get_cog("Alerts").config_fields(guild_id, "ja"))  # type: ignore[union-attr]
    assert japanese["alerts.config.paused"] == "はい"
    assert_clean(emulator)
