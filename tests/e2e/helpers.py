"""Start and stop Haikei against the emulator (also used for restart tests), and read what users saw."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from bot.client import Haikei
from bot.db import AsyncDatabase, open_database
from bot.extensions import EXTENSIONS
from bot.settings import Settings
from emulator.bootstrap import running
from emulator.emulator import Emulator
from emulator.interactions import InteractionResult
from emulator.state import World


@asynccontextmanager
async def running_haikei(
    settings: Settings, emulator: Emulator, *, extensions: Iterable[str] = EXTENSIONS
) -> AsyncIterator[Haikei]:
    """A fresh Haikei process-equivalent on ``settings.database_path``: connected, ready, closed on exit."""
    bot = Haikei(settings, AsyncDatabase(open_database(settings.database_path)), extensions=extensions)
    async with running(bot, emulator):
        yield bot


def assert_clean(emulator: Emulator) -> None:
    """Nothing the bot sent broke Discord's limits or missed the 3-second deadline."""
    assert emulator.limit_violations == []
    assert emulator.deadline_misses == []


async def answer_text(result: InteractionResult) -> str:
    """The text the user saw: the response, or the first follow-up after a deferral."""
    await result.wait()
    await result.wait_until(lambda r: not r.loading)
    if result.content:
        return str(result.content)
    followups = await result.wait_followups(1)
    return str(followups[0].get("content") or "")


def custom_ids(source: dict[str, Any] | InteractionResult) -> list[str]:
    """The custom ids of a message's or response's components, outer rows first."""
    components = source.components if isinstance(source, InteractionResult) else source.get("components", [])
    found: list[str] = []
    stack = list(components)
    while stack:
        comp = stack.pop(0)
        if comp.get("custom_id"):
            found.append(comp["custom_id"])
        stack.extend(comp.get("components") or [])
    return found


def add_restricted_channels(world: World) -> None:
    """#staff (only Moderators and the bot can view it) and #announcements (members cannot send; the bot can):
    the channels the permission tests post into."""
    staff = world.add_channel("staff")
    world.set_overwrite(staff, "@everyone", deny=["view_channel"])
    world.set_overwrite(staff, "Moderator", allow=["view_channel"])
    world.set_overwrite(staff, world.bot, allow=["view_channel", "send_messages", "embed_links"])
    announcements = world.add_channel("announcements")
    world.set_overwrite(announcements, "@everyone", deny=["send_messages"])
    world.set_overwrite(announcements, world.bot, allow=["send_messages", "embed_links"])
