"""Option types shared by every cog: numbers bounded to what Discord itself sends (±2^53)."""

from __future__ import annotations

from discord import app_commands

from bot.errors import BadInput

MAX_SAFE_INTEGER = 2**53 - 1  # Discord's integer options lie within ±(2^53 - 1)

# A positive number naming a row (poll number, feed number…): Discord refuses anything outside it.
RowId = app_commands.Range[int, 1, MAX_SAFE_INTEGER]


def parse_row_id(value: str) -> int:
    """A row number typed into (or picked from) a string option; anything else is bad input."""
    text = value.strip().lstrip("#")
    if not text.isdigit() or not 1 <= int(text) <= MAX_SAFE_INTEGER:
        raise BadInput("errors.bad_value", value=value[:100])
    return int(text)
