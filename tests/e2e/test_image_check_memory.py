"""The image check when a file needs more memory than its reader may have, end to end: the member is told so for
that file, the other files of the message and the next check are read as usual, and the bot answers `/help`.

The bot's pool is replaced by one with a low memory limit (the limit is a ``ReaderPool`` argument, not a
setting), and one worker so that what happens to it is in a fixed order; ``tests/cogs/disclosures/
test_provenance_memory.py`` has the measurements behind ``LOW_MB`` and the padded file.
"""

from __future__ import annotations

import pytest

from bot.client import Haikei
from cogs.disclosures.reader_pool import ReaderPool
from emulator.emulator import Emulator
from emulator.interactions import InteractionResult
from tests.cogs.disclosures.image_files import fixture, png, rational_tiff
from tests.cogs.disclosures.test_provenance_memory import LOW_MB, PADDED_MB, TIMEOUT, alive
from tests.e2e.helpers import assert_clean
from tests.e2e.test_image_check import MENU, reply_embed, sections

pytestmark = pytest.mark.e2e
WAIT = 120.0  # seconds: an upper bound for the reply, never a pace the test depends on


def lists_the_check(help_: InteractionResult) -> bool:
    """`/help` answered with its list of commands, the image check among them."""
    listed = "\n".join(field["value"] for field in help_.embeds[0]["fields"]) if help_.embeds else ""
    return "/disclosure check-image" in listed


async def test_a_file_that_needs_too_much_memory_is_named_and_the_rest_is_read(
    haikei: Haikei, emulator: Emulator
) -> None:
    cog = haikei.get_cog("Disclosures")
    cog.image_reader.close()
    cog.image_reader = ReaderPool(workers=1, memory_mb=LOW_MB, timeout=TIMEOUT)
    assert (await cog.image_reader.read(png(), "image/png")).error is None  # its worker is up, and idle
    [exhausted] = cog.image_reader.pids
    message = emulator.post_as(
        "bob",
        "general",
        "",
        files=[
            ("padded.tiff", rational_tiff(PADDED_MB), "image/tiff"),
            ("gen.png", png(parameters="a fox\nSteps: 20, Sampler: Euler a"), "image/png"),
        ],
    )
    check = await emulator.driver.context_menu(MENU, target_message=message, user="alice")
    await check.wait()
    help_ = await (await emulator.driver.command("help")).wait()  # sent while the check may still be reading
    assert lists_the_check(help_)
    found = sections(await reply_embed(check, WAIT))  # reply_embed: ephemeral, as the member sees it
    assert found["padded.tiff"] == (
        "padded.tiff: reading this file needed too much memory and was stopped, so nothing can be said about it."
    )
    # The next attachment is read as usual, by a new worker: the one that ran out of memory is gone.
    assert "AUTOMATIC1111" in found["gen.png"] and "Steps\\: 20" in found["gen.png"]
    [worker] = cog.image_reader.pids
    assert worker != exhausted and not alive(exhausted)

    following = await emulator.driver.command(
        "disclosure check-image", {"file": ("comfy.jpeg", fixture("comfyui-exif.jpeg"), "image/jpeg")}
    )
    assert (
        "EXIF ImageDescription holds a ComfyUI workflow"
        in sections(await reply_embed(following, WAIT))["comfy.jpeg"]
    )
    assert cog.image_reader.pids == [worker]  # reused: an ordinary file does not restart it
    again = await (await emulator.driver.command("help")).wait()
    assert lists_the_check(again)
    assert_clean(emulator)
