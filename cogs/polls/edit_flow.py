"""/poll-manage edit, after its input is validated: preview what removing options does to the ballots, ask
the moderator to confirm when any ballot changes, write it in one transaction, refresh the poll message.

Rules (see :mod:`cogs.polls.edit_store`): a ballot loses removed options and keeps the rest; a ballot left
empty is deleted; an open secret poll with ballots keeps its options.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Protocol

import discord

from bot.errors import NotFound, UserFacingError
from bot.replies import ephemeral, text
from bot.ui.confirm import Recheck, ask
from cogs.polls import edit_store
from cogs.polls.edit_store import EditOutcome, removal_refused
from cogs.polls.model import Poll
from cogs.polls.options import Option
from cogs.polls.pruning import Impact, removed_options
from cogs.polls.summary import joined, shown_label

if TYPE_CHECKING:
    from bot.client import Haikei
    from cogs.polls.publisher import Publisher

Reply = Callable[[str], Awaitable[None]]


class EditHost(Protocol):
    """What the flow needs from the cog."""

    bot: Haikei
    publisher: Publisher


def impact_details(interaction: discord.Interaction, impact: Impact) -> str:
    """The ballots an edit changes, in words: deleted ones, then trimmed ones (a part with zero is left out)."""
    parts = []
    if impact.deleted:
        parts.append(text(interaction, "polls.edit.ballots_deleted", count=impact.deleted))
    if impact.trimmed:
        parts.append(text(interaction, "polls.edit.ballots_trimmed", count=impact.trimmed))
    return text(interaction, "polls.edit.separator").join(parts)


def labels(options: Sequence[Option]) -> str:
    return joined([f"**{shown_label(o.label)}**" for o in options])


async def edit_flow(
    cog: EditHost,
    interaction: discord.Interaction,
    found: Poll,
    question: str,
    options: Sequence[Option],
    note: str,
    *,
    recheck: Recheck,
) -> None:
    """Preview, confirm when ballots change, write, refresh, and tell the moderator what happened.

    ``recheck`` is the command's own check, run again on the click that confirms (see ``bot.ui.confirm``)."""
    poll, impact, turnout = await cog.bot.db.run(edit_store.preview_edit, found.id, options)
    if poll is None:
        raise NotFound("polls.errors.not_found")
    removed = removed_options(found.options, options)
    if removal_refused(poll, bool(removed), turnout):
        raise UserFacingError("polls.errors.secret_remove", id=found.id)
    if impact.affected:
        prompt = text(
            interaction,
            "polls.edit.confirm",
            count=impact.affected,
            id=found.id,
            options=labels(removed),
            details=impact_details(interaction, impact),
        )
        answer = await ask(interaction, prompt[:2000], recheck=recheck)
        answered = answer.clicked or interaction

        async def follow_up(content: str) -> None:
            await answered.followup.send(content[:2000], ephemeral=True)

        reply: Reply = follow_up
        if not answer.value:
            if answer.unconfirmed_key:  # None: refused by ``recheck``, and the click was told why
                await reply(text(interaction, answer.unconfirmed_key))
            return
    else:
        await interaction.response.defer(ephemeral=True, thinking=True)

        async def answer_deferred(content: str) -> None:
            await ephemeral(interaction, content[:2000])

        reply = answer_deferred

    result = await cog.bot.db.run(
        edit_store.edit_poll,
        found.id,
        interaction.user.id,
        question,
        list(options),
        note,
        expected=found.options,
        confirmed=bool(impact.affected),
    )
    if result.outcome is EditOutcome.NOT_FOUND:
        await reply(text(interaction, "polls.errors.not_found"))
        return
    if result.outcome is EditOutcome.CHANGED:
        await reply(text(interaction, "polls.errors.edit_conflict", id=found.id))
        return
    if result.outcome is EditOutcome.SECRET_OPEN:  # a first ballot arrived after the preview
        await reply(text(interaction, "polls.errors.secret_remove", id=found.id))
        return
    await cog.publisher.refresh(found.id)
    done = text(interaction, "polls.edit.done", id=found.id)
    if result.impact.affected:
        done += "\n" + text(
            interaction,
            "polls.edit.done_ballots",
            count=result.impact.affected,
            details=impact_details(interaction, result.impact),
        )
    await reply(done)
