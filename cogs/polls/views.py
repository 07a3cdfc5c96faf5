"""The poll message's components: ``DynamicItem``s whose custom_id carries the poll (and option) id.

They survive restarts without per-poll registration; each callback hands over to the cog's ``Voting``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal, get_args

import discord

from bot.ui.persistent import ID, Part, Persistent, text

if TYPE_CHECKING:
    from bot.client import Interaction
    from cogs.polls.voting import Voting

log = logging.getLogger(__name__)
OPTION = Part(r"\d{1,3}", int)
BallotFlow = Literal["rank", "score"]  # the step-by-step ballot of a ranked poll, of a score poll
BALLOT_FLOWS: tuple[BallotFlow, ...] = get_args(BallotFlow)


def _voting(interaction: Interaction) -> Voting:
    """The polls cog's vote handler."""
    from cogs.polls.cog import Polls  # imported here: the cog imports this module

    cog = interaction.client.get_cog("Polls")
    if not isinstance(cog, Polls):
        raise RuntimeError("the polls cog is not loaded")
    return cog.voting


class VoteButton(
    Persistent[discord.ui.Button], custom_id="poll:{poll_id}:v:{option_id}", poll_id=ID, option_id=OPTION
):
    """One option of a single-choice poll with up to five options."""

    poll_id: int
    option_id: int

    def __init__(self, poll_id: int, option_id: int, label: str = "?") -> None:
        button = discord.ui.Button(label=label[:80], style=discord.ButtonStyle.primary)
        super().__init__(button, poll_id=poll_id, option_id=option_id)

    async def run(self, interaction: Interaction) -> None:
        await _voting(interaction).vote(interaction, self.poll_id, [self.option_id])

    def where(self) -> str:
        return f"poll {self.poll_id} vote button"  # without the option: a log must not say who chose what


class VoteSelect(Persistent[discord.ui.Select], custom_id="poll:{poll_id}:sel", poll_id=ID):
    """A select of up to 25 options; multiple choice through ``max_values``."""

    poll_id: int

    def __init__(self, poll_id: int, select: discord.ui.Select | None = None) -> None:
        super().__init__(select or discord.ui.Select(options=[]), poll_id=poll_id)

    async def run(self, interaction: Interaction) -> None:
        values = (interaction.data or {}).get("values", [])
        choices = [int(v) for v in values if str(v).isdigit()]
        await _voting(interaction).vote(interaction, self.poll_id, choices)

    def where(self) -> str:
        return f"poll {self.poll_id} vote select"


class BallotFlowButton(
    Persistent[discord.ui.Button],
    custom_id="poll:{poll_id}:{kind}",
    poll_id=ID,
    kind=text("|".join(BALLOT_FLOWS)),
):
    """Opens the private step-by-step ballot of a ranked or score poll."""

    poll_id: int
    kind: str

    def __init__(self, poll_id: int, kind: BallotFlow, label: str = "Vote") -> None:
        button = discord.ui.Button(label=label[:80], style=discord.ButtonStyle.primary)
        super().__init__(button, poll_id=poll_id, kind=kind)

    async def run(self, interaction: Interaction) -> None:
        await _voting(interaction).start_flow(interaction, self.poll_id)


class RemoveVoteButton(Persistent[discord.ui.Button], custom_id="poll:{poll_id}:rm", poll_id=ID):
    """Withdraws the member's ballot while the poll is open."""

    poll_id: int

    def __init__(self, poll_id: int, label: str = "Remove my vote") -> None:
        super().__init__(
            discord.ui.Button(label=label[:80], style=discord.ButtonStyle.secondary), poll_id=poll_id
        )

    async def run(self, interaction: Interaction) -> None:
        await _voting(interaction).remove(interaction, self.poll_id)


class ShowResultsButton(Persistent[discord.ui.Button], custom_id="poll:{poll_id}:res", poll_id=ID):
    """Current results privately (instead of live edits on older polls; moderators only while hidden)."""

    poll_id: int

    def __init__(self, poll_id: int, label: str = "Show results") -> None:
        super().__init__(
            discord.ui.Button(label=label[:80], style=discord.ButtonStyle.secondary), poll_id=poll_id
        )

    async def run(self, interaction: Interaction) -> None:
        await _voting(interaction).show_results(interaction, self.poll_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    VoteButton,
    VoteSelect,
    BallotFlowButton,
    RemoveVoteButton,
    ShowResultsButton,
)
