"""Ask the invoker to confirm a destructive action with two buttons, privately."""

from __future__ import annotations

import discord

from bot import replies
from bot.errors import ErrorReportingView, UserFacingError


class Confirm(ErrorReportingView):
    """Confirm/Cancel buttons; ``value`` is True, False, or None on timeout."""

    def __init__(self, owner_id: int, *, confirm_label: str, cancel_label: str, timeout: float = 120) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.value: bool | None = None
        self.clicked: discord.Interaction | None = None
        self.confirm.label = confirm_label
        self.cancel.label = cancel_label

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            raise UserFacingError("errors.not_yours")
        return True

    async def _finish(self, interaction: discord.Interaction, value: bool) -> None:
        self.value = value
        self.clicked = interaction
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        await interaction.response.edit_message(view=self)
        self.stop()

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._finish(interaction, True)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._finish(interaction, False)


async def ask(interaction: discord.Interaction, prompt: str, *, timeout: float = 120) -> Confirm:
    """Send ``prompt`` ephemerally with Confirm/Cancel and wait. Check ``.value``; answer via ``.clicked``
    (already acknowledged by an edit, so use its ``followup``) or, on timeout, ``interaction.followup``
    (the buttons are then disabled on the prompt).
    """
    view = Confirm(
        interaction.user.id,
        confirm_label=replies.text(interaction, "ui.confirm"),
        cancel_label=replies.text(interaction, "ui.cancel"),
        timeout=timeout,
    )
    await view.send(interaction, prompt, ephemeral=True)  # disabled on the message if it times out
    await view.wait()
    return view
