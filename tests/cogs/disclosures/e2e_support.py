"""Helpers the disclosures end-to-end tests share."""

from __future__ import annotations

from typing import Any

from bot.sandbox.emulator import Emulator
from bot.sandbox.interactions import InteractionResult


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
    components = source.components if isinstance(source, InteractionResult) else source.get("components", [])
    found: list[str] = []
    stack = list(components)
    while stack:
        comp = stack.pop(0)
        if comp.get("custom_id"):
            found.append(comp["custom_id"])
        stack.extend(comp.get("components") or [])
    return found
