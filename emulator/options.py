"""Typing a test's ``options={...}`` against the command tree the bot registered, Discord-style.

Produces the nested ``options`` list and the ``resolved`` map Discord sends, and raises ``DriverError``
for anything Discord's client would not let a user submit (unknown option, wrong type, bad choice, an integer
or number outside ±(2^53 - 1) or outside the option's min_value/max_value). ``validate=False`` sends scalar
values exactly as given, so a test can check the bot's own bounds.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

from emulator.entities import DM, Channel, Guild, Role, User
from emulator.messages import make_attachment

if TYPE_CHECKING:
    from emulator.emulator import Emulator

log = logging.getLogger(__name__)

MAX_SAFE_INTEGER = 2**53 - 1  # Discord's INTEGER and NUMBER options stay within ±MAX_SAFE_INTEGER
SUB, GROUP, STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(1, 12)
TYPE_NAMES = {
    3: "string",
    4: "integer",
    5: "boolean",
    6: "user",
    7: "channel",
    8: "role",
    9: "mentionable",
    10: "number",
    11: "attachment",
}


class DriverError(AssertionError):
    """The test asked for something a Discord user could not do (unknown command/option, bad value...)."""


class Resolved:
    """Accumulates the ``resolved`` object of an interaction's data."""

    def __init__(self, emu: Emulator, guild: Guild | None, channel: Channel) -> None:
        self.emu, self.guild, self.channel = emu, guild, channel
        self.data: dict[str, dict[str, Any]] = {}

    def user(self, user: User) -> str:
        self.data.setdefault("users", {})[str(user.id)] = user.payload()
        if self.guild is not None and user.id in self.guild.members:
            member = self.guild.members[user.id].payload(self.emu.world, with_user=False)
            member["permissions"] = str(self.emu.world.channel_permissions(user, self.channel))
            self.data.setdefault("members", {})[str(user.id)] = member
        return str(user.id)

    def role(self, role: Role) -> str:
        self.data.setdefault("roles", {})[str(role.id)] = role.payload()
        return str(role.id)

    def channel_(self, ch: Channel) -> str:
        data = ch.payload(self.emu.world)
        data["permissions"] = str(self.emu.world.channel_permissions("bot", ch)) if ch.type != DM else "0"
        self.data.setdefault("channels", {})[str(ch.id)] = data
        return str(ch.id)

    def attachment(self, value: Any) -> str:
        if isinstance(value, dict):
            att = value
        else:
            filename, data, *rest = value
            att = make_attachment(
                self.emu, filename, rest[0] if rest else "application/octet-stream", bytes(data)
            )
            att["ephemeral"] = True
        self.data.setdefault("attachments", {})[att["id"]] = att
        return att["id"]

    def message(self, msg: dict[str, Any]) -> str:
        self.data.setdefault("messages", {})[msg["id"]] = {
            k: v for k, v in msg.items() if k != "allowed_mentions"
        }
        return msg["id"]


def find_command(emu: Emulator, name: str, ctype: int, guild: Guild | None) -> dict[str, Any]:
    scopes: list[int | None] = ([guild.id] if guild else []) + [None]
    for scope in scopes:
        cmd = emu.world.commands.get(scope, {}).get((name, ctype))
        if cmd is not None:
            return cmd
    known = sorted({n for s in scopes for (n, t) in emu.world.commands.get(s, {}) if t == ctype})
    kind = {1: "slash command", 2: "user context menu", 3: "message context menu"}[ctype]
    raise DriverError(f"no registered {kind} {name!r} (did the bot sync?); registered: {known}")


def walk_path(cmd: dict[str, Any], path: list[str]) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    """Follow subcommand group/subcommand names; returns (leaf option defs, [(type, name)] chain)."""
    defs = cmd.get("options") or []
    chain: list[tuple[int, str]] = []
    for part in path:
        sub = next((o for o in defs if o["name"] == part and o["type"] in (SUB, GROUP)), None)
        if sub is None:
            subs = [o["name"] for o in defs if o["type"] in (SUB, GROUP)]
            raise DriverError(f"/{cmd['name']}: no subcommand {part!r}; available: {subs}")
        chain.append((sub["type"], part))
        defs = sub.get("options") or []
    if any(o["type"] in (SUB, GROUP) for o in defs):
        subs = [o["name"] for o in defs if o["type"] in (SUB, GROUP)]
        raise DriverError(f"/{cmd['name']} {' '.join(path)} is a group; pick one of {subs}")
    return defs, chain


def nest(chain: list[tuple[int, str]], leaf: list[dict[str, Any]]) -> list[dict[str, Any]]:
    options = leaf
    for otype, name in reversed(chain):
        options = [{"type": otype, "name": name, "options": options}]
    return options


def convert(defn: dict[str, Any], value: Any, res: Resolved, label: str, *, validate: bool = True) -> Any:
    """One option value, typed and checked the way Discord's client enforces it.

    ``validate=False`` passes string/number/boolean values through untouched (entities are still resolved).
    """
    otype, name = defn["type"], defn["name"]
    where = f"{label}: option {name!r} ({TYPE_NAMES.get(otype, otype)})"
    world = res.emu.world
    if not validate and otype in (STRING, INTEGER, BOOLEAN, NUMBER):
        return value
    try:
        if otype == STRING:
            value = str(value)
            if "min_length" in defn and len(value) < defn["min_length"]:
                raise DriverError(f"{where} shorter than min_length {defn['min_length']}")
            if "max_length" in defn and len(value) > defn["max_length"]:
                raise DriverError(f"{where} longer than max_length {defn['max_length']}")
        elif otype == INTEGER:
            value = _integer(value, where)
        elif otype == NUMBER:
            if isinstance(value, bool):
                raise DriverError(f"{where} needs a number, got {value!r}")
            value = float(value) if not isinstance(value, int) else value
            if not math.isfinite(value):
                raise DriverError(f"{where} needs a finite number, got {value!r}")
        elif otype == BOOLEAN:
            if not isinstance(value, bool):
                raise DriverError(f"{where} needs a bool, got {value!r}")
        elif otype == USER:
            return res.user(world.user(value))
        elif otype == ROLE:
            return res.role(world.role(value, res.guild))
        elif otype == MENTIONABLE:
            try:
                return res.user(world.user(value))
            except KeyError:
                return res.role(world.role(value, res.guild))
        elif otype == CHANNEL:
            ch = world.channel(value, res.guild) if res.guild is not None else world.channel(value)
            if res.guild is not None and ch.guild_id != res.guild.id:
                raise DriverError(f"{where}: #{ch.name} is in another server")
            allowed = defn.get("channel_types")
            if allowed and ch.type not in allowed:
                raise DriverError(f"{where} must be a channel of type {allowed}, got {ch.type}")
            return res.channel_(ch)
        elif otype == ATTACHMENT:
            return res.attachment(value)
    except (KeyError, ValueError, TypeError, OverflowError) as exc:
        raise DriverError(f"{where}: invalid value {value!r}: {exc}") from None
    if otype in (INTEGER, NUMBER):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise DriverError(f"{where}: {value!r} is outside Discord's range ±{MAX_SAFE_INTEGER}")
        if "min_value" in defn and value < defn["min_value"]:
            raise DriverError(f"{where} below min_value {defn['min_value']}")
        if "max_value" in defn and value > defn["max_value"]:
            raise DriverError(f"{where} above max_value {defn['max_value']}")
    choices = defn.get("choices")
    if choices:
        for c in choices:
            if c["value"] == value or c["name"] == value:
                return c["value"]
        raise DriverError(f"{where}: {value!r} is not one of the choices {[c['value'] for c in choices]}")
    return value


def _integer(value: Any, where: str) -> int:
    """An int from an int, a whole float or decimal text; bools and fractions are refused."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise DriverError(f"{where} needs an integer, got {value!r}")
    return int(value.strip()) if isinstance(value, str) else int(value)


def build_options(
    defs: list[dict[str, Any]],
    given: dict[str, Any],
    res: Resolved,
    label: str,
    *,
    focused: str | None = None,
    validate: bool = True,
) -> list[dict[str, Any]]:
    """Options list for the leaf command; ``focused`` marks an autocomplete request (lenient, raw text).

    ``validate=False`` skips what Discord's client checks (values, required options); names must still exist.
    """
    by_name = {d["name"]: d for d in defs}
    out: list[dict[str, Any]] = []
    for name, value in given.items():
        if name not in by_name:
            raise DriverError(f"{label}: unknown option {name!r}; options: {list(by_name)}")
        defn = by_name[name]
        if name == focused:
            out.append({"type": defn["type"], "name": name, "value": str(value), "focused": True})
            continue
        value = convert(defn, value, res, label, validate=validate)
        out.append({"type": defn["type"], "name": name, "value": value})
    if focused is None:
        missing = [d["name"] for d in defs if d.get("required") and d["name"] not in given]
        if missing and validate:
            raise DriverError(f"{label}: missing required options {missing}")
    elif focused not in given:
        raise DriverError(f"{label}: the focused option {focused!r} needs a value in options")
    return out
