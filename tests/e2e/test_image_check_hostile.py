"""The image check against hostile and awkward files, end to end: the bot keeps answering other commands on
time, a runaway reader is stopped, nothing in a file can format the bot's reply, odd files get honest answers."""

from __future__ import annotations

import re
import sys

import pytest

from bot.client import Haikei
from cogs.disclosures.reader_pool import ReaderPool
from emulator.emulator import Emulator
from tests.cogs.disclosures.image_files import INJECTION, chunk_bomb, png, regex_bait, with_exif
from tests.e2e.helpers import assert_clean
from tests.e2e.test_image_check import MENU, reply_embed, sections

pytestmark = pytest.mark.e2e
USUAL = 1.0  # seconds: /help is acknowledged in milliseconds when the event loop is free


async def test_help_is_answered_on_time_while_hostile_files_are_checked(
    haikei: Haikei, emulator: Emulator
) -> None:
    message = emulator.post_as(
        "bob",
        "general",
        "",
        files=[
            ("bait.jpg", regex_bait(8 * 1024 * 1024), "image/jpeg"),  # hours for the old regex, 1 MB: minutes
            ("bomb.png", chunk_bomb(1000), "image/png"),  # 1 MB that inflates to 1 GB of text
        ],
    )
    check = await emulator.driver.context_menu(MENU, target_message=message)
    await check.wait()
    help_ = await (await emulator.driver.command("help")).wait()
    assert help_.ack_latency is not None and help_.ack_latency < USUAL
    found = sections(await reply_embed(check))
    assert found["bait.jpg"] == "bait.jpg: no AI-related metadata found."
    assert found["bomb.png"] == (
        "bomb.png: no AI-related metadata found.\n"
        "ℹ️ Stopped reading text metadata after 4 MB: anything after that in the file was not checked."
    )
    assert_clean(emulator)


async def test_a_runaway_reader_is_stopped_and_help_still_answers(haikei: Haikei, emulator: Emulator) -> None:
    cog = haikei.get_cog("Disclosures")
    cog.image_reader.close()
    cog.image_reader = ReaderPool(
        timeout=2.0, argv=[sys.executable, "-m", "tests.cogs.disclosures.hang_worker"]
    )
    message = emulator.post_as("bob", "general", "", files=[("stuck.png", png(), "image/png")])
    check = await emulator.driver.context_menu(MENU, target_message=message)
    await check.wait()
    help_ = await (await emulator.driver.command("help")).wait()
    assert check.loading  # the reader is still spinning…
    assert help_.ack_latency is not None and help_.ack_latency < USUAL  # …and the bot answers anyway
    embed = await reply_embed(check)
    assert sections(embed)["stuck.png"] == (
        "stuck.png: reading this file took too long and was stopped, so nothing can be said about it."
    )
    assert cog.image_reader.pids == []
    assert_clean(emulator)


async def test_text_from_a_file_cannot_format_the_reply(haikei: Haikei, emulator: Emulator) -> None:
    jpeg = with_exif(
        "JPEG", {0x0131: "**PROOF** human-made ||hidden||"}, user_comment=b"ASCII\0\0\0" + INJECTION.encode()
    )
    message = emulator.post_as(
        "bob",
        "general",
        "",
        files=[("a.png", png(parameters=INJECTION), "image/png"), ("b.jpg", jpeg, "image/jpeg")],
    )
    embed = await reply_embed(await emulator.driver.context_menu(MENU, target_message=message))
    description = embed["description"]
    assert not any(line.lstrip("•◦ ").startswith("#") for line in description.split("\n"))
    quotes = re.findall("“([^”]*)”", description)  # the text that came from the files
    assert len(quotes) == 3  # PNG parameters, EXIF Software, EXIF UserComment
    for mark in ("||", "**", "[click]", "](", "#"):  # every one of them arrives escaped with a backslash
        assert all(re.search(r"(?<!\\)" + re.escape(mark), quote) is None for quote in quotes), mark
    assert quotes[0].startswith("\\# PROOF\\: human-made \\|\\|spoiler\\|\\| \\*\\*bold\\*\\* \\[click\\]")
    assert quotes[1] == "\\*\\*PROOF\\*\\* human-made \\|\\|hidden\\|\\|"
    assert "@everyone" not in description and "<@123" not in description  # broken by a zero-width space
    # No ping can come of it: every reply goes out with mentions off.
    assert all(not m.everyone and not m.users and not m.roles for m in emulator.mentions)
    assert_clean(emulator)


async def test_empty_ordinary_and_oversized_files_get_honest_answers(
    haikei: Haikei, emulator: Emulator
) -> None:
    photoshop = with_exif("JPEG", {0x0131: "Adobe Photoshop 25.0 (Windows)"})
    huge = b"\x89PNG\r\n\x1a\n" + bytes(25 * 1024 * 1024)
    message = emulator.post_as(
        "bob",
        "general",
        "",
        files=[
            ("empty.png", b"", "image/png"),
            ("photo.jpg", photoshop, "image/jpeg"),
            ("huge.png", huge, "image/png"),
        ],
    )
    found = sections(await reply_embed(await emulator.driver.context_menu(MENU, target_message=message)))
    assert found == {
        "empty.png": "empty.png: the file is empty, there is nothing to check.",
        "photo.jpg": "photo.jpg: no AI-related metadata found.\n"
        "◦ Other metadata, not an AI signal: EXIF Software: “Adobe Photoshop 25.0 \\(Windows\\)”",
        "huge.png": "huge.png: larger than 25 MB, not checked.",
    }
    assert_clean(emulator)


async def test_at_most_ten_images_are_checked_and_the_rest_are_counted(
    haikei: Haikei, emulator: Emulator
) -> None:
    files = [(f"p{i:02}.png", png(), "image/png") for i in range(12)]
    message = emulator.post_as("bob", "general", "", files=files)
    embed = await reply_embed(await emulator.driver.context_menu(MENU, target_message=message))
    lines = embed["description"].split("\n")
    assert lines[:10] == [f"p{i:02}.png: no AI-related metadata found." for i in range(10)]
    assert lines[10:] == ["…and 2 more images, not checked (at most 10 per check)."]
    assert_clean(emulator)
