"""Images in the page: a member attaches one (the + button or drag-and-drop), and "Check image for AI metadata"
reads the attachments of any message, the bot's own charts included."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect

from emulator.bootstrap import Sandbox
from tests.browser.conftest import screenshot
from tests.browser.test_sandbox_page import act_as, run_command

pytestmark = pytest.mark.browser
TIMEOUT = 15_000
IMAGES = Path(__file__).resolve().parents[1] / "fixtures" / "images"
MENU = "Check image for AI metadata"
DROP = """([name, data, type]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type }));
  return transfer;
}"""


async def check_image(page: Page, message: Locator) -> Locator:
    """Run the message command from the message's Apps menu; the private answer's embed."""
    await message.hover()
    await message.locator(".message-apps").click()
    await page.locator("#menu .menu-item", has_text=MENU).click()
    answer = page.locator("li.message.ephemeral", has_text="AI metadata check").last
    await expect(answer.locator(".embed")).to_be_visible(timeout=TIMEOUT)
    return answer


async def test_attach_an_image_and_check_it(page: Page, sandbox: Sandbox) -> None:
    emulator = sandbox.emulator
    await act_as(page, "bob")
    await page.set_input_files("#attach-input", str(IMAGES / "invokeai-dream.png"))
    pending = page.locator("#pending-files .pending-file")
    await expect(pending).to_have_attribute("data-filename", "invokeai-dream.png")
    await page.locator("#composer-input").fill("my render")
    await page.locator("#composer-input").press("Enter")
    posted = page.locator("li.message", has_text="my render").last
    await expect(posted.locator('.attachment-image[data-filename="invokeai-dream.png"] img')).to_be_visible(
        timeout=TIMEOUT
    )
    await expect(page.locator("#pending-files")).to_be_hidden()
    stored = emulator.messages("general")[-1]
    assert stored["author"]["id"] == str(emulator.world.user("bob").id)
    [attachment] = stored["attachments"]
    assert attachment["content_type"] == "image/png"
    assert emulator.files[int(attachment["id"])].data == (IMAGES / "invokeai-dream.png").read_bytes()

    # dropped on the chat: the page says where it will go, then posts it with the next message
    data = base64.b64encode((IMAGES / "comfyui-exif.webp").read_bytes()).decode()
    transfer = await page.evaluate_handle(DROP, ["comfyui-exif.webp", data, "image/webp"])
    await page.dispatch_event("#chat", "dragenter", {"dataTransfer": transfer})
    await expect(page.locator("#drop-overlay")).to_contain_text("#general")
    await page.dispatch_event("#chat", "drop", {"dataTransfer": transfer})
    await expect(page.locator("#drop-overlay")).to_be_hidden()
    await expect(pending).to_have_attribute("data-filename", "comfyui-exif.webp")
    await page.click("#send-button")
    dropped = page.locator("li.message", has=page.locator('[data-filename="comfyui-exif.webp"]')).last
    await expect(dropped.locator("img")).to_be_visible(timeout=TIMEOUT)

    await act_as(page, "alice")
    answer = await check_image(page, page.locator("li.message", has_text="my render").last)
    await expect(answer.locator(".embed-description")).to_contain_text("PNG text Dream (InvokeAI")
    answer = await check_image(page, dropped)
    await expect(answer.locator(".embed-description")).to_contain_text("ComfyUI")
    await screenshot(page, "image-upload-and-check")


async def test_the_bots_own_images_can_be_checked(page: Page, sandbox: Sandbox) -> None:
    await act_as(page, "alice")
    await run_command(page, "/disclosure stats")
    charts = page.locator("li.message:not(.ephemeral)", has=page.locator(".embed-image")).last
    await expect(charts.locator(".embed-image")).to_have_count(3, timeout=TIMEOUT)
    await expect(charts.locator(".attachments")).to_have_count(0)  # shown in the embeds only, as Discord does
    stored = sandbox.emulator.messages("general")[-1]
    assert [a["content_type"] for a in stored["attachments"]] == ["image/png"] * 3
    answer = await check_image(page, charts)
    description = answer.locator(".embed-description")
    for name in ("status.png", "medium.png", "year.png"):
        await expect(description).to_contain_text(f"{name}: no AI-related metadata found")
    await expect(answer).not_to_contain_text("no image attachments")
    await screenshot(page, "image-check-bot-message")
