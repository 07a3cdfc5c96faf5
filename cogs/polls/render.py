"""Build the poll message (embed + components) and result embeds from a poll and its tally.

Everything members typed (the question, option labels, edit notes) is shown through ``bot.text.untrusted``
(through ``shown_label`` for a label inside the bot's own formatting): clipped first, then escaped, no pings.
Button and select labels are not markdown and stay as typed (``views``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import discord

from bot.embeds import TITLE_LIMIT
from bot.text import clip_lines, untrusted
from cogs.polls.model import EditNote, Poll
from cogs.polls.options import MAX_QUESTION_LENGTH
from cogs.polls.summary import (
    Text,
    joined,
    label_limit,
    option_lines,
    outcome_line,
    round_lines,
    shown_label,
)
from cogs.polls.tally import Method, RunoffResult, Totals
from cogs.polls.views import (
    BallotFlow,
    BallotFlowButton,
    RemoveVoteButton,
    ShowResultsButton,
    VoteButton,
    VoteSelect,
)

OPEN_COLOUR = discord.Colour(0x5B7DB1)
CLOSED_COLOUR = discord.Colour(0x6E6E78)
MAX_BUTTON_OPTIONS = 5
MAX_NOTES_SHOWN = 5
NOTE_LENGTH = 200  # what the note shows, escapes included (the command takes at most 200 characters)
# The question in a description (the results): escaping at most doubles it, so a valid question is never cut.
QUESTION_LIMIT = 2 * MAX_QUESTION_LENGTH
DESCRIPTION_LIMIT = 4000  # under Discord's 4096
LIVE_EDIT_MAX_AGE = 3600.0  # older polls stop live edits; members use "Show results"


def live_edits(poll: Poll, now: float | None = None) -> bool:
    """Whether votes update the poll message (open, younger than an hour): live counts, or only the turnout
    for a secret or hidden poll. Older polls show no number at all until close (it would go stale)."""
    now = time.time() if now is None else now
    return poll.is_open and now - poll.created_at < LIVE_EDIT_MAX_AGE


def live_counts_shown(poll: Poll, now: float | None = None) -> bool:
    """Whether the open poll's message carries live counts: never for a secret poll, whose counts moving as
    members click would show who voted what, nor for a hidden one; those show only the turnout until close."""
    return live_edits(poll, now) and not poll.secret and not poll.hidden


def turnout_shown(poll: Poll, now: float | None = None) -> bool:
    """Whether the message states how many ballots there are: when closed, or while votes keep it current.
    The turnout reveals no choice, so hidden and secret polls show it too."""
    return not poll.is_open or live_edits(poll, now)


def method_text(poll: Poll, t: Text) -> str:
    if poll.method is Method.MULTIPLE:
        return t("polls.method.multiple_max", max=poll.max_choices)
    return t(f"polls.method.{poll.method.value}")


def poll_embed(
    poll: Poll,
    t: Text,
    *,
    result: Totals | RunoffResult | None,
    notes: Sequence[EditNote] = (),
    now: float | None = None,
) -> discord.Embed:
    """The public poll message: question, how to vote, (live or final) counts, deadline and edit notes."""
    closed = not poll.is_open
    embed = discord.Embed(
        title=untrusted(poll.question, TITLE_LIMIT, one_line=True),
        colour=CLOSED_COLOUR if closed else OPEN_COLOUR,
    )
    header = [method_text(poll, t)]
    if poll.secret:
        header.append(t("polls.message.secret"))
    if poll.hidden and not closed:
        header.append(t("polls.message.hidden"))
    if poll.eligible_role_id:
        header.append(t("polls.message.eligible", role=f"<@&{poll.eligible_role_id}>"))
    when = int(poll.closed_at if closed and poll.closed_at else poll.closes_at)
    deadline = t("polls.message.closed_at" if closed else "polls.message.closes", when=f"<t:{when}:R>")
    lines = [" · ".join(header), deadline, ""]
    if result is not None and (closed or live_counts_shown(poll, now)):
        lines += option_lines(poll, result, t)
        if closed:
            lines += ["", outcome_line(poll, result, t, markdown=True)]
    else:
        limit = label_limit(len(poll.options))
        lines += [f"• **{shown_label(o.label, limit)}**" for o in poll.options]
        if poll.is_open and poll.secret:
            lines += ["", t("polls.message.secret_counts")]
        elif poll.is_open and not poll.hidden:
            lines += ["", t("polls.message.use_results_button")]
    shown_notes = list(notes)[-MAX_NOTES_SHOWN:]
    if shown_notes:
        lines += ["", *[note_line(n, t) for n in shown_notes]]
    embed.description = clip_lines(lines, DESCRIPTION_LIMIT)
    if result is not None and turnout_shown(poll, now):
        footer = t("polls.message.footer", id=poll.id, count=result.ballots)
    else:
        footer = t("polls.message.footer_plain", id=poll.id)
    if poll.secret:
        footer += "\n" + t("polls.message.secret_footer" if poll.is_open else "polls.message.sealed_footer")
    embed.set_footer(text=footer[:2048])
    return embed


def note_line(note: EditNote, t: Text) -> str:
    """One edit on the poll message: "✏️ Edited: why", and which options went (their votes with them), in
    the same words whatever the ballots said, so a hidden or secret poll's note reveals nothing of its votes.
    The note and the labels are the members' text: no formatting, no links, no pings."""
    line = t("polls.message.edit_note", note=untrusted(note.note, NOTE_LENGTH, one_line=True))
    if note.removed:
        removed = joined([shown_label(label) for label in note.removed])
        line += " · " + t("polls.message.edit_removed", options=removed)
    return line


def poll_view(poll: Poll, t: Text) -> discord.ui.View | None:
    """Voting components while open (none once closed)."""
    if not poll.is_open:
        return None
    view = discord.ui.View(timeout=None)
    if poll.method is Method.SINGLE and len(poll.options) <= MAX_BUTTON_OPTIONS:
        for option in poll.options:
            view.add_item(VoteButton(poll.id, option.id, option.label))
    elif poll.method in (Method.SINGLE, Method.MULTIPLE):
        maximum = 1 if poll.method is Method.SINGLE else min(poll.max_choices, len(poll.options))
        select = discord.ui.Select(
            custom_id=f"poll:{poll.id}:sel",
            placeholder=t("polls.vote.placeholder_multiple" if maximum > 1 else "polls.vote.placeholder")[
                :150
            ],
            min_values=1,
            max_values=maximum,
            options=[discord.SelectOption(label=o.label[:100], value=str(o.id)) for o in poll.options],
        )
        view.add_item(VoteSelect(poll.id, select))
    else:
        kind: BallotFlow = "rank" if poll.method is Method.RANKED else "score"
        view.add_item(BallotFlowButton(poll.id, kind, t(f"polls.vote.start_{kind}")))
    remove = RemoveVoteButton(poll.id, t("polls.vote.remove_button"))
    results = ShowResultsButton(poll.id, t("polls.vote.results_button"))
    remove.item.row = results.item.row = 1
    view.add_item(remove)
    view.add_item(results)
    return view


def results_embed(poll: Poll, result: Totals | RunoffResult, t: Text, *, final: bool) -> discord.Embed:
    """Results with the outcome, ties and (for instant-runoff) every round."""
    title = t("polls.results.title_final" if final else "polls.results.title_current", id=poll.id)
    embed = discord.Embed(title=title[:256], colour=CLOSED_COLOUR if final else OPEN_COLOUR)
    question = untrusted(poll.question, QUESTION_LIMIT, one_line=True)
    lines = [
        f"**{question}**",
        "",
        *option_lines(poll, result, t),
        "",
        outcome_line(poll, result, t, markdown=True),
    ]
    if isinstance(result, RunoffResult) and result.rounds:
        lines += ["", t("polls.results.rounds"), *round_lines(poll, result, t)]
    embed.description = clip_lines(lines, DESCRIPTION_LIMIT)
    embed.set_footer(text=t("polls.results.ballots", count=result.ballots)[:2048])
    return embed
