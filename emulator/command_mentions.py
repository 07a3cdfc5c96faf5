"""Command mentions (``</name sub:id>``) in what the bot sends: resolved against the registered commands.

Discord accepts any text, and its client shows a mention whose id is not a registered command, or whose path
that command does not have, as a chip that leads nowhere. The emulator accepts such messages too, and records
each broken mention on ``Emulator.broken_command_mentions`` so tests can assert there are none.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

MENTION = re.compile(r"</([^\s:<>/][^:<>/\n]{0,100}):(\d{1,20})>")
SUB, GROUP = 1, 2
CHAT_INPUT = 1


@dataclass(frozen=True)
class BrokenMention:
    message_id: int
    mention: str
    reason: str


def find(text: str) -> list[tuple[str, int]]:
    """``(path, command id)`` of each command mention in ``text``."""
    return [(" ".join(m.group(1).split()), int(m.group(2))) for m in MENTION.finditer(text or "")]


def leaf_paths(command: dict[str, Any]) -> list[str]:
    """Every path of a registered chat command that a mention may name (its subcommands, or itself)."""

    def walk(node: dict[str, Any], prefix: str) -> Iterator[str]:
        subs = [o for o in node.get("options") or [] if o.get("type") in (SUB, GROUP)]
        if not subs:
            yield prefix
        for sub in subs:
            yield from walk(sub, f"{prefix} {sub['name']}")

    return list(walk(command, command["name"]))


def by_id(commands: Iterable[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {int(c["id"]): c for c in commands if c.get("type", CHAT_INPUT) == CHAT_INPUT}


def problem(path: str, command_id: int, registered: dict[int, dict[str, Any]]) -> str | None:
    """Why the mention leads nowhere (None when it names a registered command's path)."""
    command = registered.get(command_id)
    if command is None:
        return f"no registered slash command has id {command_id}"
    if path not in leaf_paths(command):
        return f"/{command['name']} (id {command_id}) has no invocable path {path!r}"
    return None


def texts(message: dict[str, Any]) -> Iterator[str]:
    """Where Discord renders mentions: content, embed descriptions and field values, text displays."""
    yield message.get("content") or ""
    for embed in message.get("embeds") or []:
        yield embed.get("description") or ""
        for field in embed.get("fields") or []:
            yield field.get("value") or ""
    stack = list(message.get("components") or [])
    while stack:
        component = stack.pop()
        if component.get("type") == 10:
            yield component.get("content") or ""
        stack.extend(component.get("components") or [])
        if isinstance(component.get("accessory"), dict):
            stack.append(component["accessory"])


def check(message: dict[str, Any], commands: Iterable[dict[str, Any]]) -> list[BrokenMention]:
    """The mentions in ``message`` that name no registered command path."""
    found = [mention for text in texts(message) for mention in find(text)]
    if not found:
        return []
    registered = by_id(commands)
    broken = []
    for path, command_id in found:
        reason = problem(path, command_id, registered)
        if reason is not None:
            broken.append(BrokenMention(int(message["id"]), f"</{path}:{command_id}>", reason))
    return broken
