"""Build the /help listing from the live command tree, grouped by feature (pure; no Discord calls)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from discord import app_commands


@dataclass(frozen=True)
class HelpLine:
    mention: str
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
    """Commands grouped by their cog ("feature"), each line ``/name`` plus a (translated) description."""
    groups: dict[str, list[HelpLine]] = {}
    slash = [c for c in commands if not isinstance(c, app_commands.ContextMenu)]
    for command in walk(slash):
        binding = command.binding
        feature = getattr(binding, "feature_key", None) or "meta"
        groups.setdefault(feature, []).append(HelpLine(f"/{command.qualified_name}", describe(command)))
    return groups
