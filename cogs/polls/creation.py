"""Creating a poll: who may, where and with which ping; the options form, validation, storing it and posting
the poll message.

Who may create, where the poll goes and which role it pings are checked when ``/poll create`` runs and again
when its form is submitted (a role, a channel permission or the poller setting may have changed meanwhile);
the form takes a submission only from the member who opened it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import discord

from bot.channel_rights import require_rights
from bot.checks import has_role_setting, is_moderator
from bot.errors import BadInput, ErrorReportingModal, UserFacingError
from bot.replies import ephemeral, text
from cogs.polls import store
from cogs.polls.model import State, tally
from cogs.polls.options import check_max_choices, parse_options, validate_question
from cogs.polls.problems import InputProblem
from cogs.polls.render import poll_embed, poll_view
from cogs.polls.tally import Method

if TYPE_CHECKING:
    from cogs.polls.cog import Polls

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CreateRequest:
    """Everything /poll create was given except the options."""

    guild_id: int
    channel_id: int
    question: str
    method: Method
    max_choices: int | None
    secret: bool
    hidden: bool
    eligible_role_id: int | None
    ping_role_id: int | None
    closes_at: float
    created_by: int


async def require_creator(interaction: discord.Interaction) -> None:
    """Moderators and members holding the poll creator role (``/config pollers``) create polls."""
    if not (await is_moderator(interaction) or await has_role_setting(interaction, "poller_role_id")):
        raise UserFacingError("polls.errors.cannot_create")


def check_target(interaction: discord.Interaction, request: CreateRequest) -> None:
    """The member may post in the poll's channel (view it, send messages there) and may ping its role there
    (a mentionable role, or Mention Everyone in that channel): Discord's own rules for the member's message."""
    role = None
    if request.ping_role_id is not None:
        role = interaction.guild.get_role(request.ping_role_id) if interaction.guild else None
        if role is None:  # gone since the command ran: nothing to ping, and nothing to post with a ping
            raise UserFacingError(
                "polls.errors.cannot_ping",
                role=f"<@&{request.ping_role_id}>",
                channel=f"<#{request.channel_id}>",
            )
    require_rights(
        interaction,
        request.channel_id,
        role,
        post_key="polls.errors.cannot_post_there",
        ping_key="polls.errors.cannot_ping",
    )


async def check_create(interaction: discord.Interaction, request: CreateRequest) -> None:
    await require_creator(interaction)
    check_target(interaction, request)


class OptionsModal(ErrorReportingModal):
    """A form for the options, one per line (and the question, editable); only its opener may submit it."""

    def __init__(self, cog: Polls, request: CreateRequest, interaction: discord.Interaction) -> None:
        super().__init__(title=text(interaction, "polls.create.modal_title")[:45], timeout=900)
        self.cog = cog
        self.request = request
        self.opener_id = interaction.user.id
        self.question = discord.ui.TextInput(
            label=text(interaction, "polls.create.modal_question")[:45],
            default=request.question,
            max_length=240,
        )
        self.options = discord.ui.TextInput(
            label=text(interaction, "polls.create.modal_options")[:45],
            style=discord.TextStyle.paragraph,
            placeholder=text(interaction, "polls.create.modal_placeholder")[:100],
            max_length=4000,
        )
        self.add_item(self.question)
        self.add_item(self.options)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        # discord.py finds a modal by its custom_id alone: anyone who sends that id reaches this form
        if interaction.user.id != self.opener_id:
            raise UserFacingError("polls.errors.not_your_form")
        return True

    async def on_submit(self, interaction: discord.Interaction) -> None:
        question_text, options_text = self.question.value, self.options.value  # read before anything awaits
        # the member's roles, the poller setting or the channel's permissions may have changed since it opened
        await check_create(interaction, self.request)
        try:
            question = validate_question(question_text)
        except InputProblem as problem:
            raise BadInput(problem.key, **problem.params) from None
        await create_poll(self.cog, interaction, replace(self.request, question=question), options_text)


async def create_poll(
    cog: Polls, interaction: discord.Interaction, request: CreateRequest, options_text: str
) -> None:
    """Validate the options, store the poll, post it; on any failure nothing stays stored."""
    try:
        options = tuple(parse_options(options_text))
        max_choices = (
            check_max_choices(request.max_choices, len(options))
            if request.method is Method.MULTIPLE
            else len(options)
        )
    except InputProblem as problem:
        raise BadInput(problem.key, **problem.params) from None
    if request.method is Method.SINGLE:
        max_choices = 1
    await interaction.response.defer(ephemeral=True, thinking=True)
    new = store.NewPoll(
        guild_id=request.guild_id,
        channel_id=request.channel_id,
        question=request.question,
        options=options,
        method=request.method,
        max_choices=max_choices,
        secret=request.secret,
        hidden=request.hidden,
        eligible_role_id=request.eligible_role_id,
        ping_role_id=request.ping_role_id,
        closes_at=request.closes_at,
        created_by=request.created_by,
    )
    poll_id = await cog.bot.db.run(store.create_poll, new)
    poll = await cog.bot.db.run(store.get_poll, poll_id)
    assert poll is not None and poll.state is State.OPEN
    t = cog.publisher.guild_text(poll.guild_id)
    channel = cog.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
    ping = discord.AllowedMentions.none()
    content = None
    if poll.ping_role_id:
        content = f"<@&{poll.ping_role_id}>"
        ping = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(poll.ping_role_id)])
    try:
        message = await channel.send(
            content=content,
            embed=poll_embed(poll, t, result=tally(poll, [])),
            view=poll_view(poll, t) or discord.utils.MISSING,
            allowed_mentions=ping,
        )
    except discord.HTTPException as exc:
        await cog.bot.db.run(store.delete_poll, cog.keys, poll_id, interaction.user.id)
        log.warning("Could not post poll %s in channel %s: %s", poll_id, poll.channel_id, exc)
        raise UserFacingError("polls.errors.cannot_post", channel=f"<#{poll.channel_id}>") from None
    await cog.bot.db.run(store.set_message, poll_id, message.id)
    cog.scheduler.wake()
    log.info("Poll %s created in guild %s by %s", poll_id, poll.guild_id, interaction.user.id)
    await ephemeral(
        interaction,
        text(
            interaction,
            "polls.create.done",
            id=poll_id,
            channel=f"<#{poll.channel_id}>",
            when=f"<t:{int(poll.closes_at)}:R>",
        ),
    )
