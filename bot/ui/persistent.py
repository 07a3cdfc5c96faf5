"""One base for every persistent component (a ``DynamicItem``): its state lives in its custom_id.

A subclass names its custom_id format and the pattern of each part once, in the class statement::

    class VoteButton(Persistent[discord.ui.Button], custom_id="poll:{poll}:v:{option}", poll=ID, option=ID):
        poll: int
        option: int

        def __init__(self, poll: int, option: int, label: str) -> None:
            super().__init__(discord.ui.Button(label=label), poll=poll, option=option)

        async def run(self, interaction: Interaction) -> None: ...

The base builds the custom_id from the format, the template discord.py matches from the same format, parses a
clicked component's custom_id back into typed attributes (``from_custom_id``: the component Discord sent is kept
as it is, label and all; a subclass's ``__init__`` is not called then, so it only builds the item), and answers
any error of ``run`` like a command's. Register the classes with ``bot.add_dynamic_items`` (a cog's
``dynamic_items`` hook).
"""

from __future__ import annotations

import re
import string
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, cast

import discord

from bot.errors import report

if TYPE_CHECKING:
    from bot.client import Interaction

ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any])
CUSTOM_ID_LIMIT = 100


@dataclass(frozen=True)
class Part:
    """One ``{name}`` of a custom_id format: the pattern it matches and how its text becomes a value."""

    pattern: str
    parse: Callable[[str], Any] = str


ID = Part(r"\d{1,19}", int)  # a Discord snowflake or a row id


def text(pattern: str) -> Part:
    """A text part matching ``pattern``."""
    return Part(pattern)


def template_of(custom_id: str, parts: dict[str, Part]) -> str:
    """The regular expression of a custom_id format: its literal text escaped, each ``{name}`` a named group."""
    out: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(custom_id):
        out.append(re.escape(literal))
        if name is not None:
            if name not in parts:
                raise TypeError(f"custom_id part {{{name}}} has no pattern")
            out.append(f"(?P<{name}>{parts[name].pattern})")
    return "".join(out)


class Persistent(discord.ui.DynamicItem[ItemT], ABC, Generic[ItemT], template=r"(?!)"):
    """A component that works after restarts: see the module's docstring."""

    custom_id_format: ClassVar[str] = ""
    custom_id_parts: ClassVar[dict[str, Part]] = {}

    def __init_subclass__(cls, *, custom_id: str, **parts: Part) -> None:
        super().__init_subclass__(template=template_of(custom_id, parts))
        cls.custom_id_format = custom_id
        cls.custom_id_parts = parts

    def __init__(self, item: ItemT, **values: Any) -> None:
        if set(values) != set(self.custom_id_parts):
            raise TypeError(
                f"{type(self).__name__} needs {sorted(self.custom_id_parts)}, got {sorted(values)}"
            )
        for name, value in values.items():
            setattr(self, name, value)
        custom_id = self.custom_id_format.format(**values)
        if len(custom_id) > CUSTOM_ID_LIMIT:
            raise ValueError(f"custom_id longer than {CUSTOM_ID_LIMIT} characters: {custom_id[:120]!r}")
        cast(Any, item).custom_id = custom_id  # buttons and selects: the dispatchable items
        super().__init__(item)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        restored = cls.__new__(cls)
        values = {name: part.parse(match[name]) for name, part in cls.custom_id_parts.items()}
        Persistent.__init__(restored, cast(ItemT, item), **values)
        return restored

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.run(cast("Interaction", interaction))  # every interaction reaches Haikei's client
        except Exception as exc:
            await report(interaction, exc, where=self.where())

    @abstractmethod
    async def run(self, interaction: Interaction) -> None:
        """What a click (or a selection) does."""

    def where(self) -> str:
        """How an error's log line names this component (override when the custom_id is private)."""
        return f"component {self.custom_id!r}"
