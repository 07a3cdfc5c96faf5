"""Turn the command tree the bot registered into what the page's `/` menu shows, and type what it sends back.

Pure: no aiohttp, no emulator. ``invocable`` flattens groups into runnable paths (``poll create``);
``coerce_options`` converts the strings a form sends into the Python values the driver expects.
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
import re
from collections.abc import Iterable
from typing import Any

from emulator.permissions import FLAGS

log = logging.getLogger(__name__)

SUB, GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
CHAT_INPUT, MESSAGE_MENU = 1, 3  # command types (2 is a user menu)
OPTION_KEYS = (
    "name",
    "type",
    "description",
    "required",
    "choices",
    "autocomplete",
    "min_value",
    "max_value",
    "min_length",
    "max_length",
    "channel_types",
    "name_localizations",
    "description_localizations",
)
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_SAFE_INTEGER = 2**53 - 1  # Discord's INTEGER and NUMBER options stay within ±(2^53 - 1)
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class OptionError(ValueError):
    """A value the page sent cannot be typed for its option (shown to the person using the page)."""


def _localized(node: dict[str, Any], key: str, locale: str) -> str:
    return ((node.get(f"{key}_localizations") or {}).get(locale)) or node.get(key) or ""


def invocable(commands: Iterable[dict[str, Any]], locale: str = "en-US") -> list[dict[str, Any]]:
    """Every runnable slash command path with its options, sorted by path; descriptions in ``locale``."""
    out: list[dict[str, Any]] = []
    for cmd in commands:
        if cmd.get("type", CHAT_INPUT) != CHAT_INPUT:
            continue
        perms = cmd.get("default_member_permissions")
        _walk(cmd, [cmd["name"]], [_localized(cmd, "name", locale)], perms, locale, out)
    return sorted(out, key=lambda entry: entry["path"])


def _walk(
    node: dict[str, Any],
    path: list[str],
    shown: list[str],
    perms: str | int | None,
    locale: str,
    out: list[dict[str, Any]],
) -> None:
    options = node.get("options") or []
    subs = [o for o in options if o.get("type") in (SUB, GROUP)]
    if subs:
        for sub in subs:
            _walk(sub, [*path, sub["name"]], [*shown, _localized(sub, "name", locale)], perms, locale, out)
        return
    out.append(
        {
            "path": " ".join(path),
            "display": " ".join(shown),
            "description": _localized(node, "description", locale),
            "permissions": permission_names(perms),
            "options": [_option(o, locale) for o in options],
        }
    )


def permission_names(required: str | int | None) -> list[str]:
    """The permissions a command's ``default_member_permissions`` asks for, e.g. ``["manage_guild"]``.

    Discord's client hides the command from members without all of them; ``"0"`` leaves it to administrators
    (``["administrator"]``); None (no requirement) gives ``[]``. Bits this emulator does not name are skipped.
    """
    if required is None:
        return []
    bits = int(required)
    if bits == 0:
        return ["administrator"]
    return [name for name, bit in FLAGS.items() if bits & bit]


def _option(option: dict[str, Any], locale: str) -> dict[str, Any]:
    data = {k: option[k] for k in OPTION_KEYS if k in option}
    data["display"] = _localized(option, "name", locale)
    data["description"] = _localized(option, "description", locale)
    if option.get("choices"):
        data["choices"] = [
            {"name": _localized(c, "name", locale), "value": c["value"]} for c in option["choices"]
        ]
    return data


def mention_names(commands: Iterable[dict[str, Any]], locale: str = "en-US") -> dict[str, dict[str, str]]:
    """For rendering command mentions: command id → {path a mention may name: its name in ``locale``}."""
    out: dict[str, dict[str, str]] = {}
    for cmd in commands:
        if cmd.get("type", CHAT_INPUT) != CHAT_INPUT:
            continue
        entries: list[dict[str, Any]] = []
        _walk(cmd, [cmd["name"]], [_localized(cmd, "name", locale)], None, locale, entries)
        out.setdefault(str(cmd["id"]), {}).update({e["path"]: e["display"] for e in entries})
    return out


def context_menus(commands: Iterable[dict[str, Any]], kind: int = MESSAGE_MENU) -> list[str]:
    """Names of the registered message (or user) context-menu commands."""
    return sorted(c["name"] for c in commands if c.get("type") == kind)


def context_menu_names(
    commands: Iterable[dict[str, Any]], kind: int = MESSAGE_MENU, locale: str = "en-US"
) -> dict[str, str]:
    """Each context-menu command's name → the name Discord's client shows in ``locale``."""
    return {c["name"]: _localized(c, "name", locale) for c in commands if c.get("type") == kind}


def find_entry(entries: Iterable[dict[str, Any]], path: str) -> dict[str, Any]:
    """The invocable entry for ``path``; OptionError names the unknown command."""
    for entry in entries:
        if entry["path"] == path:
            return entry
    raise OptionError(f"unknown command /{path}")


def coerce_options(
    entry: dict[str, Any], raw: dict[str, Any], *, focused: str | None = None
) -> dict[str, Any]:
    """Type the form's values for ``entry`` (empty optional fields dropped; the focused one kept as text)."""
    by_name = {o["name"]: o for o in entry["options"]}
    out: dict[str, Any] = {}
    for name, value in raw.items():
        option = by_name.get(name)
        if option is None:
            raise OptionError(f"/{entry['path']} has no option {name!r}")
        if name == focused:
            out[name] = "" if value is None else str(value)
            continue
        if value is None or value == "":
            continue
        out[name] = _coerce(option, value)
    return out


def _coerce(option: dict[str, Any], value: Any) -> Any:
    otype, name = option["type"], option["name"]
    try:
        if otype == INTEGER:
            text = str(value).strip()
            if not WHOLE_NUMBER.fullmatch(text):
                raise ValueError(text)
            return _bounded(option, int(text))
        if otype == NUMBER:
            number = float(str(value).strip())
            if not math.isfinite(number):
                raise ValueError(number)
            return _bounded(option, number)
        if otype == BOOLEAN:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text not in ("true", "false"):
                raise OptionError(f"{name} must be true or false")
            return text == "true"
        if otype == ATTACHMENT:
            return upload(name, value)
    except ValueError as exc:
        if isinstance(exc, OptionError):
            raise
        kind = "a whole number" if otype == INTEGER else "a number"
        raise OptionError(f"{name} must be {kind}, got {value!r}") from None
    return str(value)


def _bounded(option: dict[str, Any], number: float) -> Any:
    """Refuse what Discord's client refuses: beyond ±(2^53 - 1), or outside the option's min/max."""
    name = option["name"]
    low, high = option.get("min_value"), option.get("max_value")
    if not -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
        raise OptionError(f"{name} must be between -{MAX_SAFE_INTEGER} and {MAX_SAFE_INTEGER}")
    if low is not None and number < low:
        raise OptionError(f"{name} must be at least {low}")
    if high is not None and number > high:
        raise OptionError(f"{name} must be at most {high}")
    return number


def upload(name: str, value: Any) -> tuple[str, bytes, str]:
    """A file the page sent (``{"filename", "content_type", "data": base64}``) as (filename, bytes, type)."""
    if not isinstance(value, dict) or not {"filename", "data"} <= value.keys():
        raise OptionError(f"{name} needs a file")
    try:
        data = base64.b64decode(str(value["data"]), validate=True)
    except (binascii.Error, ValueError):
        raise OptionError(f"{name}: the file could not be read") from None
    if len(data) > MAX_UPLOAD_BYTES:
        raise OptionError(f"{name}: files up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    filename = str(value["filename"]).replace("/", "_").replace("\\", "_")[:100] or "upload"
    return filename, data, str(value.get("content_type") or "application/octet-stream")
