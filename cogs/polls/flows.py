"""Private step-by-step ballots for ranked and score polls, ending in one confirmed vote."""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import discord

from bot.errors import ErrorReportingView
from bot.text import clip_lines
from bot.ui.timeouts import PRIVATE_VIEW_TIMEOUT
from cogs.polls.model import Poll
from cogs.polls.summary import Text, shown_label, shown_question
from cogs.polls.tally import MAX_SCORE

if TYPE_CHECKING:
    from bot.client import Interaction
    from cogs.polls.voting import Voting

FLOW_TIMEOUT: float = PRIVATE_VIEW_TIMEOUT  # disabled on its message while the click's token still works


class BallotFlow(ErrorReportingView, ABC):
    """Common parts: the poll, the translator, Confirm / Start over, and submitting the finished ballot; each
    kind of ballot provides the abstract methods."""

    def __init__(self, voting: Voting, poll: Poll, t: Text) -> None:
        super().__init__(timeout=FLOW_TIMEOUT)
        self.voting = voting
        self.poll = poll
        self.t = t

    @abstractmethod
    def content(self) -> str:
        """The message above the components: the ballot so far and what to do next."""

    @abstractmethod
    def ballot(self) -> list[int] | dict[int, int]:
        """The finished ballot, as it is cast."""

    @abstractmethod
    def reset(self) -> None:
        """Start over with an empty ballot."""

    @abstractmethod
    def rebuild(self) -> None:
        """Replace the components to match the ballot so far."""

    def add_controls(self, *, can_confirm: bool, row: int) -> None:
        confirm = discord.ui.Button(
            label=self.t("polls.flow.confirm"),
            style=discord.ButtonStyle.success,
            disabled=not can_confirm,
            row=row,
        )
        restart = discord.ui.Button(
            label=self.t("polls.flow.restart"), style=discord.ButtonStyle.secondary, row=row
        )
        confirm.callback = self.on_confirm
        restart.callback = self.on_restart
        self.add_item(confirm)
        self.add_item(restart)

    async def show(self, interaction: Interaction) -> None:
        self.rebuild()
        await interaction.response.edit_message(content=self.content(), view=self)

    async def on_restart(self, interaction: Interaction) -> None:
        self.reset()
        await self.show(interaction)

    async def on_confirm(self, interaction: Interaction) -> None:
        pending = self.voting.cast(interaction, self.poll.id, self.ballot())
        receipt = self.voting.receipt(
            interaction, await self.voting.committed(interaction, pending, update=True)
        )
        self.stop()
        if interaction.response.is_done():  # acknowledged while the database was busy
            await interaction.edit_original_response(content=receipt, view=None)
        else:
            await interaction.response.edit_message(content=receipt, view=None)


class RankFlow(BallotFlow):
    """Pick your 1st choice, then your 2nd… (stop whenever you like), then confirm."""

    def __init__(self, voting: Voting, poll: Poll, t: Text) -> None:
        super().__init__(voting, poll, t)
        self.ranking: list[int] = []
        self.rebuild()

    def reset(self) -> None:
        self.ranking = []

    def ballot(self) -> list[int]:
        return list(self.ranking)

    def content(self) -> str:
        lines = [self.t("polls.flow.rank_intro", question=shown_question(self.poll.question))]
        lines += [f"{i}. {shown_label(self.poll.label(o))}" for i, o in enumerate(self.ranking, 1)]
        if len(self.ranking) < len(self.poll.options):
            lines.append(self.t("polls.flow.rank_next", n=len(self.ranking) + 1))
        else:
            lines.append(self.t("polls.flow.ready"))
        return clip_lines(lines, 1900)

    def rebuild(self) -> None:
        self.clear_items()
        remaining = [o for o in self.poll.options if o.id not in self.ranking]
        if remaining:
            select = discord.ui.Select(
                placeholder=self.t("polls.flow.rank_placeholder", n=len(self.ranking) + 1)[:150],
                options=[discord.SelectOption(label=o.label[:100], value=str(o.id)) for o in remaining[:25]],
                row=0,
            )
            select.callback = self.on_pick
            self.add_item(select)
        self.add_controls(can_confirm=bool(self.ranking), row=1)

    async def on_pick(self, interaction: Interaction) -> None:
        values = (interaction.data or {}).get("values", [])
        for value in values:
            option = int(value)
            if option in self.poll.option_ids and option not in self.ranking:
                self.ranking.append(option)
        await self.show(interaction)


class ScoreFlow(BallotFlow):
    """Score each option 0–5 in turn, then confirm."""

    def __init__(self, voting: Voting, poll: Poll, t: Text) -> None:
        super().__init__(voting, poll, t)
        self.scores: dict[int, int] = {}
        self.rebuild()

    def reset(self) -> None:
        self.scores = {}

    @property
    def current(self) -> int | None:
        return next((o.id for o in self.poll.options if o.id not in self.scores), None)

    def ballot(self) -> dict[int, int]:
        return dict(self.scores)

    def content(self) -> str:
        lines = [self.t("polls.flow.score_intro", question=shown_question(self.poll.question), max=MAX_SCORE)]
        lines += [f"• {shown_label(self.poll.label(o))}: **{s}**" for o, s in self.scores.items()]
        current = self.current
        if current is None:
            lines.append(self.t("polls.flow.ready"))
        else:
            lines.append(
                self.t(
                    "polls.flow.score_next",
                    option=self.poll.label(current),
                    n=len(self.scores) + 1,
                    total=len(self.poll.options),
                )
            )
        return clip_lines(lines, 1900)

    def rebuild(self) -> None:
        self.clear_items()
        if self.current is not None:
            for value in range(MAX_SCORE + 1):
                button = discord.ui.Button(
                    label=str(value), style=discord.ButtonStyle.primary, row=value // 5
                )
                button.callback = functools.partial(self.on_score, value)
                self.add_item(button)
        self.add_controls(can_confirm=self.current is None, row=2)

    async def on_score(self, value: int, interaction: Interaction) -> None:
        current = self.current
        if current is not None:
            self.scores[current] = value
        await self.show(interaction)
