"""A local Discord (REST + gateway) that a real, unmodified discord.py client talks to, its test driver, and the
sandbox page. A product of its own that ships with Haikei: only ``emulator.bootstrap`` imports the bot's core
(to start it against the emulator); nothing else here imports ``bot`` or ``cogs``."""

from emulator.emulator import Emulator, SandboxEvent
from emulator.interactions import InteractionResult
from emulator.options import DriverError

__all__ = ["DriverError", "Emulator", "InteractionResult", "SandboxEvent"]
