"""Core commands every server needs: /help, /about, /config."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cogs.meta.cog import Meta

if TYPE_CHECKING:
    from bot.client import Haikei


async def setup(bot: Haikei) -> None:
    bot.i18n.load_dir(Path(__file__).parent / "locales")
    await bot.add_cog(Meta(bot))
