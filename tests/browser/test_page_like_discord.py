"""The page behaves as Discord's client: suggestions asked for on focus, Enter that never runs a group, the
suggestion list beside (not over) the command, links only for full URLs, ephemeral messages that can be dismissed
and are gone after a reload, the bot's direct messages, commands found by their Japanese names, and the whole
persona shown in "Acting as"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from emulator.bootstrap import Sandbox
from tests.browser.conftest import open_page, screenshot
from tests.browser.test_sandbox_page import act_as, open_channel, run_command

pytestmark = pytest.mark.browser
TIMEOUT = 10_000


async def pick(page: Page, typed: str) -> None:
    """Put ``/...`` in the message box and take the highlighted command with Tab (never runs it)."""
    box = page.locator("#composer-input")
    await box.fill(typed)
    await expect(page.locator("#command-popup .command-item").first).to_be_visible(timeout=TIMEOUT)
    await box.press("Tab")


def focused_option(options: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The option an autocomplete interaction is about (``focused``), under any subcommand."""
    for option in options:
        if option.get("focused"):
            return option
        found = focused_option(option.get("options") or [])
        if found is not None:
            return found
    return None


async def test_an_autocomplete_option_asks_for_suggestions_as_soon_as_it_is_focused(
    page: Page, sandbox: Sandbox
) -> None:
    made = await sandbox.emulator.driver.command(
        "poll create", {"question": "Favourite brush?", "options": "Round|Flat"}, user="mod", channel="polls"
    )
    await made.wait()
    await open_channel(page, "polls")
    await pick(page, "/poll results")
    field = page.locator('.option-field[data-name="poll"]')
    await expect(field.locator("input")).to_be_focused()
    # nothing typed yet: the bot was asked with an empty value, and its choices are offered
    await expect(field.locator(".autocomplete-item", has_text="Favourite brush?")).to_be_visible(
        timeout=TIMEOUT
    )
    await expect(field.locator("input")).to_have_value("")
    asked = [r for r in sandbox.emulator.interactions.values() if r.type == 4]
    assert asked and asked[0].label.startswith("/poll results")
    option = focused_option(asked[0].payload["data"]["options"])
    assert option is not None and option["name"] == "poll" and option["value"] == ""
    await screenshot(page, "autocomplete-on-focus")

    # leaving the field closes the list; coming back asks again
    await page.click("#command-description")
    await expect(field.locator(".autocomplete")).to_be_hidden()
    await field.locator("input").focus()
    await expect(field.locator(".autocomplete-item", has_text="Favourite brush?")).to_be_visible(
        timeout=TIMEOUT
    )
    await field.locator(".autocomplete-item", has_text="Favourite brush?").click()
    await page.click("#send-button")
    results = page.locator("li.message", has_text="Favourite brush?").last
    await expect(results.locator(".used-command")).to_contain_text("mod used /poll results", timeout=TIMEOUT)


async def test_enter_runs_only_a_command_named_in_full(page: Page, sandbox: Sandbox) -> None:
    await act_as(page, "bob")
    box = page.locator("#composer-input")
    form = page.locator("#command-form")
    before = len(sandbox.emulator.interactions)

    # a group: Enter puts its highlighted (first) command in the box, to be checked; nothing runs
    await box.fill("/privacy")
    await expect(page.locator("#command-popup .command-item").first).to_have_attribute(
        "data-path", "privacy delete"
    )
    await box.press("Enter")
    await expect(form).to_be_visible()
    await expect(page.locator("#command-pill")).to_have_text("/privacy delete")
    await expect(box).to_have_attribute("placeholder", "Press Enter to send")
    await page.click("#command-cancel")
    await expect(form).to_be_hidden()

    await box.fill("/disclosure")
    await expect(page.locator("#command-popup .command-item").first).to_be_visible()
    await box.press("Enter")
    await expect(page.locator("#command-pill")).to_have_text("/disclosure check-image")
    await expect(page.locator('.option-field[data-name="file"] input[type=file]')).to_be_visible()
    await page.click("#command-cancel")

    # part of a name, and the highlight moved: Enter takes the highlighted one; the next Enter sends it
    await box.fill("/priv")
    await expect(page.locator("#command-popup .command-item")).to_have_count(2)
    await box.press("ArrowDown")
    await box.press("Enter")
    await expect(page.locator("#command-pill")).to_have_text("/privacy show")
    assert len(sandbox.emulator.interactions) == before  # nothing was run so far
    await box.press("Enter")
    shown = page.locator("li.message.ephemeral").last
    await expect(shown.locator(".used-command")).to_contain_text("bob used /privacy show", timeout=TIMEOUT)
    await expect(form).to_be_hidden()

    # a command named in full runs at once
    await run_command(page, "/about")
    about = page.locator("li.message", has=page.locator(".used-command", has_text="bob used /about"))
    await expect(about).to_have_count(1, timeout=TIMEOUT)
    labels = [r.label for r in list(sandbox.emulator.interactions.values())[before:]]
    assert labels == ["/privacy show", "/about"]


@pytest.mark.parametrize("width", [1280, 400])
async def test_suggestions_never_cover_the_command_or_its_cancel_button(
    browser: Browser, sandbox: Sandbox, width: int
) -> None:
    async with open_page(browser, sandbox, viewport={"width": width, "height": 860}) as page:
        await run_command(page, "/disclosure lookup")
        query = page.locator('.option-field[data-name="query"] input')
        await query.press_sequentially("dog and", delay=20)
        suggestions = page.locator('.option-field[data-name="query"] .autocomplete')
        await expect(suggestions.locator(".autocomplete-item").first).to_be_visible(timeout=TIMEOUT)
        listed = await suggestions.bounding_box()
        form = await page.locator("#command-form").bounding_box()
        messages = await page.locator("#messages").bounding_box()
        assert listed is not None and form is not None and messages is not None
        assert listed["y"] + listed["height"] <= form["y"]  # above the command's name, its ✕ and its fields
        assert listed["y"] >= messages["y"]  # and inside the chat, under the channel's header
        on_cancel = await page.evaluate(
            """() => {
              const r = document.querySelector("#command-cancel").getBoundingClientRect();
              return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.id;
            }"""
        )
        assert on_cancel == "command-cancel"
        await screenshot(page, f"autocomplete-above-the-command-{width}px")
        await page.click("#command-cancel")
        await expect(page.locator("#command-form")).to_be_hidden()
        await expect(query).to_have_count(0)


async def test_only_full_urls_become_links(page: Page) -> None:
    text = (
        "Paste the story's full link, starting with https://. Not https:// alone, <https://> "
        "or [this](https://), but https://example.com/story is a link."
    )
    await page.locator("#composer-input").fill(text)
    await page.locator("#composer-input").press("Enter")
    posted = page.locator("li.message", has_text="Paste the story's full link").last
    links = posted.locator(".content a")
    await expect(links).to_have_count(1, timeout=TIMEOUT)
    await expect(links).to_have_attribute("href", "https://example.com/story")
    await expect(posted.locator(".content")).to_have_text(text)


async def test_ephemeral_messages_can_be_dismissed_and_are_gone_after_a_reload(
    page: Page, sandbox: Sandbox
) -> None:
    ephemeral = page.locator("li.message.ephemeral")
    await run_command(page, "/help")
    reply = ephemeral.last
    await expect(reply.locator(".ephemeral-note")).to_have_text("Only you can see this", timeout=TIMEOUT)
    dismiss = reply.locator("button.dismiss")
    await expect(dismiss).to_have_text("Dismiss message")
    await screenshot(page, "ephemeral-dismiss")
    await dismiss.click()
    await expect(ephemeral).to_have_count(0)
    await open_channel(page, "polls")
    await open_channel(page, "general")
    await expect(page.locator("li.message")).to_have_count(0)  # dismissed stays dismissed

    # the session keeps the ones not dismissed, across channels...
    await run_command(page, "/privacy show")
    await expect(ephemeral).to_have_count(1, timeout=TIMEOUT)
    await open_channel(page, "polls")
    await open_channel(page, "general")
    await expect(ephemeral).to_have_count(1)

    # ...and a reload drops them, as Discord's client does (the emulator still holds them)
    await page.reload()
    await page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    await expect(page.locator("li.message")).to_have_count(0)
    mod = str(sandbox.emulator.world.user("mod").id)
    kept = [m for m in sandbox.emulator.ephemeral.values() if m["interaction_metadata"]["user"]["id"] == mod]
    assert len(kept) == 2

    # new ones come as before
    await run_command(page, "/privacy show")
    await expect(ephemeral).to_have_count(1, timeout=TIMEOUT)


async def test_the_bots_direct_messages_are_under_direct_messages(page: Page, sandbox: Sandbox) -> None:
    await act_as(page, "alice")
    entry = page.locator("#dms .dm-entry")
    await expect(page.locator(".dm-heading")).to_have_text("Direct messages")
    await expect(entry.locator(".dm-name")).to_have_text("Haikei")
    # Haikei writes to alice (as it does about her submissions), while she reads #general
    alice = await sandbox.bot.fetch_user(sandbox.emulator.world.user("alice").id)
    await alice.send("Your submission #3 was approved. Thank you!")
    await expect(entry).to_have_class(re.compile(r"\bunread\b"), timeout=TIMEOUT)
    await expect(page.locator("#channel-name")).to_have_text("general")
    await entry.click()
    await expect(entry).to_have_class(re.compile(r"\bactive\b"))
    await expect(page.locator("#place-mark")).to_have_text("@")
    await expect(page.locator("#channel-name")).to_have_text("Haikei")
    dm = page.locator("li.message").last
    await expect(dm).to_contain_text("Your submission #3 was approved. Thank you!", timeout=TIMEOUT)
    await expect(dm.locator(".author")).to_have_text("Haikei")
    await expect(page.locator("#composer-input")).to_have_attribute(
        "placeholder", re.compile("^Message @Haikei")
    )
    # the commands Haikei offers in a DM work there
    await run_command(page, "/help")
    await expect(page.locator("li.message.ephemeral .used-command")).to_contain_text(
        "alice used /help", timeout=TIMEOUT
    )
    await screenshot(page, "direct-messages")

    # bob is not in alice's DM: his page goes to the server, and his own DM with Haikei is empty
    await act_as(page, "bob")
    await expect(page.locator("#channel-name")).to_have_text("general")
    await expect(page.locator("li.message", has_text="Your submission #3")).to_have_count(0)
    await entry.click()
    await expect(page.locator("#channel-name")).to_have_text("Haikei")
    await expect(page.locator("#messages .dm-start")).to_have_text(
        "This is the beginning of your direct message history with Haikei."
    )
    await expect(page.locator("li.message")).to_have_count(0)
    alice_dm, bob_dm = (sandbox.emulator.world.dm_channel(name) for name in ("alice", "bob"))
    assert alice_dm.id != bob_dm.id
    assert next(iter(alice_dm.messages.values()))["author"]["username"] == "Haikei"


async def test_a_subcommand_is_found_by_its_japanese_name(browser: Browser, sandbox: Sandbox) -> None:
    async with open_page(browser, sandbox, locale="ja-JP") as page:
        box = page.locator("#composer-input")
        items = page.locator("#command-popup .command-item")
        for typed in ("/照会", "/lookup"):
            await box.fill(typed)
            await expect(items).to_have_count(1)
            await expect(items.first).to_have_attribute("data-path", "disclosure lookup")
        await screenshot(page, "japanese-subcommand-search")
        await box.press("Enter")
        await expect(page.locator('.option-field[data-name="query"]')).to_be_visible()


# The persona's label as it would show with room enough, against the width the select has.
FITS = """() => {
  const select = document.querySelector("#user-select");
  const probe = select.cloneNode(false);
  probe.removeAttribute("id");
  probe.style.font = getComputedStyle(select).font;
  probe.style.width = "auto";
  probe.style.maxWidth = "none";
  probe.style.position = "absolute";
  probe.style.visibility = "hidden";
  const option = document.createElement("option");
  option.textContent = select.selectedOptions[0].textContent;
  probe.append(option);
  select.parentElement.append(probe);
  const needed = probe.offsetWidth;
  probe.remove();
  return [option.textContent, needed, select.offsetWidth];
}"""


@pytest.mark.parametrize(
    ("locale", "label"),
    [("en-US", "mod (moderator, curator)"), ("ja-JP", "mod (モデレーター, キュレーター)")],
)
async def test_acting_as_shows_the_whole_persona(
    browser: Browser, sandbox: Sandbox, locale: str, label: str
) -> None:
    async with open_page(browser, sandbox, locale=locale) as page:  # 1280 px wide
        await page.evaluate("document.fonts.ready.then(() => true)")
        shown, needed, width = await page.evaluate(FITS)
        assert shown == label
        assert needed <= width, f"{label!r} needs {needed} px, the box is {width} px"
        await screenshot(page, f"acting-as-{locale}")
