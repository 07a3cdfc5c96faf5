"""Ask the invoker to confirm a destructive action with two buttons, privately.

A prompt can stay open for minutes, and the member's authority can change meanwhile (a role removed, the
moderator role moved, the channel hidden from them). A caller that acts with authority passes the command's
own check as ``recheck``: it runs again on the confirming click, with the member's roles and permissions as
Discord sends them with that click. Only a click that passes it confirms; one that fails it is answered with
the check's error, the prompt's buttons are disabled, and ``ask`` returns an answer that is not confirmed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot import replies
from bot.errors import ErrorReportingView, UserFacingError, report

# A check run on the confirming click: returns (any value) when the clicker may still act, raises otherwise
# (``bot.checks.require_curator``, ``require_moderator``, a cog's lookup of the thing acted on…; typed for any
# client, so a cog's check written for ``bot.client.Interaction`` fits).
Recheck = Callable[[discord.Interaction[Any]], Awaitable[object]]


class Confirm(ErrorReportingView):
    """Confirm/Cancel buttons; ``value`` is True, False, or None on timeout (or refused: ``refusal``)."""

    def __init__(
        self,
        owner_id: int,
        *,
        confirm_label: str,
        cancel_label: str,
        timeout: float = 120,
        recheck: Recheck | None = None,
    ) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.recheck = recheck
        self.value: bool | None = None
        self.clicked: discord.Interaction | None = None
        self.refusal: Exception | None = None  # what ``recheck`` raised on the confirming click
        self.confirm.label = confirm_label
        self.cancel.label = cancel_label

    @property
    def unconfirmed_key(self) -> str | None:
        """What to tell the member when ``value`` is not True: ``ui.cancelled``, ``ui.timed_out``, or None when
        the click was refused by ``recheck`` (already answered with the check's error: say nothing more)."""
        if self.value or self.refusal is not None:
            return None
        return "ui.cancelled" if self.value is False else "ui.timed_out"

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            raise UserFacingError("errors.not_yours")
        return True

    async def _finish(
        self, interaction: discord.Interaction, value: bool | None, refusal: Exception | None = None
    ) -> None:
        self.value = value
        self.clicked = interaction
        self.refusal = refusal
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        await interaction.response.edit_message(view=self)
        if refusal is not None:  # the check's own message, answering the click (a follow-up to the edit)
            await report(interaction, refusal, where="confirm button")
        self.stop()

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        if self.recheck is not None:
            try:
                await self.recheck(interaction)
            except Exception as refused:  # a UserFacingError, or a bug: either way, nothing is confirmed
                await self._finish(interaction, None, refused)
                return
        await self._finish(interaction, True)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._finish(interaction, False)


async def ask(
    interaction: discord.Interaction, prompt: str, *, timeout: float = 120, recheck: Recheck | None = None
) -> Confirm:
    """Send ``prompt`` ephemerally with Confirm/Cancel and wait. Check ``.value``; answer via ``.clicked``
    (already acknowledged by an edit, so use its ``followup``) or, on timeout, ``interaction.followup``
    (the buttons are then disabled on the prompt).

    With ``recheck`` (the command's own check, e.g. ``bot.checks.require_curator``), a Confirm click is checked
    again before it counts. When the check fails, the click is answered with its error (privately, as the
    command would answer), the buttons are disabled, and ``value`` stays None with ``refusal`` set: act only
    when ``value`` is True, and tell the member ``unconfirmed_key`` (when not None) otherwise.
    """
    view = Confirm(
        interaction.user.id,
        confirm_label=replies.text(interaction, "ui.confirm"),
        cancel_label=replies.text(interaction, "ui.cancel"),
        timeout=timeout,
        recheck=recheck,
    )
    await view.send(interaction, prompt, ephemeral=True)  # disabled on the message if it times out
    await view.wait()
    return view
