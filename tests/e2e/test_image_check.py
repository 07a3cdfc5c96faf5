"""The image check end to end: "Check image for AI metadata" and `/disclosure check-image` on real and crafted
files, attachments served whole or in small pieces, replies checked as the member sees them."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image

from bot.client import Haikei
from emulator.emulator import Emulator
from emulator.interactions import InteractionResult
from tests.cogs.disclosures.c2pa_fixtures import make_credentials, manifest, sign
from tests.cogs.disclosures.image_files import (
    before_iend,
    chunk,
    fixture,
    noise_jpeg,
    noise_png,
    noise_webp,
    png,
)
from tests.e2e.helpers import answer_text, assert_clean

pytestmark = pytest.mark.e2e
MENU = "Check image for AI metadata"


async def reply_embed(result: InteractionResult, timeout: float = 30) -> dict[str, Any]:
    """The embed the member sees once the (deferred) check has answered."""
    await result.wait()
    await result.wait_until(lambda r: not r.loading, timeout)
    embed = (result.embeds or (await result.wait_followups(1, timeout))[0]["embeds"])[0]
    assert result.ephemeral
    return embed


def sections(embed: dict[str, Any]) -> dict[str, str]:
    """Each file's part of the description, by file name."""
    found: dict[str, str] = {}
    name = ""
    for part in embed["description"].split("\n"):
        if part.startswith(("• ", "◦ ", "ℹ️ ")):
            found[name] += "\n" + part
        else:
            name = part.strip("*").split(":")[0]
            found[name] = part
    return found


async def test_image_check_reports_signals_and_disclaimer(haikei: Haikei, emulator: Emulator) -> None:
    message = emulator.post_as(
        "bob",
        "general",
        "my art",
        files=[
            ("gen.png", png(parameters="a fox\nSteps: 20, Sampler: Euler a"), "image/png"),
            ("plain.png", png(), "image/png"),
        ],
    )
    embed = await reply_embed(await emulator.driver.context_menu(MENU, target_message=message, user="alice"))
    found = sections(embed)
    assert "AUTOMATIC1111" in found["gen.png"]
    assert found["plain.png"] == "plain.png: no AI-related metadata found."
    assert "not proof" in embed["fields"][0]["value"]
    assert "stealth" in embed["fields"][1]["value"]  # what is out of scope is said, every time
    none = emulator.post_as("bob", "general", "just text")
    empty = await emulator.driver.context_menu(MENU, target_message=none, user="alice")
    assert "no image attachments" in await answer_text(empty)
    assert_clean(emulator)


async def test_real_files_from_generators(haikei: Haikei, emulator: Emulator) -> None:
    names = [
        "comfyui-exif.jpeg",
        "comfyui-exif.webp",
        "invokeai-metadata.png",
        "invokeai-dream.png",
        "c2pa-ingredient-trained-algorithmic-media.png",
    ]
    kinds = {"jpeg": "image/jpeg", "webp": "image/webp", "png": "image/png"}
    files = [(name, fixture(name), kinds[name.rsplit(".", 1)[1]]) for name in names]
    message = emulator.post_as("bob", "general", "", files=files)
    found = sections(await reply_embed(await emulator.driver.context_menu(MENU, target_message=message)))
    for name in ("comfyui-exif.jpeg", "comfyui-exif.webp"):
        assert "EXIF ImageDescription holds a ComfyUI workflow" in found[name]
        assert "EXIF Make holds a ComfyUI prompt" in found[name]
    assert "PNG text `invokeai_metadata` (InvokeAI" in found["invokeai-metadata.png"]
    assert "PNG text `Dream` (InvokeAI" in found["invokeai-dream.png"]
    google = found["c2pa-ingredient-trained-algorithmic-media.png"]
    assert "C2PA digital source type “composite”, in this image's own manifest" in google
    assert (
        "⚠️ C2PA digital source type says generated: “trainedAlgorithmicMedia”, in the manifest of an ingredient"
        in google
    )
    assert_clean(emulator)


async def test_large_files_served_in_small_pieces_are_read_to_the_end(
    haikei: Haikei, emulator: Emulator
) -> None:
    emulator.attachment_chunk_size = 8 * 1024
    late = before_iend(noise_png(3), chunk(b"tEXt", b"parameters\0a fox\nSteps: 30, Sampler: DPM++"))
    signed = sign(
        noise_jpeg(2.5),
        "image/jpeg",
        manifest("Haikei Test Generator", "trainedAlgorithmicMedia"),
        make_credentials(),
    )
    exif = Image.Exif()
    exif[0x0131] = "Stable Diffusion"
    webp = noise_webp(1, exif)
    assert len(late) > 3 * 1024 * 1024 and len(signed) > 2 * 1024 * 1024 and len(webp) > 512 * 1024
    message = emulator.post_as(
        "bob",
        "general",
        "",
        files=[
            ("late.png", late, "image/png"),
            ("signed.jpg", signed, "image/jpeg"),
            ("exif.webp", webp, "image/webp"),
        ],
    )
    found = sections(await reply_embed(await emulator.driver.context_menu(MENU, target_message=message)))
    assert "AUTOMATIC1111" in found["late.png"] and "Steps\\: 30" in found["late.png"]
    assert "validation Valid (untrusted signer)" in found["signed.jpg"]
    assert "says generated: “trainedAlgorithmicMedia”" in found["signed.jpg"]
    assert "EXIF Software: “Stable Diffusion”" in found["exif.webp"]
    assert_clean(emulator)


async def test_slash_command_checks_an_unposted_file(haikei: Haikei, emulator: Emulator) -> None:
    result = await emulator.driver.command(
        "disclosure check-image", {"file": ("comfy.jpeg", fixture("comfyui-exif.jpeg"), "image/jpeg")}
    )
    embed = await reply_embed(result)
    assert "EXIF ImageDescription holds a ComfyUI workflow" in sections(embed)["comfy.jpeg"]
    assert "not proof" in embed["fields"][0]["value"]
    text = await emulator.driver.command(
        "disclosure check-image", {"file": ("notes.txt", b"hello", "text/plain")}
    )
    assert "notes.txt is not an image this check can read" in await answer_text(text)
    assert text.ephemeral
    japanese = await emulator.driver.command(
        "disclosure check-image",
        {"file": ("dream.png", fixture("invokeai-dream.png"), "image/png")},
        locale="ja",
    )
    embed = await reply_embed(japanese)
    assert embed["title"] == "AIメタデータの確認" and "InvokeAI の生成メタデータ" in embed["description"]
    help_ = await (await emulator.driver.command("help")).wait()
    listed = "\n".join(field["value"] for field in help_.embeds[0]["fields"])
    assert "/disclosure check-image" in listed and "not stealth pixel data" in listed  # what is out of scope
    assert_clean(emulator)
