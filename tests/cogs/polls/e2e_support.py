"""Helpers the polls end-to-end tests share: create a poll through the emulator, find its message, read the DB."""

from __future__ import annotations

import re
from typing import Any

from bot.client import Haikei
from cogs.polls import store
from emulator.emulator import Emulator
from tests.e2e.helpers import answer_text

POLL_ID = re.compile(r"#(\d+)")


async def create(
    emulator: Emulator, *, channel: str = "general", user: str = "mod", **options: Any
) -> tuple[int, dict[str, Any]]:
    """Run /poll create with ``options``; return the poll id and its (live) message."""
    options.setdefault("question", "Ban AI-generated art from #showcase?")
    options.setdefault("options", "Yes|No|Abstain")
    result = await emulator.driver.command("poll create", options=options, user=user, channel=channel)
    text = await answer_text(result)
    match = POLL_ID.search(text)
    assert match, f"poll not created: {text!r}"
    return int(match.group(1)), poll_message(emulator, int(match.group(1)), channel)


def poll_message(emulator: Emulator, poll_id: int, channel: str = "general") -> dict[str, Any]:
    footer = re.compile(rf"^Poll #{poll_id}\b")
    for message in reversed(emulator.messages(channel)):
        if any(footer.match((e.get("footer") or {}).get("text", "")) for e in message.get("embeds", [])):
            return emulator.driver.message(message)
    raise AssertionError(f"no message for poll {poll_id}")


async def ballots(bot: Haikei, poll_id: int) -> list[Any]:
    return await bot.db.run(store.ballots, poll_id)


async def poll_count(bot: Haikei) -> int:
    return await bot.db.run(store.poll_count)
