"""INTERACTION_CREATE payloads shaped like Discord's, and ``InteractionResult``: what the bot did with one.

The result object is what end-to-end tests assert on: the initial callback type, the original response
message (kept current through edits), follow-ups, a modal or autocomplete choices, and latency.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.sandbox.entities import DM, Channel, User
from bot.sandbox.messages import EPHEMERAL, LOADING
from bot.sandbox.options import DriverError

if TYPE_CHECKING:
    from bot.sandbox.emulator import Emulator

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


def channel_for_interaction(emu: Emulator, channel: Channel, user: User) -> dict[str, Any]:
    data = channel.payload(emu.world)
    if channel.type != DM:
        data["permissions"] = str(emu.world.channel_permissions(user, channel))
    return data


def build_interaction(
    emu: Emulator,
    itype: int,
    data: dict[str, Any] | None,
    *,
    user: User,
    channel: Channel,
    message: dict[str, Any] | None = None,
    locale: str = "en-US",
) -> dict[str, Any]:
    """The full interaction object Discord sends over the gateway (guild or DM context)."""
    world = emu.world
    guild = world.guild_of(channel)
    payload: dict[str, Any] = {
        "id": str(world.ids.next()),
        "application_id": str(world.application_id),
        "type": itype,
        "token": "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48),
        "version": 1,
        "channel": channel_for_interaction(emu, channel, user),
        "channel_id": str(channel.id),
        "locale": locale,
        "entitlements": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "app_permissions": str(world.channel_permissions(world.bot, channel)),
    }
    if data is not None:
        payload["data"] = data
    if message is not None:
        payload["message"] = {k: v for k, v in message.items() if k not in ("allowed_mentions", "deleted")}
    if guild is not None:
        if user.id not in guild.members:
            raise DriverError(f"{user.username} is not a member of {guild.name}")
        member = guild.members[user.id].payload(world)
        member["permissions"] = str(world.channel_permissions(user, channel))
        payload.update(
            guild_id=str(guild.id),
            guild={"id": str(guild.id), "locale": guild.locale, "features": list(guild.features)},
            guild_locale=guild.locale,
            member=member,
            authorizing_integration_owners={"0": str(guild.id)},
            context=0,
        )
    else:
        payload.update(user=user.payload(), authorizing_integration_owners={"0": "0"}, context=1)
    return payload


class InteractionResult:
    """One dispatched interaction and everything the bot answered to it."""

    def __init__(
        self, emu: Emulator, payload: dict[str, Any], *, label: str, source: dict[str, Any] | None
    ) -> None:
        self.emu = emu
        self.payload = payload
        self.label = label
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.channel_id = int(payload["channel_id"])
        self.source_message = source
        self.dispatched_at = time.monotonic()
        self.response_type: int | None = None
        self.response_body: dict[str, Any] | None = None
        self.acked_at: float | None = None
        self.original: dict[str, Any] | None = None
        self.followups: list[dict[str, Any]] = []
        self.modal: dict[str, Any] | None = None
        self.choices: list[dict[str, Any]] | None = None
        self.rejected: list[tuple[int, int]] = []  # (http status, discord code) of refused callbacks

    def __repr__(self) -> str:
        return f"<InteractionResult {self.label!r} type={self.type} response={self.response_type}>"

    @property
    def key(self) -> tuple[str, int]:
        """Wake-up key for this interaction's waits (see ``Emulator.emit``)."""
        return ("interaction", self.id)

    # ----- state --------------------------------------------------------------------------
    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None

    @property
    def ack_latency(self) -> float | None:
        """Seconds from dispatch to the initial callback (None until acknowledged)."""
        return None if self.acked_at is None else self.acked_at - self.dispatched_at

    @property
    def message(self) -> dict[str, Any] | None:
        return self.original

    @property
    def ephemeral(self) -> bool:
        flags = (
            (self.original or {}).get("flags")
            or ((self.response_body or {}).get("data") or {}).get("flags")
            or 0
        )
        return bool(flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.original and self.original.get("flags", 0) & LOADING)

    @property
    def content(self) -> str | None:
        return None if self.original is None else self.original.get("content")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return [] if self.original is None else self.original.get("embeds", [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return [] if self.original is None else self.original.get("components", [])

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return [] if self.original is None else self.original.get("attachments", [])

    @property
    def expired(self) -> bool:
        return time.monotonic() - self.dispatched_at > self.emu.followup_ttl

    # ----- waiting --------------------------------------------------------------------------
    async def wait(self, timeout: float = 5.0) -> InteractionResult:
        """Until the initial callback arrives."""
        await self.emu.wait_until(
            lambda: self.acknowledged or self.rejected,
            timeout,
            f"the bot to answer interaction {self.label!r}",
            key=self.key,
        )
        if not self.acknowledged:
            status, code = self.rejected[0]
            why = "after the deadline" if code == 10062 else "a refused callback"
            raise TimeoutError(
                f"interaction {self.label!r}: the bot's answer was rejected ({why}, {status} {code})"
            )
        return self

    async def wait_until(self, predicate: Callable[[InteractionResult], Any], timeout: float = 5.0) -> Any:
        return await self.emu.wait_until(
            lambda: predicate(self), timeout, f"condition on {self.label!r}", key=self.key
        )

    async def wait_followups(self, n: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        await self.emu.wait_until(
            lambda: len(self.followups) >= n, timeout, f"{n} follow-ups to {self.label!r}", key=self.key
        )
        return self.followups

    async def wait_edit(self, timeout: float = 5.0) -> dict[str, Any]:
        """Until the original response is filled in (a deferred response edited, or any edit)."""

        def done() -> dict[str, Any] | None:
            o = self.original
            if o is not None and not o.get("flags", 0) & LOADING and o.get("edited_timestamp"):
                return o
            return None

        return await self.emu.wait_until(done, timeout, f"an edit of {self.label!r}'s response", key=self.key)
