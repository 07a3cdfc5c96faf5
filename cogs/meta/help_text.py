"""Build the /help listing from the live command tree, grouped by feature (pure; no Discord calls)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from discord import app_commands

from bot.hooks import feature_of
from bot.text import clip


@dataclass(frozen=True)
class HelpLine:
    path: str  # "poll create": shown as a command mention where the command's id is known
    description: str


def walk(commands: Iterable[app_commands.Command | app_commands.Group]) -> Iterable[app_commands.Command]:
    """Every leaf slash command, depth first."""
    for command in commands:
        if isinstance(command, app_commands.Group):
            yield from walk(command.commands)
        else:
            yield command


def group_lines(
    commands: Iterable[app_commands.Command | app_commands.Group | app_commands.ContextMenu],
    describe: Callable[[app_commands.Command], str],
) -> dict[str, list[HelpLine]]:
    """Commands grouped by their cog ("feature"), each line a command path plus a (translated) description."""
    groups: dict[str, list[HelpLine]] = {}
    slash = [c for c in commands if not isinstance(c, app_commands.ContextMenu)]
    for command in walk(slash):
        feature = feature_of(command.binding)
        groups.setdefault(feature, []).append(HelpLine(command.qualified_name, describe(command)))
    return groups


def pack_lines(lines: Iterable[str], limit: int) -> list[str]:
    """Whole lines in as few blocks of at most ``limit`` characters as they fit (a longer line is clipped)."""
    blocks: list[list[str]] = [[]]
    used = 0
    for line in lines:
        line = clip(line, limit)
        if blocks[-1] and used + 1 + len(line) > limit:
            blocks.append([])
            used = 0
        used += len(line) + (1 if blocks[-1] else 0)
        blocks[-1].append(line)
    return ["\n".join(block) for block in blocks if block]
