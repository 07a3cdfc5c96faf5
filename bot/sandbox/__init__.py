"""Local Discord emulator (REST + gateway) and test driver for running the real bot end to end offline."""

from bot.sandbox.emulator import Emulator, SandboxEvent
from bot.sandbox.harness import running
from bot.sandbox.interactions import InteractionResult
from bot.sandbox.options import DriverError

__all__ = ["DriverError", "Emulator", "InteractionResult", "SandboxEvent", "running"]
