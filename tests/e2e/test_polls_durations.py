"""Duration wording through the emulator: "0m" is too short (not "in the past"); examples are generated."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.client import Haikei
from cogs.polls.durations import closing_time
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import create, poll_count
from tests.e2e.helpers import answer_text, assert_clean

pytestmark = pytest.mark.e2e

STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


async def refused(emulator: Emulator, duration: str, locale: str = "en-US") -> str:
    options = {"question": "Q?", "options": "A|B", "duration": duration}
    result = await emulator.driver.command("poll create", options=options, user="mod", locale=locale)
    text = await answer_text(result)
    assert result.ephemeral
    return text


async def test_a_zero_duration_asks_for_at_least_a_minute(haikei: Haikei, emulator: Emulator) -> None:
    text = await refused(emulator, "0m")
    assert "at least 1 minute" in text and "past" not in text
    assert "1 分以上" in await refused(emulator, "0m", locale="ja")
    assert await poll_count(haikei) == 0
    assert_clean(emulator)


@pytest.mark.parametrize("duration", ["2001-01-01T00:00", "whenever"])
async def test_the_example_closing_time_is_in_the_future(
    haikei: Haikei, emulator: Emulator, duration: str
) -> None:
    for locale in ("en-US", "ja"):
        text = await refused(emulator, duration, locale)
        (example,) = STAMP.findall(text.replace(duration, ""))
        assert closing_time(example, datetime.now(UTC)) > datetime.now(UTC)
    poll_id, _ = await create(emulator, duration=example)  # the suggestion works as given
    assert poll_id == 1


async def test_extending_by_zero_is_refused(haikei: Haikei, emulator: Emulator) -> None:
    poll_id, _ = await create(emulator)
    result = await emulator.driver.command(
        "poll-manage extend", options={"poll": poll_id, "duration": "0m"}, user="mod"
    )
    assert "at least 1 minute" in await answer_text(result)


def _option(command: dict[str, Any], *path: str) -> dict[str, Any]:
    node = command
    for name in path:
        node = next(o for o in node["options"] if o["name"] == name)
    return node


async def test_the_registered_description_names_no_date(haikei: Haikei, emulator: Emulator) -> None:
    guild = emulator.world.guild_of(emulator.world.channel("general")).id
    commands = emulator.registered_commands() + emulator.registered_commands(guild)
    poll = next(c for c in commands if c["name"] == "poll")
    duration = _option(poll, "create", "duration")
    texts = [duration["description"], *(duration.get("description_localizations") or {}).values()]
    assert all("YYYY-MM-DDTHH:MM" in t and not re.search(r"\d{4}-\d{2}", t) for t in texts), texts
