"""The "Check image for AI metadata" message command: download each image (capped) and list its signals."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot import replies
from bot.text import clip, clip_lines
from cogs.disclosures.provenance import Signal, read_signals

log = logging.getLogger(__name__)

MENU_NAME = "Check image for AI metadata"
MAX_BYTES = 25 * 1024 * 1024
MAX_IMAGES = 10
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=20)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


def is_image(attachment: discord.Attachment) -> bool:
    if attachment.content_type:
        return attachment.content_type.startswith("image/")
    return attachment.filename.lower().endswith(IMAGE_SUFFIXES)


def signal_line(signal: Signal, t: Any) -> list[str]:
    """The catalog lines describing one signal."""
    if signal.kind == "c2pa":
        lines = [
            t(
                "disclosures.provenance.c2pa",
                generator=signal.detail["generator"],
                validation=signal.detail["validation"],
            )
        ]
        if signal.detail.get("actions"):
            lines.append(t("disclosures.provenance.c2pa_actions", actions=signal.detail["actions"]))
        if signal.detail.get("source_types"):
            key = "ai_source_type" if signal.ai else "digital_source_type"
            lines.append(t(f"disclosures.provenance.{key}", value=signal.detail["source_types"]))
        return lines
    if signal.kind == "digital_source_type":
        key = "ai_source_type" if signal.ai else "digital_source_type"
        return [t(f"disclosures.provenance.{key}", value=signal.detail["value"])]
    return [t(f"disclosures.provenance.{signal.kind}", **signal.detail)]


class ImageCheck:
    """Mixed into the Disclosures cog: owns the message context menu."""

    bot: Any

    def add_image_menu(self) -> None:
        self._image_menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.check_image)
        self.bot.tree.add_command(self._image_menu)

    def remove_image_menu(self) -> None:
        menu = getattr(self, "_image_menu", None)
        if menu is not None:
            self.bot.tree.remove_command(menu.name, type=menu.type)

    async def download(self, attachment: discord.Attachment) -> bytes | None:
        """The attachment's bytes through the shared session, or None when too large or unreachable."""
        try:
            async with self.bot.http_session.get(attachment.url, timeout=DOWNLOAD_TIMEOUT) as response:
                response.raise_for_status()
                data = await response.content.read(MAX_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.info("Could not download attachment %s: %s", attachment.id, exc)
            return None
        return data if len(data) <= MAX_BYTES else b""

    async def check_image(self, interaction: discord.Interaction, message: discord.Message) -> None:
        t = partial(replies.text, interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        images = [a for a in message.attachments if is_image(a)][:MAX_IMAGES]
        if not images:
            await replies.ephemeral(interaction, t("disclosures.provenance.no_images"))
            return
        sections: list[str] = []
        for attachment in images:
            name = discord.utils.escape_markdown(clip(attachment.filename, 80))
            if attachment.size > MAX_BYTES:
                sections.append(
                    t("disclosures.provenance.too_large", name=name, limit=MAX_BYTES // (1024 * 1024))
                )
                continue
            data = await self.download(attachment)
            if data is None:
                sections.append(t("disclosures.provenance.failed", name=name))
                continue
            if not data:
                sections.append(
                    t("disclosures.provenance.too_large", name=name, limit=MAX_BYTES // (1024 * 1024))
                )
                continue
            signals = await asyncio.to_thread(read_signals, data, attachment.content_type)
            if not signals:
                sections.append(t("disclosures.provenance.none_found", name=name))
                continue
            lines = [line for signal in signals for line in signal_line(signal, t)]
            body = clip_lines(
                [f"• {line}" for line in lines], 900, lambda n: t("disclosures.provenance.more", count=n)
            )
            sections.append(f"**{t('disclosures.provenance.found', name=name)}**\n{body}")
        embed = discord.Embed(
            title=t("disclosures.provenance.title"),
            description=clip_lines(sections, 3500),
            colour=0x5B7DB1,
        )
        embed.add_field(name="\u200b", value=t("disclosures.provenance.disclaimer"), inline=False)
        await replies.ephemeral(interaction, embed=embed)
