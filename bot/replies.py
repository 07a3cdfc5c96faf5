"""Answer an interaction the same way whether it was already responded to, deferred, or not at all."""

from __future__ import annotations

from typing import Any

import discord

from bot.embeds import finish

NO_PINGS = discord.AllowedMentions.none()


async def send(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    ephemeral: bool = False,
    **kwargs: Any,
) -> discord.Message | None:
    """Send ``content``/``embed``/``view``/``file`` as the response, or as a follow-up once responded.

    Mentions are off unless the caller passes ``allowed_mentions``; embeds are made to fit Discord's limits.
    """
    kwargs.setdefault("allowed_mentions", NO_PINGS)
    if kwargs.get("embed") is not None:
        finish(kwargs["embed"])
    for embed in kwargs.get("embeds") or ():
        finish(embed)
    if content is not None:
        kwargs["content"] = content
    if interaction.response.is_done():
        return await interaction.followup.send(ephemeral=ephemeral, wait=True, **kwargs)
    await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
    return None


async def ephemeral(interaction: discord.Interaction, content: str | None = None, **kwargs: Any) -> None:
    """Send a private reply (errors, receipts, anything only the invoker should see)."""
    await send(interaction, content, ephemeral=True, **kwargs)


def text(interaction: discord.Interaction, key: str, /, **params: Any) -> str:
    """Translate ``key`` for the invoker's locale using the bot's catalogs."""
    return interaction.client.i18n.text(key, interaction.locale, **params)  # type: ignore[attr-defined]
