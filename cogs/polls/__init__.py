"""Member polls: button voting that never loses a vote, secret ballots, ranked choice, charts and exports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.client import Haikei


async def setup(bot: Haikei) -> None:
    from cogs.polls.cog import Polls  # imported here so the pure modules load without discord.ext
    from cogs.polls.privacy_cog import PollsPrivacy

    bot.i18n.load_dir(Path(__file__).parent / "locales")
    polls = Polls(bot)
    await bot.add_cog(polls)
    await bot.add_cog(PollsPrivacy(bot, polls))  # /privacy's hooks
