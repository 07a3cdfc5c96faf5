"""The test driver: act as a chosen user invoking commands, autocomplete, buttons, selects and modals.

Each verb builds the INTERACTION_CREATE Discord would send, dispatches it over the gateway and returns an
``InteractionResult`` immediately (so bursts can be fired concurrently); ``await result.wait()`` for the
bot's answer. ``channel`` may be a server channel (with or without the bot), ``world.dm_channel(user)`` (the
DM with the bot) or ``world.private_channel(...)`` (a DM or group DM between users). A command is refused
(DriverError) where Discord's client would not offer it: outside the contexts it was registered for, or where
no installation of the app covers it (a server without the bot or a private channel, for a user who did not
``world.install_to_user``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from emulator.entities import Channel, Guild
from emulator.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionResult,
    build_interaction,
)
from emulator.options import DriverError, Resolved, build_options, find_command, nest, walk_path
from emulator.visibility import offered, visible

if TYPE_CHECKING:
    from emulator.emulator import Emulator

log = logging.getLogger(__name__)

SELECT_TYPES = {3, 5, 6, 7, 8}
MessageRef = dict[str, Any] | InteractionResult | int | str


def iter_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component in a message/modal tree (rows, containers, sections, labels)."""
    for comp in components:
        yield comp
        yield from iter_components(comp.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from iter_components([comp[key]])


class Driver:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    # ----- plumbing -----------------------------------------------------------------------
    def _dispatch(
        self, payload: dict[str, Any], label: str, source: dict[str, Any] | None
    ) -> InteractionResult:
        if not self.emu.gateway.live_sessions:
            raise DriverError("no bot session on the gateway: start the bot (harness.running) first")
        result = InteractionResult(self.emu, payload, label=label, source=source)
        self.emu.interactions[result.id] = result
        self.emu.interactions_by_token[result.token] = result
        self.emu.emit("interaction_create", payload, label=label)
        self.emu.gateway.dispatch("INTERACTION_CREATE", payload)
        return result

    def message(self, ref: MessageRef) -> dict[str, Any]:
        """The live stored message for a dict / id / InteractionResult (its original response)."""
        if isinstance(ref, InteractionResult):
            if ref.original is None:
                raise DriverError(f"{ref!r} has no response message (yet?)")
            return ref.original
        mid = int(ref["id"]) if isinstance(ref, dict) else int(ref)
        msg = self.emu.ephemeral.get(mid) or self.emu.world.find_message(mid)
        if msg is None:
            raise DriverError(f"no message {mid} in the sandbox (deleted?)")
        return msg

    # ----- slash commands -----------------------------------------------------------------
    def _command_payload(
        self,
        path: str,
        options: dict[str, Any] | None,
        *,
        user: str | int,
        channel: str | int | Channel,
        locale: str,
        resolved: dict[str, Any] | None,
        itype: int,
        focused: str | None = None,
        validate: bool = True,
        raw_options: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        world = self.emu.world
        ch = world.channel(channel)
        guild = world.guild_of(ch)
        root, *rest = path.split()
        cmd = find_command(self.emu, root, 1, guild)
        who = world.user(user)
        owners = offered(world, cmd, f"/{path}", who, ch, guild)
        defs, chain = walk_path(cmd, rest)
        res = Resolved(self.emu, guild, ch)
        if raw_options is not None:
            if options:
                raise DriverError(f"/{path}: give options or raw_options, not both")
            leaf = [dict(option) for option in raw_options]
        else:
            label = f"/{path}"
            leaf = build_options(defs, dict(options or {}), res, label, focused=focused, validate=validate)
        data: dict[str, Any] = {"id": cmd["id"], "name": root, "type": 1, "options": nest(chain, leaf)}
        merged = {**res.data, **(resolved or {})}
        if merged:
            data["resolved"] = merged
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        return build_interaction(self.emu, itype, data, user=who, channel=ch, locale=locale, owners=owners)

    async def command(
        self,
        path: str,
        options: dict[str, Any] | None = None,
        *,
        user: str | int = "alice",
        channel: str | int | Channel = "general",
        locale: str = "en-US",
        resolved: dict[str, Any] | None = None,
        validate: bool = True,
        raw_options: list[dict[str, Any]] | None = None,
    ) -> InteractionResult:
        """Invoke ``/path`` (``"poll create"``) with typed, validated ``options``.

        Discord's client refuses what it would never send (DriverError): ``validate=False`` sends string,
        number and boolean values as given (out of range, wrong type, not a choice; required options may
        be left out) so a test can reach the bot's own checks; ``raw_options`` sends the leaf command's
        ``options`` list verbatim, e.g. ``[{"type": 4, "name": "days", "value": 2**60}]``.
        """
        payload = self._command_payload(
            path,
            options,
            user=user,
            channel=channel,
            locale=locale,
            resolved=resolved,
            itype=APPLICATION_COMMAND,
            validate=validate,
            raw_options=raw_options,
        )
        return self._dispatch(payload, f"/{path}", None)

    def visible_commands(
        self,
        user: str | int,
        where: str | int | Channel | Guild = "general",
        *,
        command_type: int = 1,
    ) -> list[str]:
        """Top-level names of the commands ``user`` sees in a channel or server, as Discord's client lists them.

        ``where`` is a channel (object, id, name; ``world.dm_channel(user)``, ``world.private_channel(...)``) or a
        server (object, id, name: ``"Second Server"``, with or without the bot); ``command_type`` 1 = slash
        commands, 2 = user and 3 = message context menus.
        """
        return sorted({c["name"] for c in visible(self.emu.world, user, where, command_type=command_type)})

    async def autocomplete(
        self,
        path: str,
        options: dict[str, Any],
        focused: str,
        *,
        user: str | int = "alice",
        channel: str | int | Channel = "general",
        locale: str = "en-US",
        timeout: float = 5.0,
    ) -> list[dict[str, Any]]:
        """The choices the bot offers while the user types ``options[focused]``."""
        payload = self._command_payload(
            path,
            options,
            user=user,
            channel=channel,
            locale=locale,
            resolved=None,
            itype=AUTOCOMPLETE,
            focused=focused,
        )
        result = await self._dispatch(payload, f"/{path} [autocomplete {focused}]", None).wait(timeout)
        if result.response_type != 8 or result.choices is None:
            raise DriverError(f"autocomplete for /{path} answered with type {result.response_type}, not 8")
        return result.choices

    async def context_menu(
        self,
        name: str,
        *,
        target_message: MessageRef | None = None,
        target_user: str | int | None = None,
        user: str | int = "alice",
        channel: str | int | Channel | None = None,
        locale: str = "en-US",
    ) -> InteractionResult:
        """Run a message (``target_message``) or user (``target_user``) context menu command."""
        world = self.emu.world
        if (target_message is None) == (target_user is None):
            raise DriverError("give exactly one of target_message / target_user")
        msg = self.message(target_message) if target_message is not None else None
        ch = world.channel(channel if channel is not None else (msg["channel_id"] if msg else "general"))
        guild = world.guild_of(ch)
        ctype = 3 if msg is not None else 2
        cmd = find_command(self.emu, name, ctype, guild)
        who = world.user(user)
        owners = offered(world, cmd, name, who, ch, guild)
        res = Resolved(self.emu, guild, ch)
        if msg is not None:
            target_id = res.message(msg)
        else:
            assert target_user is not None  # exactly one of the two (checked above)
            target_id = res.user(world.user(target_user))
        data: dict[str, Any] = {
            "id": cmd["id"],
            "name": name,
            "type": ctype,
            "target_id": target_id,
            "resolved": res.data,
        }
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        payload = build_interaction(
            self.emu, APPLICATION_COMMAND, data, user=who, channel=ch, locale=locale, owners=owners
        )
        return self._dispatch(payload, name, None)

    # ----- components ---------------------------------------------------------------------
    def _component(self, msg: dict[str, Any], custom_id: str, kinds: set[int]) -> dict[str, Any]:
        comps = list(iter_components(msg.get("components") or []))
        comp = next((c for c in comps if c.get("custom_id") == custom_id), None)
        if comp is None:
            ids = [c["custom_id"] for c in comps if c.get("custom_id")]
            raise DriverError(f"message {msg['id']} has no component {custom_id!r}; it has {ids}")
        if comp.get("type") not in kinds:
            raise DriverError(f"component {custom_id!r} is type {comp.get('type')}, expected one of {kinds}")
        if comp.get("disabled"):
            raise DriverError(f"component {custom_id!r} is disabled; a user cannot use it")
        return comp

    def _component_payload(
        self, msg: dict[str, Any], data: dict[str, Any], user: str | int, locale: str
    ) -> dict[str, Any]:
        world = self.emu.world
        ch = world.channel(int(msg["channel_id"]))
        return build_interaction(
            self.emu, MESSAGE_COMPONENT, data, user=world.user(user), channel=ch, message=msg, locale=locale
        )

    async def click(
        self, message: MessageRef, custom_id: str, *, user: str | int = "alice", locale: str = "en-US"
    ) -> InteractionResult:
        """Press a button."""
        msg = self.message(message)
        self._component(msg, custom_id, {2})
        payload = self._component_payload(msg, {"custom_id": custom_id, "component_type": 2}, user, locale)
        return self._dispatch(payload, custom_id, msg)

    async def select(
        self,
        message: MessageRef,
        custom_id: str,
        values: list[Any],
        *,
        user: str | int = "alice",
        locale: str = "en-US",
    ) -> InteractionResult:
        """Choose ``values`` in a string select (option values) or user/role/channel/mentionable select."""
        msg = self.message(message)
        comp = self._component(msg, custom_id, SELECT_TYPES)
        ctype = comp["type"]
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(values) <= hi:
            raise DriverError(f"select {custom_id!r} takes {lo}..{hi} values, got {len(values)}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": ctype}
        ch = self.emu.world.channel(int(msg["channel_id"]))
        if ctype == 3:
            allowed = [o["value"] for o in comp.get("options") or []]
            bad = [v for v in values if v not in allowed]
            if bad:
                raise DriverError(f"select {custom_id!r}: {bad} not among options {allowed}")
            data["values"] = list(values)
        else:
            res = Resolved(self.emu, self.emu.world.guild_of(ch), ch)
            defn = {5: {"type": 6}, 6: {"type": 8}, 7: {"type": 7}, 8: {"type": 9}}[ctype]
            from emulator.options import convert

            data["values"] = [convert({**defn, "name": custom_id}, v, res, custom_id) for v in values]
            data["resolved"] = res.data
        payload = self._component_payload(msg, data, user, locale)
        return self._dispatch(payload, custom_id, msg)

    async def submit_modal(
        self,
        result: InteractionResult,
        values: dict[str, Any],
        *,
        user: str | int | None = None,
        locale: str = "en-US",
    ) -> InteractionResult:
        """Fill and submit the modal the bot opened in ``result`` (text inputs: str, selects: list)."""
        modal = result.modal
        if modal is None:
            raise DriverError(f"{result!r} did not open a modal (response type {result.response_type})")
        known = {c["custom_id"] for c in iter_components(modal["components"]) if c.get("custom_id")}
        unknown = set(values) - known
        if unknown:
            raise DriverError(
                f"modal {modal['custom_id']!r} has no inputs {sorted(unknown)}; inputs: {sorted(known)}"
            )
        components = [self._modal_component(c, values) for c in modal["components"]]
        data = {"custom_id": modal["custom_id"], "components": [c for c in components if c]}
        world = self.emu.world
        if user is None:  # default: whoever opened the modal
            who = world.user((result.payload.get("member", {}).get("user") or result.payload["user"])["id"])
        else:
            who = world.user(user)
        ch = world.channel(result.channel_id)
        source = result.source_message
        payload = build_interaction(
            self.emu,
            MODAL_SUBMIT,
            data,
            user=who,
            channel=ch,
            message=source,
            locale=locale,
            owners=result.payload["authorizing_integration_owners"],
        )
        return self._dispatch(payload, f"modal {modal['custom_id']}", source)

    def _modal_component(self, comp: dict[str, Any], values: dict[str, Any]) -> dict[str, Any] | None:
        ctype = comp.get("type")
        if ctype == 1:
            inner = [self._modal_component(c, values) for c in comp.get("components") or []]
            return {"type": 1, "components": [c for c in inner if c]}
        if ctype == 18:
            inner_c = self._modal_component(comp["component"], values)
            return {"type": 18, "id": comp.get("id", 0), "component": inner_c} if inner_c else None
        cid = comp.get("custom_id")
        if cid is None:
            return None
        if ctype == 4:
            value = str(values.get(cid, comp.get("value") or ""))
            if comp.get("required", True) and not value:
                raise DriverError(f"modal text input {cid!r} is required")
            if value and not comp.get("min_length", 0) <= len(value) <= comp.get("max_length", 4000):
                raise DriverError(f"modal text input {cid!r}: length {len(value)} outside min/max")
            return {"type": 4, "custom_id": cid, "value": value}
        if ctype in SELECT_TYPES:
            return {"type": ctype, "custom_id": cid, "values": self._modal_select(comp, values)}
        return {"type": ctype, "custom_id": cid}

    @staticmethod
    def _modal_select(comp: dict[str, Any], values: dict[str, Any]) -> list[str]:
        """A select in a modal as Discord's client submits it: untouched, it sends what it showed selected
        (a string select's ``default`` options); it refuses a required select left empty, a count outside
        min/max and, for a string select, a value that is not one of its options."""
        cid = comp["custom_id"]
        if cid in values:
            chosen = [str(v) for v in values[cid]]
        elif comp.get("type") == 3:
            chosen = [o["value"] for o in comp.get("options") or [] if o.get("default")]
        else:
            chosen = [str(d["id"]) for d in comp.get("default_values") or []]
        if not chosen:
            if comp.get("required", True):
                raise DriverError(f"modal select {cid!r} is required")
            return chosen
        lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
        if not lo <= len(chosen) <= hi:
            raise DriverError(f"modal select {cid!r} takes {lo}..{hi} values, got {len(chosen)}")
        if comp.get("type") == 3:
            allowed = [o["value"] for o in comp.get("options") or []]
            bad = [v for v in chosen if v not in allowed]
            if bad:
                raise DriverError(f"modal select {cid!r}: {bad} not among options {allowed}")
        return chosen
