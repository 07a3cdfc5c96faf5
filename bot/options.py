"""Option types shared by every cog: numbers bounded to what Discord itself sends (±2^53)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.errors import BadInput

MAX_SAFE_INTEGER = 2**53 - 1  # Discord's integer options lie within ±(2^53 - 1)


class Bounded(app_commands.Transformer):
    """An integer option within [low, high]. Discord's client refuses anything else, and the bounds are checked
    again here: a value Discord would never send (a string, 2^63) is bad input, never an error inside a cog."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.integer

    @property
    def min_value(self) -> int:
        return self.low

    @property
    def max_value(self) -> int:
        return self.high

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            raise BadInput("errors.bad_value", value=str(value)[:100])
        return value


# A positive number naming a row (poll number, feed number…). Other bounds: ``Transform[int, Bounded(lo, hi)]``.
RowId = app_commands.Transform[int, Bounded(1, MAX_SAFE_INTEGER)]


def parse_row_id(value: str) -> int:
    """A row number typed into (or picked from) a string option; anything else is bad input."""
    text = value.strip().lstrip("#")
    if not text.isdigit() or not 1 <= int(text) <= MAX_SAFE_INTEGER:
        raise BadInput("errors.bad_value", value=value[:100])
    return int(text)
