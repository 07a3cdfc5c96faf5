"""Privacy: `/privacy show|delete` for every member, and deleting the data of servers that removed Haikei."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cogs.privacy.cog import Privacy

if TYPE_CHECKING:
    from bot.client import Haikei


async def setup(bot: Haikei) -> None:
    bot.i18n.load_dir(Path(__file__).parent / "locales")
    await bot.add_cog(Privacy(bot))
