"""A whole sandbox (emulator + demo feed + real Haikei + page) and headless Debian Chromium for page tests."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright

from bot.settings import Settings
from emulator.bootstrap import Sandbox, open_sandbox

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_path() -> str:
    """Debian's Chromium; fail (never skip) with how to install it, as CI must run these tests."""
    found = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not found:
        pytest.fail("Chromium is needed for the browser tests: sudo apt-get install chromium")
    return str(found)


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    settings = Settings(
        database_path=tmp_path / "haikei.db",
        sandbox_database_path=tmp_path / "sandbox.db",
        sandbox_port=0,
        poll_secret="browser-test-secret-" + "x" * 16,
    )
    async with open_sandbox(settings) as running:
        yield running


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@contextlib.asynccontextmanager
async def open_page(browser: Browser, sandbox: Sandbox, **context: Any) -> AsyncIterator[Page]:
    """The sandbox page in a fresh browser context (``viewport``, ``locale``...), loaded, its live socket
    connected; page errors and console errors fail the test."""
    context.setdefault("viewport", {"width": 1280, "height": 860})
    opened = await browser.new_context(**context)
    tab = await opened.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    await tab.goto(sandbox.url)
    try:
        await tab.wait_for_selector("body[data-ready=true]", timeout=15_000)
        yield tab
    finally:
        await opened.close()
    assert not errors, errors


@pytest.fixture
async def page(browser: Browser, sandbox: Sandbox) -> AsyncIterator[Page]:
    """The sandbox page at desktop size, in the browser's default (English) locale."""
    async with open_page(browser, sandbox) as tab:
        yield tab


async def screenshot(page: Page, name: str) -> None:
    """Keep what the page looked like as a test artifact (test-artifacts/ is git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    await page.evaluate("document.fonts.ready.then(() => true)")
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
