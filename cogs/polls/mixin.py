"""The Polls cog is made of mixins (Red's ``MixinMeta`` idiom): each part declares what it needs from the others.

:class:`MixinMeta` is the abstract base of every part: the attributes ``Polls.__init__`` sets, and the methods
another part provides (abstract here, so a cog missing one cannot be instantiated). It derives from
the core's :class:`bot.mixins.CogMixin` (a ``commands.Cog`` and an ABC).
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

from bot.mixins import CogMixin

if TYPE_CHECKING:
    from bot.client import Interaction
    from cogs.polls.ballot_keys import BallotKeys
    from cogs.polls.model import Poll
    from cogs.polls.publisher import Publisher
    from cogs.polls.scheduler import DeadlineScheduler


class MixinMeta(CogMixin):
    """What the parts of the Polls cog may use from one another."""

    keys: BallotKeys
    publisher: Publisher
    scheduler: DeadlineScheduler

    @abstractmethod
    async def guild_poll(self, interaction: Interaction, poll_id: int) -> Poll:
        """The poll with this id in this server; raises "not found" otherwise (:class:`~cogs.polls.lookup.PollLookup`)."""
