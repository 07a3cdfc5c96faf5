"""Previous/next paging over a list of embeds; only the member who asked can turn the pages."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot import replies
from bot.embeds import finish
from bot.errors import ErrorReportingView, UserFacingError


class Paginator(ErrorReportingView):
    """Shows ``pages[index]`` with the page number in the footer; buttons disable themselves at the ends."""

    def __init__(self, owner_id: int, pages: Sequence[discord.Embed], *, timeout: float = 600) -> None:
        super().__init__(timeout=timeout)
        if not pages:
            raise ValueError("a paginator needs at least one page")
        self.owner_id = owner_id
        self.pages = [finish(page) for page in pages]
        self.index = 0
        self._sync_buttons()

    @property
    def page(self) -> discord.Embed:
        return self.pages[self.index]

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            raise UserFacingError("errors.not_yours")
        return True

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.page, view=self)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._show(interaction, self.index + 1)

    async def start(self, interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
        """Send the first page (with buttons only when there is more than one page); on timeout the buttons
        are disabled on the message (``ErrorReportingView``)."""
        if len(self.pages) > 1:
            await self.send(interaction, embed=self.page, ephemeral=ephemeral)
        else:
            await replies.send(interaction, embed=self.page, ephemeral=ephemeral)
            self.stop()
