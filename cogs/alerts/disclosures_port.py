"""What alerts ask of the disclosures cog: small typed Protocols, reached through ``bot.get_cog``.

No cog imports another. Each feature checks only the one method it needs, so alerts keep working (without
record buttons, record names or drafts) when the disclosures cog is not loaded or lacks a method.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

import discord

if TYPE_CHECKING:
    from bot.client import Interaction

DISCLOSURES_COG = "Disclosures"


@runtime_checkable
class RecordFinder(Protocol):
    async def records_mentioned(self, text: str) -> list[dict[str, Any]]:
        """Published records named in ``text``: dicts with id, title, disclosure, label_key."""
        ...


@runtime_checkable
class RecordShower(Protocol):
    async def show_record(self, interaction: Interaction, record_id: str) -> None:
        """Answer ``interaction`` privately with the record."""
        ...


@runtime_checkable
class SubmissionOpener(Protocol):
    async def open_submission(
        self, interaction: Interaction, *, title: str = "", source_url: str = "", notes: str = ""
    ) -> None:
        """Answer ``interaction`` with the member's submit form, pre-filled (open to every member)."""
        ...


P = TypeVar("P")


def disclosures(client: discord.Client, protocol: type[P]) -> P | None:
    """The disclosures cog as ``protocol`` when it is loaded and provides it, else None (also for a client that
    has no cogs)."""
    get_cog = getattr(client, "get_cog", None)
    cog = get_cog(DISCLOSURES_COG) if get_cog is not None else None
    return cog if cog is not None and isinstance(cog, protocol) else None
