"""The page itself: Discord-like select menus, its own language (chosen, or the browser's `ja`), Esc closing the
suggestion list first, a 400 px wide window, and the badge naming the permission Discord asks for."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from emulator.bootstrap import Sandbox
from tests.browser.conftest import open_page, screenshot
from tests.browser.test_sandbox_page import act_as, open_channel, run_command

pytestmark = pytest.mark.browser
TIMEOUT = 10_000


async def test_multiple_choice_is_a_list_of_check_boxes(page: Page, sandbox: Sandbox) -> None:
    await open_channel(page, "polls")
    await run_command(page, "/poll create")
    await page.fill('.option-field[data-name="question"] input', "Which styles?")
    await page.fill('.option-field[data-name="options"] input', "Painted|Photo-bashed|3D")
    await page.select_option('.option-field[data-name="method"] select', "multiple")
    await page.fill('.option-field[data-name="max_choices"] input', "2")
    await page.click("#send-button")
    poll = page.locator("li.message:not(.ephemeral)", has_text="Which styles?").last
    menu = poll.locator(".dselect")
    await expect(menu.locator(".dselect-value")).to_have_text("Choose one or more options", timeout=TIMEOUT)
    assert await poll.locator("select[multiple]").count() == 0

    await act_as(page, "carol")
    await menu.locator(".dselect-box").click()
    listbox = menu.locator('[role="listbox"]')
    await expect(listbox).to_be_visible()
    await expect(listbox.locator(".dselect-hint")).to_have_text("Choose 1–2")
    option = listbox.locator('[role="option"]')
    await option.filter(has_text="Painted").click()
    await option.filter(has_text="3D").click()
    await option.filter(has_text="Photo-bashed").click()  # a third is refused: at most two
    selected = listbox.locator('[role="option"][aria-selected="true"]')
    await expect(selected).to_have_text(["Painted", "3D"])
    await expect(menu.locator(".dselect-value")).to_have_text("Painted, 3D")
    await screenshot(page, "select-menu-open")
    await page.click("#channel-name")  # closing the list applies the choice
    await expect(listbox).to_be_hidden()
    receipt = page.locator("li.message.ephemeral", has_text="Your vote").last
    await expect(receipt).to_contain_text("Painted", timeout=TIMEOUT)
    await expect(receipt).to_contain_text("3D")
    await expect(receipt).not_to_contain_text("Photo-bashed")


async def test_select_menus_in_a_form(page: Page, sandbox: Sandbox) -> None:
    """The curator's "Facts…" form: four menus, "AI used for" taking several; values go with the form."""
    await run_command(page, "/curate edit")
    await page.fill('.option-field[data-name="id"] input', "dog-and-the-boy-2023")
    await page.click("#send-button")
    draft = page.locator("li.message.ephemeral", has_text="dog-and-the-boy-2023").last
    await draft.locator("button.component-button", has_text="Facts…").click(timeout=TIMEOUT)
    dialog = page.locator("#modal")
    await expect(dialog.locator(".dselect")).to_have_count(4)
    uses = dialog.locator('.dselect[data-name="ai_uses"]')
    before = await uses.locator('[aria-selected="true"]').evaluate_all(
        "els => els.map((e) => e.dataset.value)"
    )
    assert before
    await uses.locator(".dselect-box").click()
    added = uses.locator('[role="option"][aria-selected="false"]').first
    value = await added.get_attribute("data-value")
    await added.click()
    await expect(uses.locator(".dselect-list")).to_be_visible()  # several may be chosen: the list stays open
    await dialog.locator(".modal-title").click()
    await expect(uses.locator(".dselect-list")).to_be_hidden()
    await expect(dialog).to_be_visible()  # closing a list does not submit a form
    await page.click("#modal-submit")
    await expect(dialog).to_be_hidden()
    submitted = [r for r in sandbox.emulator.interactions.values() if r.type == 5][-1]
    await submitted.wait()
    parts = [c["component"] for c in submitted.payload["data"]["components"]]
    chosen = {p["custom_id"]: p["values"] for p in parts if "values" in p}
    assert set(chosen) == {"status", "medium", "ai_uses", "confidence"}
    assert set(chosen["ai_uses"]) == {*before, value}
    assert all(len(chosen[name]) == 1 for name in ("status", "medium", "confidence"))


async def test_page_follows_the_browsers_japanese_and_the_chosen_language(
    browser: Browser, sandbox: Sandbox
) -> None:
    async with open_page(browser, sandbox, locale="ja-JP") as page:
        await expect(page.locator("html")).to_have_attribute("lang", "ja")
        await expect(page.locator("#locale-select")).to_have_value("ja")
        await expect(page.locator("#send-button")).to_have_text("送信")
        await expect(page.locator(".sidebar-heading")).to_have_text("テキストチャンネル")
        await expect(page.locator("#banner")).to_contain_text("ローカルのサンドボックス")
        await expect(page.locator("#me-summary")).to_have_text(
            "mod — Haikei Test Server のモデレーター、キュレーター（ボットのオーナー）"
        )
        await page.locator("#composer-input").fill("/")
        await expect(page.locator("#command-popup .popup-heading")).to_have_text("Haikei のコマンド")
        await expect(page.locator('.command-item[data-path="help"] .command-name')).to_have_text("/ヘルプ")
        await screenshot(page, "page-in-japanese")
        await page.locator("#composer-input").press("Escape")
        await page.select_option("#locale-select", "en-US")
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.locator("#send-button")).to_have_text("Send")
        await expect(page.locator(".sidebar-heading")).to_have_text("Text channels")
        await expect(page.locator("#me-summary")).to_have_text(
            "mod — moderator of Haikei Test Server, curator (the bot's owner)"
        )


async def test_escape_closes_the_suggestion_list_first(page: Page) -> None:
    box = page.locator("#composer-input")
    await box.fill("/disclosure look")
    await expect(page.locator("#command-popup")).to_be_visible()
    await box.press("Escape")
    await expect(page.locator("#command-popup")).to_be_hidden()
    await expect(box).to_have_value("/disclosure look")  # only the list closed
    await box.press("Enter")
    await expect(page.locator("#command-popup")).to_be_visible()
    await box.press("Enter")
    query = page.locator('.option-field[data-name="query"] input')
    await query.press_sequentially("dog and", delay=20)
    suggestions = page.locator('.option-field[data-name="query"] .autocomplete')
    await expect(suggestions.locator(".autocomplete-item").first).to_be_visible(timeout=TIMEOUT)
    await query.press("Escape")
    await expect(suggestions).to_be_hidden()
    await expect(page.locator("#command-form")).to_be_visible()
    await expect(query).to_have_value("dog and")
    await query.press("Escape")
    await expect(page.locator("#command-form")).to_be_hidden()


async def test_usable_in_a_400_px_window(browser: Browser, sandbox: Sandbox) -> None:
    async with open_page(browser, sandbox, viewport={"width": 400, "height": 800}) as page:
        assert await page.evaluate("document.documentElement.scrollWidth") <= 400
        chat = await page.locator("#chat").bounding_box()
        assert chat is not None and chat["width"] >= 390
        await expect(page.locator("#sidebar")).not_to_be_in_viewport()
        await page.click("#nav-toggle")
        await expect(page.locator("#sidebar")).to_be_in_viewport()
        await page.click('button.channel[data-name="polls"]')
        await expect(page.locator("#channel-name")).to_have_text("polls")
        await expect(page.locator("#sidebar")).not_to_be_in_viewport()
        await run_command(page, "/help")
        embed = page.locator("li.message.ephemeral .embed").last
        await expect(embed).to_be_visible(timeout=TIMEOUT)
        box = await embed.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 400
        assert await page.evaluate("document.documentElement.scrollWidth") <= 400
        await screenshot(page, "page-400px")
        await page.click("#nav-toggle")
        await page.select_option("#user-select", label="alice")
        await expect(page.locator("#me-summary")).to_contain_text("alice")


async def test_the_permission_badge_names_what_discord_asks_for(browser: Browser, sandbox: Sandbox) -> None:
    """Commands Discord lists only for members with Manage Server say so; none is called a "moderators" command
    (/curate is for curators, whom Haikei checks itself), and those anyone sees have no badge."""
    registered = sandbox.emulator.world.commands[None]
    flagged = {
        name: c["default_member_permissions"]
        for (name, kind), c in registered.items()
        if kind == 1 and c["default_member_permissions"]
    }
    assert {"alerts", "config", "poll-manage", "submissions", "curate"} <= set(flagged)
    assert {str(v) for v in flagged.values()} == {"32"}  # Manage Server
    async with open_page(browser, sandbox) as page:
        await page.locator("#composer-input").fill("/")
        items = page.locator("#command-popup .command-item")
        await expect(items.first).to_be_visible()
        paths = await items.evaluate_all(
            "els => els.map((e) => [e.dataset.path, e.querySelector('.badge')?.textContent ?? null])"
        )
        assert len(paths) > 30
        for path, badge in paths:
            assert badge == ("Manage Server" if path.split()[0] in flagged else None), path
        await expect(items.locator(".badge", has_text=re.compile("moderator", re.IGNORECASE))).to_have_count(
            0
        )
        box = page.locator("#composer-input")
        for path, badged in (("curate review", True), ("alerts channel", True), ("help", False)):
            await box.fill(f"/{path}")
            await expect(items.first).to_be_visible()
            await box.press("Tab")  # pick it without running it
            await expect(page.locator("#command-pill")).to_have_text(f"/{path}")
            badge = page.locator("#command-badge .badge")
            await expect(badge).to_have_count(1 if badged else 0)
            if badged:
                await expect(badge).to_have_text("Manage Server")
                await expect(badge).to_have_attribute(
                    "title", re.compile("only for members with Manage Server")
                )
            await page.click("#command-cancel")
    async with open_page(browser, sandbox, locale="ja-JP") as page:
        await page.locator("#composer-input").fill("/curate review")
        await expect(page.locator('.command-item[data-path="curate review"] .badge')).to_have_text(
            "サーバー管理"
        )
