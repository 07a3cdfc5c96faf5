"""A burst of image checks holds at most ``FILES_AT_ONCE`` downloaded files at a time, bot-wide; the others wait
their turn (their interactions are deferred) and every member still gets their answer."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.client import Haikei
from cogs.disclosures.cog import Disclosures
from cogs.disclosures.image_check import FILES_AT_ONCE
from emulator.emulator import Emulator
from tests.cogs.disclosures.image_files import png
from tests.e2e.helpers import assert_clean
from tests.e2e.test_image_check import MENU, reply_embed, sections

pytestmark = pytest.mark.e2e
CHECKS = 7
WAIT = 60.0  # an upper bound for each step, never a pace the test relies on


class CountingSemaphore(asyncio.Semaphore):
    """The cog's limit, counting the checks that asked for a turn."""

    def __init__(self, value: int) -> None:
        super().__init__(value)
        self.asked = 0

    async def acquire(self) -> bool:
        self.asked += 1
        return await super().acquire()


async def test_a_burst_of_checks_holds_a_few_files_at_a_time_and_answers_everyone(
    haikei: Haikei, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert FILES_AT_ONCE < CHECKS
    cog = haikei.get_cog("Disclosures")
    assert isinstance(cog, Disclosures)
    turns = CountingSemaphore(FILES_AT_ONCE)
    monkeypatch.setattr(cog, "_files_at_once", turns)
    downloading, most = 0, 0
    release = asyncio.Event()
    original = cog.download

    async def held_download(attachment: discord.Attachment) -> bytes | None:
        nonlocal downloading, most
        downloading += 1
        most = max(most, downloading)
        await release.wait()  # each download holds its file until the test lets them go
        try:
            return await original(attachment)
        finally:
            downloading -= 1

    monkeypatch.setattr(cog, "download", held_download)
    users = [f"checker{i}" for i in range(CHECKS)]
    for name in users:
        emulator.world.add_member(emulator.world.add_user(name), roles=["Member"])
    art = [("gen.png", png(parameters="a fox\nSteps: 20"), "image/png")]
    message = emulator.post_as("bob", "general", "", files=art)
    checks = await asyncio.gather(
        *[emulator.driver.context_menu(MENU, target_message=message, user=name) for name in users]
    )
    # every check has asked for its turn, and is acknowledged; only FILES_AT_ONCE files are being held
    await emulator.wait_until(
        lambda: turns.asked == CHECKS and downloading == FILES_AT_ONCE and all(c.loading for c in checks),
        timeout=WAIT,
        what="every check queued, FILES_AT_ONCE of them downloading",
    )
    release.set()
    for check in checks:
        assert "AUTOMATIC1111" in sections(await reply_embed(check, WAIT))["gen.png"]
    assert most == FILES_AT_ONCE
    assert_clean(emulator)
