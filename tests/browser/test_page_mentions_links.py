"""Command mentions render as localized, clickable chips; `<url>` links and Discord channel/message links work."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from bot.replies import command_ids
from emulator.bootstrap import Sandbox
from tests.browser.conftest import open_page, screenshot
from tests.browser.test_sandbox_page import act_as, open_channel, run_command

pytestmark = pytest.mark.browser
TIMEOUT = 10_000


def shown_name(sandbox: Sandbox, path: str, locale: str) -> str:
    """How Discord's client names ``path`` (``config pollers``) for a ``locale`` reader."""
    root, *subs = path.split()
    node: dict[str, Any] = sandbox.emulator.world.commands[None][(root, 1)]
    names = [(node.get("name_localizations") or {}).get(locale) or node["name"]]
    for sub in subs:
        node = next(o for o in node["options"] if o["name"] == sub)
        names.append((node.get("name_localizations") or {}).get(locale) or node["name"])
    return "/" + " ".join(names)


async def test_command_mentions_are_localized_and_open_the_command(
    browser: Browser, sandbox: Sandbox
) -> None:
    await asyncio.wait_for(command_ids(sandbox.bot).known.wait(), 10)
    async with open_page(browser, sandbox, locale="ja-JP") as page:
        await act_as(page, "alice")
        await open_channel(page, "polls")
        await run_command(page, "/poll create")
        await page.fill('.option-field[data-name="question"] input', "Q")
        await page.fill('.option-field[data-name="options"] input', "A|B")
        await page.click("#send-button")
        refusal = page.locator("li.message.ephemeral").last
        chip = refusal.locator('button.command-mention[data-path="config pollers"]')
        await expect(chip).to_have_text(shown_name(sandbox, "config pollers", "ja"), timeout=TIMEOUT)
        assert shown_name(sandbox, "config pollers", "ja") != "/config pollers"
        await expect(refusal.locator(".content")).not_to_contain_text("</")
        await chip.click()  # alice does not have /config here: the page says so, as Discord's client would
        await expect(page.locator(".toast").last).to_have_text(
            shown_name(sandbox, "config pollers", "ja") + " はここでは使えません"
        )
        await expect(page.locator("#command-form")).to_be_hidden()

        await act_as(page, "mod")
        await run_command(page, "/help")
        listing = page.locator("li.message.ephemeral").last
        lookup = listing.locator('button.command-mention[data-path="disclosure lookup"]')
        await expect(lookup).to_have_text(shown_name(sandbox, "disclosure lookup", "ja"), timeout=TIMEOUT)
        await expect(listing.locator(".embed")).not_to_contain_text("`/")
        await screenshot(page, "command-mentions-ja")
        await lookup.click()
        await expect(page.locator("#command-pill")).to_have_text(
            shown_name(sandbox, "disclosure lookup", "ja")
        )
        await expect(page.locator('.option-field[data-name="query"]')).to_be_visible()

        await page.select_option("#locale-select", "en-US")
        await expect(lookup).to_have_text("/disclosure lookup")
        await expect(page.locator("#send-button")).to_have_text("Send")
    assert sandbox.emulator.broken_command_mentions == []


async def test_angle_bracket_links_and_discord_links(page: Page, sandbox: Sandbox) -> None:
    emulator = sandbox.emulator
    guild = emulator.world.guild
    alerts = emulator.world.channel("alerts")
    story = emulator.post_as("bob", "alerts", "an alert to jump to")
    link = f"https://discord.com/channels/{guild.id}/{alerts.id}/{story['id']}"
    await page.locator("#composer-input").fill(
        f"Source: <https://example.com/a?b=1&c=2>. Posted in <#{alerts.id}> today: {link}"
    )
    await page.locator("#composer-input").press("Enter")
    posted = page.locator("li.message", has_text="Source:").last
    plain = posted.locator('.content a[href="https://example.com/a?b=1&c=2"]')
    await expect(plain).to_have_text("https://example.com/a?b=1&c=2", timeout=TIMEOUT)
    text = await posted.locator(".content").inner_text()
    assert "&gt" not in text and "<" not in text and ">;" not in text
    assert text.startswith(
        "Source: https://example.com/a?b=1&c=2. Posted in #alerts today: #alerts › message"
    )
    assert await posted.locator('a[href^="https://discord.com"]').count() == 0  # no trip to discord.com
    await screenshot(page, "links")

    await posted.locator("a.channel-link[data-message]").click()
    await expect(page.locator("#channel-name")).to_have_text("alerts")
    await expect(page.locator(f'li.message[data-id="{story["id"]}"]')).to_have_class("message highlight")

    await open_channel(page, "general")
    await (
        page.locator("li.message", has_text="Source:")
        .last.locator("a.channel-link:not([data-message])")
        .click()
    )
    await expect(page.locator("#channel-name")).to_have_text("alerts")
