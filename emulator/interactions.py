"""INTERACTION_CREATE payloads shaped like Discord's, and ``InteractionResult``: what the bot did with one.

The result object is what end-to-end tests assert on: the initial callback type, the original response
message (kept current through edits), follow-ups, a modal or autocomplete choices, and latency.

Interactions come from a server the bot is in, a server without it, the DM with the bot or a DM/group DM between
users (``context`` 0, 0, 1, 2), with the ``authorizing_integration_owners`` of the installs that cover them. Where
only a user install does, Discord allows at most 5 follow-ups, and in a server without the bot a public answer only
where the member may post with external apps (Send Messages and Use External Apps): otherwise Discord makes it
ephemeral (``InteractionResult.forced_ephemeral`` tells a test the bot left that to Discord).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emulator import permissions as perms
from emulator.entities import Channel, User
from emulator.messages import EPHEMERAL, LOADING
from emulator.options import DriverError
from emulator.state import GUILD_INSTALL, World
from emulator.visibility import BOT_DM_CONTEXT, GUILD_CONTEXT, context_of

if TYPE_CHECKING:
    from emulator.emulator import Emulator

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5  # interaction types
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
USER_INSTALL_FOLLOWUPS = 5  # follow-ups Discord allows an interaction that only a user install covers
# app_permissions where the bot is not: what an interaction's webhook may do (Discord's documented values)
WEBHOOK_PERMISSIONS = perms.bits(["attach_files", "embed_links"])
PRIVATE_PERMISSIONS = WEBHOOK_PERMISSIONS | perms.flag("mention_everyone")
BOT_DM_PERMISSIONS = PRIVATE_PERMISSIONS | perms.flag("use_external_emojis")
PUBLIC_WITH_USER_APPS = perms.bits(["send_messages", "use_external_apps"])


def channel_for_interaction(emu: Emulator, channel: Channel, user: User) -> dict[str, Any]:
    data = channel.payload(emu.world)
    if channel.guild_id:
        data["permissions"] = str(emu.world.channel_permissions(user, channel))
    return data


def app_permissions(world: World, channel: Channel, context: int) -> int:
    """The bot's permissions in a server it is in; elsewhere what Discord gives the interaction's webhook
    (@everyone's permissions plus Attach Files and Embed Links in a server without the bot)."""
    if context == GUILD_CONTEXT:
        if channel.guild_id in world.guilds:
            return world.channel_permissions(world.bot, channel)
        return world.everyone_permissions(channel) | WEBHOOK_PERMISSIONS
    return BOT_DM_PERMISSIONS if context == BOT_DM_CONTEXT else PRIVATE_PERMISSIONS


def message_owners(world: World, message: dict[str, Any] | None, channel: Channel) -> dict[str, str]:
    """The installs behind a message's components: those of the interaction that sent it, else (a message the
    bot posted itself) the server install of its server or DM."""
    meta = (message or {}).get("interaction_metadata") or {}
    if meta.get("authorizing_integration_owners"):
        return dict(meta["authorizing_integration_owners"])
    if channel.guild_id in world.guilds:
        return {str(GUILD_INSTALL): str(channel.guild_id)}
    return {} if channel.guild_id or channel.is_private else {str(GUILD_INSTALL): "0"}


def build_interaction(
    emu: Emulator,
    itype: int,
    data: dict[str, Any] | None,
    *,
    user: User,
    channel: Channel,
    message: dict[str, Any] | None = None,
    locale: str = "en-US",
    owners: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The full interaction object Discord sends over the gateway (server, bot DM or private context).

    ``owners``: the ``authorizing_integration_owners`` (a command's come from ``visibility.authorizing_owners``);
    by default those of ``message`` (``message_owners``).
    """
    world = emu.world
    guild = world.guild_of(channel)
    context = context_of(world, channel, guild)
    if owners is None:
        owners = message_owners(world, message, channel)
    if not owners:
        raise DriverError(f"no installation of the app reaches #{channel.name}: Discord would send nothing")
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
        "app_permissions": str(app_permissions(world, channel, context)),
        "authorizing_integration_owners": dict(owners),
        "context": context,
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
        )
    else:
        if not world.channel_permissions(user, channel):
            raise DriverError(f"{user.username} is not in the DM {channel.name}")
        payload["user"] = user.payload()
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
        owners = payload.get("authorizing_integration_owners") or {}
        by_user_install = str(GUILD_INSTALL) not in owners
        self.followup_limit = USER_INSTALL_FOLLOWUPS if by_user_install else None
        held = int((payload.get("member") or {}).get("permissions") or 0)
        self.public_allowed = not (
            by_user_install
            and payload.get("context") == GUILD_CONTEXT
            and held & PUBLIC_WITH_USER_APPS != PUBLIC_WITH_USER_APPS
        )
        self.forced_ephemeral = False  # Discord made a public answer ephemeral (see the module docstring)

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
