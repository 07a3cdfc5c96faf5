"""The poll message's components: ``DynamicItem``s whose custom_id carries the poll (and option) id.

They survive restarts without per-poll registration; each callback hands over to the cog's ``Voting``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.errors import report, reports_errors

log = logging.getLogger(__name__)

VOTE_BUTTON = "poll:{poll}:v:{option}"
VOTE_SELECT = "poll:{poll}:sel"
BALLOT_FLOW = "poll:{poll}:{kind}"
REMOVE_VOTE = "poll:{poll}:rm"
SHOW_RESULTS = "poll:{poll}:res"


def _voting(interaction: discord.Interaction) -> Any:
    """The polls cog's vote handler (a ``cogs.polls.voting.Voting``)."""
    cog = interaction.client.get_cog("Polls")  # type: ignore[attr-defined]
    if cog is None:
        raise RuntimeError("the polls cog is not loaded")
    return cog.voting


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"poll:(?P<poll>\d{1,19}):v:(?P<option>\d{1,3})"
):
    """One option of a single-choice poll with up to five options."""

    def __init__(self, poll_id: int, option_id: int, label: str = "?") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.primary,
                custom_id=VOTE_BUTTON.format(poll=poll_id, option=option_id),
            )
        )
        self.poll_id = poll_id
        self.option_id = option_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> VoteButton:
        return cls(int(match["poll"]), int(match["option"]), item.label or "?")

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await _voting(interaction).vote(interaction, self.poll_id, [self.option_id])
        except Exception as exc:  # reported without the option: a log must not say who chose what
            await report(interaction, exc, where=f"poll {self.poll_id} vote button")


class VoteSelect(discord.ui.DynamicItem[discord.ui.Select], template=r"poll:(?P<poll>\d{1,19}):sel"):
    """A select of up to 25 options; multiple choice through ``max_values``."""

    def __init__(self, poll_id: int, select: discord.ui.Select | None = None) -> None:
        super().__init__(select or discord.ui.Select(custom_id=VOTE_SELECT.format(poll=poll_id), options=[]))
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Select, match: re.Match[str], /
    ) -> VoteSelect:
        return cls(int(match["poll"]), item)

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values", [])  # type: ignore[union-attr]
        choices = [int(v) for v in values if str(v).isdigit()]
        await _voting(interaction).vote(interaction, self.poll_id, choices)


class BallotFlowButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"poll:(?P<poll>\d{1,19}):(?P<kind>rank|score)"
):
    """Opens the private step-by-step ballot of a ranked or score poll."""

    def __init__(self, poll_id: int, kind: str, label: str = "Vote") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.primary,
                custom_id=BALLOT_FLOW.format(poll=poll_id, kind=kind),
            )
        )
        self.poll_id = poll_id
        self.kind = kind

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> BallotFlowButton:
        return cls(int(match["poll"]), match["kind"], item.label or "Vote")

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await _voting(interaction).start_flow(interaction, self.poll_id)


class RemoveVoteButton(discord.ui.DynamicItem[discord.ui.Button], template=r"poll:(?P<poll>\d{1,19}):rm"):
    """Withdraws the member's ballot while the poll is open."""

    def __init__(self, poll_id: int, label: str = "Remove my vote") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.secondary,
                custom_id=REMOVE_VOTE.format(poll=poll_id),
            )
        )
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> RemoveVoteButton:
        return cls(int(match["poll"]), item.label or "Remove my vote")

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await _voting(interaction).remove(interaction, self.poll_id)


class ShowResultsButton(discord.ui.DynamicItem[discord.ui.Button], template=r"poll:(?P<poll>\d{1,19}):res"):
    """Current results privately (instead of live edits on older polls; moderators only while hidden)."""

    def __init__(self, poll_id: int, label: str = "Show results") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.secondary,
                custom_id=SHOW_RESULTS.format(poll=poll_id),
            )
        )
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> ShowResultsButton:
        return cls(int(match["poll"]), item.label or "Show results")

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await _voting(interaction).show_results(interaction, self.poll_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    VoteButton,
    VoteSelect,
    BallotFlowButton,
    RemoveVoteButton,
    ShowResultsButton,
)
