"""Slash-command option parsing: a duration or closing time becomes a UTC ``datetime`` (clear error if not)."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
from discord import app_commands

from bot.errors import BadInput
from cogs.polls.durations import closing_time
from cogs.polls.problems import InputProblem


class ClosingTime(app_commands.Transformer):
    """``30m``, ``2h``, ``3d``, ``1d12h``, an ISO time (UTC unless an offset is given) or ``<t:unix>``."""

    async def transform(self, interaction: discord.Interaction, value: str) -> datetime:
        try:
            return closing_time(value, datetime.now(UTC))
        except InputProblem as problem:
            raise BadInput(problem.key, **problem.params) from None
