"""The typed base of a cog made of mixins (Red's ``MixinMeta`` idiom).

A cog split into parts gives them one abstract base, derived from :class:`CogMixin`, that declares the cog's
attributes and, as abstract methods, what one part needs from another: pyright checks each part against it, and a
cog that misses a method cannot be created. ``CogMixin`` is a ``commands.Cog`` so that discord.py's decorators
type-check on the parts' commands (discord.py's cog metaclass collects commands from every class of the cog's
MRO, as it does from plain mixins); its metaclass combines discord.py's ``CogMeta`` and ``ABCMeta``.
"""

from __future__ import annotations

from abc import ABC, ABCMeta
from typing import TYPE_CHECKING

from discord.ext import commands

if TYPE_CHECKING:
    from bot.client import Haikei


class CompositeMetaClass(commands.CogMeta, ABCMeta):
    """discord.py's cog metaclass and ``ABCMeta`` in one: a cog whose bases are ABCs."""


class CogMixin(commands.Cog, ABC, metaclass=CompositeMetaClass):
    """The base of a cog's mixin base: every part has the bot."""

    bot: Haikei
