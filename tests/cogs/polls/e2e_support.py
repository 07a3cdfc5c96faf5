"""Helpers the polls end-to-end tests share: create a poll through the emulator, find its message, read the DB."""

from __future__ import annotations

import re
from typing import Any

from bot.client import Haikei
from bot.sandbox.emulator import Emulator
from bot.sandbox.interactions import InteractionResult
from cogs.polls import store

POLL_ID = re.compile(r"#(\d+)")


def assert_clean(emulator: Emulator) -> None:
    """Nothing the bot sent broke Discord's limits or missed the 3-second deadline."""
    assert emulator.limit_violations == []
    assert emulator.deadline_misses == []


async def answer(result: InteractionResult) -> str:
    """The text the user finally saw: the response, or the first follow-up after a deferral."""
    await result.wait()
    await result.wait_until(lambda r: not r.loading)
    if result.content:
        return str(result.content)
    followups = await result.wait_followups(1)
    return str(followups[0].get("content") or "")


async def create(
    emulator: Emulator, *, channel: str = "general", user: str = "mod", **options: Any
) -> tuple[int, dict[str, Any]]:
    """Run /poll create with ``options``; return the poll id and its (live) message."""
    options.setdefault("question", "Ban AI-generated art from #showcase?")
    options.setdefault("options", "Yes|No|Abstain")
    result = await emulator.driver.command("poll create", options=options, user=user, channel=channel)
    text = await answer(result)
    match = POLL_ID.search(text)
    assert match, f"poll not created: {text!r}"
    return int(match.group(1)), poll_message(emulator, int(match.group(1)), channel)


def poll_message(emulator: Emulator, poll_id: int, channel: str = "general") -> dict[str, Any]:
    for message in reversed(emulator.messages(channel)):
        if any(
            f"Poll #{poll_id} " in (e.get("footer") or {}).get("text", "") for e in message.get("embeds", [])
        ):
            return emulator.driver.message(message)
    raise AssertionError(f"no message for poll {poll_id}")


def custom_ids(message_or_result: dict[str, Any] | InteractionResult) -> list[str]:
    components = (
        message_or_result.components
        if isinstance(message_or_result, InteractionResult)
        else message_or_result.get("components", [])
    )
    found = []
    stack = list(components)
    while stack:
        comp = stack.pop(0)
        if comp.get("custom_id"):
            found.append(comp["custom_id"])
        stack.extend(comp.get("components") or [])
    return found


async def ballots(bot: Haikei, poll_id: int) -> list[Any]:
    return await bot.db.run(store.ballots, poll_id)


async def poll_count(bot: Haikei) -> int:
    return await bot.db.run(store.poll_count)
