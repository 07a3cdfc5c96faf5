"""AI-disclosure records: lookup, search, submissions, review, and the image provenance check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cogs.disclosures.cog import Disclosures

if TYPE_CHECKING:
    from bot.client import Haikei


async def setup(bot: Haikei) -> None:
    bot.i18n.load_dir(Path(__file__).parent / "locales")
    await bot.add_cog(Disclosures(bot))
