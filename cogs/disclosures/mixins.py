"""The typed base of the cogs made of mixins (Red's ``MixinMeta``): what a mixin needs of the cog it is part of.

``Disclosures`` is made of ``Contributions`` and ``ImageCheck``; ``Curation`` of ``ReviewQueue``. Each mixin
derives from ``MixinMeta``, an ABC that declares the cog's typed attributes and, as abstract methods, what the
cog must provide: pyright checks the mixins' code against them, and a cog that misses one cannot be created.

``MixinMeta`` derives from the core's :class:`bot.mixins.CogMixin` (a ``commands.Cog`` and an ABC).
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any

from bot.mixins import CogMixin

if TYPE_CHECKING:
    from cogs.disclosures.search import TitleIndex


class MixinMeta(CogMixin):
    """What every mixin of the disclosures cogs may use: the bot, the title index, and a record by its id."""

    index: TitleIndex  # the cog's own (Disclosures), or the one it reads from (Curation)

    @abstractmethod
    async def record_or_404(self, record_id: str) -> dict[str, Any]:
        """The published record, or ``NotFound`` (a user-facing error)."""
