"""The image check: the "Check image for AI metadata" message command and `/disclosure check-image file:`.

Both download each image (streamed, capped at ``MAX_BYTES`` while reading), have a reader worker process read
it (``reader_pool.py``: time-limited, memory-limited, offline) and answer privately with what was found. Like
`/disclosure`, the menu can be installed to a member's account: it reads the message's attachments from what
Discord sends with the interaction (its resolved data), so it works in DMs and servers without Haikei.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Literal, get_args

import aiohttp
import discord
from discord import app_commands

from bot import replies
from cogs.disclosures.image_reply import Translate, file_name, reply_embed, section, section_limit
from cogs.disclosures.mixins import MixinMeta
from cogs.disclosures.reader_pool import ReaderPool

if TYPE_CHECKING:
    from bot.client import Interaction

log = logging.getLogger(__name__)

MENU_NAME = "Check image for AI metadata"
MAX_BYTES = 25 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
MAX_IMAGES = 10
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60, sock_read=20)
# Files downloaded and held at once, bot-wide: one per reader worker plus one downloading ahead. The others wait
# (their interactions are deferred), so a burst of checks holds at most this many files' bytes in memory.
FILES_AT_ONCE = 3
READ_SIZE = 256 * 1024
IMAGE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".webp",
    ".gif",
    ".tif",
    ".tiff",
    ".dng",
    ".avif",
    ".heic",
    ".heif",
    ".jxl",
    ".svg",
)
P = "disclosures.provenance."
# The reply when there is no image to read: the command's file is not one, the menu's message has none.
NothingKey = Literal["not_image", "no_images"]
NOTHING_KEYS: tuple[NothingKey, ...] = get_args(NothingKey)


class TooLarge(Exception):
    """The body grew past ``MAX_BYTES`` while it was being read."""


def is_image(attachment: discord.Attachment) -> bool:
    if attachment.content_type and attachment.content_type.startswith("image/"):
        return True
    return attachment.filename.lower().endswith(IMAGE_SUFFIXES)


async def read_capped(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """The whole body, read to the end in pieces; ``TooLarge`` as soon as it passes ``limit`` bytes."""
    if response.content_length is not None and response.content_length > limit:
        raise TooLarge
    pieces: list[bytes] = []
    size = 0
    async for piece in response.content.iter_chunked(READ_SIZE):
        size += len(piece)
        if size > limit:
            raise TooLarge
        pieces.append(piece)
    return b"".join(pieces)


class ImageCheck(MixinMeta):
    """Mixed into the Disclosures cog: the message context menu, the slash command, and the reader pool."""

    _image_menu: app_commands.ContextMenu | None = None
    image_reader: ReaderPool | None = None
    _files_at_once: asyncio.Semaphore | None = None

    def add_image_menu(self) -> None:
        """Called from ``cog_load``: register the menu; reader workers start on first use."""
        self.image_reader = ReaderPool()
        self._files_at_once = asyncio.Semaphore(FILES_AT_ONCE)
        self._image_menu = app_commands.ContextMenu(
            name=MENU_NAME,
            callback=self.check_image,
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
        )
        self.bot.tree.add_command(self._image_menu)

    def remove_image_menu(self) -> None:
        """Called from ``cog_unload``: unregister the menu and kill the reader workers."""
        if self._image_menu is not None:
            self.bot.tree.remove_command(self._image_menu.name, type=self._image_menu.type)
        if self.image_reader is not None:
            self.image_reader.close()

    @app_commands.command(
        name="check-image",
        description="Check an image for AI metadata without posting it (not stealth pixel data or watermarks)",
    )
    @app_commands.describe(
        file="The image to check (PNG, JPEG, WebP, GIF, TIFF, AVIF, HEIC, JPEG XL or SVG, up to 25 MB)"
    )
    async def check_image_file(self, interaction: Interaction, file: discord.Attachment) -> None:
        await self.run_image_check(interaction, [file], nothing_key="not_image")

    async def check_image(self, interaction: Interaction, message: discord.Message) -> None:
        await self.run_image_check(interaction, message.attachments, nothing_key="no_images")

    async def run_image_check(
        self, interaction: Interaction, attachments: Sequence[discord.Attachment], *, nothing_key: NothingKey
    ) -> None:
        t = partial(replies.text, interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        candidates = [a for a in attachments if is_image(a)]
        images = candidates[:MAX_IMAGES]
        if not images:
            names = ", ".join(file_name(a.filename) for a in attachments[:3]) or "?"
            await replies.ephemeral(interaction, t(P + nothing_key, name=names))
            return
        limit = section_limit(len(images))
        sections = [await self.check_one(attachment, t, limit) for attachment in images]
        if len(candidates) > MAX_IMAGES:
            sections.append(t(P + "more_images", count=len(candidates) - MAX_IMAGES, limit=MAX_IMAGES))
        await replies.ephemeral(interaction, embed=reply_embed(sections, t))

    async def check_one(self, attachment: discord.Attachment, t: Translate, limit: int) -> str:
        """One file's section of the reply. A check's files are read one at a time, and at most ``FILES_AT_ONCE``
        files are held at once across every check running (a burst of checks waits its turn)."""
        name = file_name(attachment.filename)
        if attachment.size > MAX_BYTES:
            return t(P + "too_large", name=name, limit=MAX_MB)
        if self._files_at_once is None:  # pragma: no cover - add_image_menu runs in cog_load
            self._files_at_once = asyncio.Semaphore(FILES_AT_ONCE)
        async with self._files_at_once:
            return await self._check_held(attachment, name, t, limit)

    async def _check_held(self, attachment: discord.Attachment, name: str, t: Translate, limit: int) -> str:
        try:
            data = await self.download(attachment)
        except TooLarge:
            return t(P + "too_large", name=name, limit=MAX_MB)
        if data is None:
            return t(P + "failed", name=name)
        if not data:
            return t(P + "empty", name=name)
        if self.image_reader is None:  # pragma: no cover - add_image_menu runs in cog_load
            self.image_reader = ReaderPool()
        result = await self.image_reader.read(data, attachment.content_type)
        return section(name, result, t, limit)

    async def download(self, attachment: discord.Attachment) -> bytes | None:
        """The attachment's bytes through the shared session, or None when unreachable (``TooLarge`` past cap)."""
        try:
            async with self.bot.http_session.get(attachment.url, timeout=DOWNLOAD_TIMEOUT) as response:
                response.raise_for_status()
                return await read_capped(response, MAX_BYTES)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.info("Could not download attachment %s: %s", attachment.id, exc)
            return None
