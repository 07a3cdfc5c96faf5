"""The image check end to end: "Check image for AI metadata" on posted attachments."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from bot.client import Haikei
from bot.sandbox.emulator import Emulator
from tests.e2e.helpers import answer_text, assert_clean

pytestmark = pytest.mark.e2e


def _png(**texts: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in texts.items():
        info.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


async def test_image_check_reports_signals_and_disclaimer(haikei: Haikei, emulator: Emulator) -> None:
    message = emulator.post_as(
        "bob",
        "general",
        "my art",
        files=[
            ("gen.png", _png(parameters="a fox\nSteps: 20, Sampler: Euler a"), "image/png"),
            ("plain.png", _png(), "image/png"),
        ],
    )
    result = await emulator.driver.context_menu(
        "Check image for AI metadata", target_message=message, user="alice"
    )
    await result.wait()
    await result.wait_until(lambda r: not r.loading)
    embed = (result.embeds or (await result.wait_followups(1))[0]["embeds"])[0]
    assert (
        "AUTOMATIC1111" in embed["description"]
        and "plain.png: no AI-related metadata" in embed["description"]
    )
    assert "not proof" in embed["fields"][0]["value"] and result.ephemeral
    none = emulator.post_as("bob", "general", "just text")
    empty = await emulator.driver.context_menu(
        "Check image for AI metadata", target_message=none, user="alice"
    )
    assert "no image attachments" in await answer_text(empty)
    assert_clean(emulator)
