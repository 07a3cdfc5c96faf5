"""Drive the sandbox page in headless Chromium: commands, autocomplete, a poll voted on by clicking."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from bot.extensions import EXTENSIONS
from emulator.bootstrap import Sandbox
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
TIMEOUT = 10_000


async def act_as(page: Page, name: str) -> None:
    user_id = await _user_id(page, name)
    await page.select_option("#user-select", value=user_id)
    await page.wait_for_function("(n) => document.body.dataset.live === n", arg=user_id)


async def _user_id(page: Page, name: str) -> str:
    return await page.eval_on_selector(f'#user-select option[data-name="{name}"]', "o => o.value")


async def open_channel(page: Page, name: str) -> None:
    await page.click(f'button.channel[data-name="{name}"]')
    await expect(page.locator("#channel-name")).to_have_text(name)


async def run_command(page: Page, typed: str) -> None:
    """Type ``/...`` in the message box and pick the command from the `/` menu with Enter."""
    box = page.locator("#composer-input")
    await box.fill(typed)
    await expect(page.locator("#command-popup .command-item").first).to_be_visible(timeout=TIMEOUT)
    await box.press("Enter")


async def test_help_lookup_and_poll_voting(page: Page, sandbox: Sandbox) -> None:
    assert {"cogs.disclosures", "cogs.polls"} <= set(EXTENSIONS)
    assert not sandbox.bot.failed_extensions
    # the `/` menu lists the bot's real command tree with descriptions
    await page.locator("#composer-input").fill("/")
    popup = page.locator("#command-popup")
    await expect(popup.locator('.command-item[data-path="help"] .command-desc')).to_have_text(
        "List Haikei's commands, grouped by feature"
    )
    await expect(popup.locator('.command-item[data-path="alerts channel"]')).to_have_count(1)

    # /help answers with an embed only the invoker sees; members never see moderator commands
    await act_as(page, "alice")
    await page.locator("#composer-input").fill("/")
    await expect(popup.locator('.command-item[data-path="help"]')).to_have_count(1)
    await expect(popup.locator('.command-item[data-path^="alerts"]')).to_have_count(0)
    await run_command(page, "/help")
    reply = page.locator("li.message.ephemeral").last
    await expect(reply.locator(".embed-title")).to_be_visible(timeout=TIMEOUT)
    await expect(reply.locator(".ephemeral-note")).to_have_text("Only you can see this")
    await expect(reply.locator(".used-command")).to_contain_text("alice used /help")
    await expect(reply.locator(".embed-field-name").first).to_be_visible()

    # the ephemeral reply is not shown to another member
    await act_as(page, "bob")
    await expect(page.locator("li.message.ephemeral")).to_have_count(0)

    # message text is escaped, never interpreted as HTML (markdown still renders)
    hostile = '<img src=x onerror="document.body.dataset.pwned=1"> **bold** \\[Demo\\]'
    await page.locator("#composer-input").fill(hostile)
    await page.locator("#composer-input").press("Enter")
    posted = page.locator("li.message", has_text="onerror").last
    await expect(posted.locator(".content strong")).to_have_text("bold", timeout=TIMEOUT)
    await expect(posted.locator(".content")).to_contain_text(
        '<img src=x onerror="document.body.dataset.pwned=1">'
    )
    await expect(posted.locator(".content")).to_contain_text("[Demo]")
    assert await posted.locator("img").count() == 0
    assert await page.evaluate("document.body.dataset.pwned") is None

    await run_command(page, "/disclosure lookup")
    field = page.locator(".option-field.has-autocomplete input").first
    await field.press_sequentially("dog and the", delay=20)
    suggestion = page.locator(".autocomplete-item", has_text="The Dog & The Boy").first
    await expect(suggestion).to_be_visible(timeout=TIMEOUT)
    await suggestion.click()
    await page.click("#send-button")
    card = page.locator("li.message .embed", has_text="The Dog & The Boy").last
    await expect(card).to_be_visible(timeout=TIMEOUT)
    await expect(card).to_contain_text("WIT Studio")

    await open_channel(page, "polls")
    # a member may not create polls: the server-side check answers, privately
    await run_command(page, "/poll create")
    await page.fill('.option-field[data-name="question"] input', "Best background style?")
    await page.fill('.option-field[data-name="options"] input', "Painted|Photo-bashed")
    await page.click("#send-button")
    refusal = page.locator("li.message.ephemeral").last
    await expect(refusal).to_be_visible(timeout=TIMEOUT)
    assert not sandbox.emulator.messages("polls")

    await act_as(page, "mod")
    await run_command(page, "/poll create")
    await page.fill('.option-field[data-name="question"] input', "Best background style?")
    await page.fill('.option-field[data-name="options"] input', "Painted|Photo-bashed")
    await page.click("#send-button")
    poll = page.locator("li.message:not(.ephemeral)", has_text="Best background style?").last
    vote = poll.locator("button.component-button", has_text="Painted").first
    await expect(vote).to_be_visible(timeout=TIMEOUT)

    await act_as(page, "carol")
    await vote.click()
    confirmation = page.locator("li.message.ephemeral").last
    await expect(confirmation).to_be_visible(timeout=TIMEOUT)
    await expect(
        page.locator("li.message:not(.ephemeral)", has_text="Best background style?").last
    ).to_contain_text("1", timeout=TIMEOUT)

    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "sandbox-page.png"), full_page=True)

    # Second Server: the page arrives as its moderator rin, who is not a curator, and /help answers there
    await page.select_option("#guild-select", label="Second Server")
    rin = str(sandbox.emulator.world.user("rin").id)
    await page.wait_for_function("(n) => document.body.dataset.live === n", arg=rin)
    await expect(page.locator("#me-summary")).to_have_text("rin — moderator of Second Server, not a curator")
    await expect(page.locator("#persona-list")).to_contain_text(
        "mod — moderator of Haikei Test Server, curator (the bot's owner)"
    )
    await expect(page.locator("#channel-name")).to_have_text("general")
    await run_command(page, "/help")
    answer = page.locator("li.message.ephemeral").last
    await expect(answer.locator(".used-command")).to_contain_text("rin used /help", timeout=TIMEOUT)
    second = sandbox.emulator.world.get_guild("Second Server")
    asked = [r for r in sandbox.emulator.interactions.values() if r.label == "/help"]
    assert asked[-1].payload["guild_id"] == str(second.id)
    assert asked[-1].payload["member"]["user"]["id"] == rin
    assert not sandbox.emulator.limit_violations
    assert not sandbox.emulator.deadline_misses
