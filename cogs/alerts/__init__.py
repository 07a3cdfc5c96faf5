"""News alerts: polls feeds safely and posts stories about generative AI in anime, manga, art and games."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cogs.alerts.cog import Alerts
from cogs.alerts.privacy_cog import AlertsPrivacy

if TYPE_CHECKING:
    from bot.client import Haikei


async def setup(bot: Haikei) -> None:
    bot.i18n.load_dir(Path(__file__).parent / "locales")
    await bot.add_cog(Alerts(bot))
    await bot.add_cog(AlertsPrivacy(bot))  # /privacy's hooks
