""" "Draft a record" on alerts: any member gets the pre-filled /disclosure submit form and can queue it."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.client import Haikei
from bot.extensions import EXTENSIONS
from bot.settings import Settings
from cogs.disclosures import submissions
from emulator.emulator import Emulator
from tests.cogs.alerts.feedserver import FeedServer, rss
from tests.e2e.helpers import answer_text, assert_clean, running_haikei

pytestmark = pytest.mark.e2e

HEADLINE = "Indie studio confirms generative AI backgrounds in its new anime short"
LINK = "https://news.example/s/41"


async def post_alert(bot: Haikei, emulator: Emulator, feed_server: FeedServer) -> dict[str, Any]:
    """Subscribe (silently), then let one relevant story arrive and be posted in #alerts."""
    feed_server.documents["/a"] = rss([], title="Outlet A")
    await (await emulator.driver.command("alerts channel", {"channel": "alerts"}, user="mod")).wait()
    await answer_text(await emulator.driver.command("alerts add", {"url": feed_server.url("/a")}, user="mod"))
    story = {"title": HEADLINE, "link": LINK, "guid": "s-41", "date": "Mon, 06 Jan 2025 10:00:00 GMT"}
    feed_server.documents["/a"] = rss([story], title="Outlet A")
    cog = bot.get_cog("Alerts")
    cog.poller.clock = lambda: time.time() + 1000  # type: ignore[union-attr]
    await cog.poller.run_once()  # type: ignore[union-attr]
    return await emulator.wait_for_message("alerts")


def button_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message.get("components") or [] for c in row["components"]]


def text_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """The modal's text inputs in order, each with its label (from a Label wrapper or the input itself)."""
    found: list[dict[str, Any]] = []

    def walk(component: dict[str, Any], label: str | None) -> None:
        if component.get("type") == 4:
            found.append({**component, "label": component.get("label") or label})
        for child in component.get("components") or []:
            walk(child, label)
        if component.get("component"):
            walk(component["component"], component.get("label"))

    for component in modal["components"]:
        walk(component, None)
    return found


async def test_a_member_drafts_a_record_from_an_alert(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer
) -> None:
    message = await post_alert(haikei, emulator, feed_server)
    draft_id = next(i for i in button_ids(message) if i.startswith("alerts:draft:"))

    opened = await (await emulator.driver.click(message, draft_id, user="alice")).wait()
    assert opened.modal is not None, opened.content  # no "moderators only"
    inputs = {field["label"]: field for field in text_inputs(opened.modal)}

    def field(name: str) -> dict[str, Any]:  # by the submit form's own (English) label
        return inputs[haikei.i18n.text(f"disclosures.submit.{name}_label", "en")]

    assert field("title").get("value") == HEADLINE
    assert field("sources").get("value") == LINK
    notes = field("notes").get("value") or ""
    assert "Outlet A" in notes and HEADLINE in notes
    assert not field("uses").get("value")  # what AI was used for is the member's to say

    uses = field("uses")["custom_id"]
    sent = await emulator.driver.submit_modal(opened, {uses: "Backgrounds, per the studio's statement"})
    assert "Submission **#1**" in await answer_text(sent)
    alice = emulator.world.user("alice").id
    (queued,) = await haikei.db.run(submissions.of_submitter, alice)
    assert queued["state"] == "pending" and queued["kind"] == "new"
    assert queued["source_urls"] == [LINK] and queued["title"] == HEADLINE
    assert_clean(emulator)


async def test_alerts_work_without_the_disclosures_cog(
    settings: Settings, emulator: Emulator, feed_server: FeedServer
) -> None:
    without = tuple(e for e in EXTENSIONS if e != "cogs.disclosures")
    async with running_haikei(settings, emulator, extensions=without) as bot:
        assert bot.get_cog("Disclosures") is None
        message = await post_alert(bot, emulator, feed_server)
        assert message["embeds"][0]["title"] == HEADLINE
        assert not [i for i in button_ids(message) if i.startswith(("alerts:draft:", "alerts:rec:"))]
    assert_clean(emulator)
