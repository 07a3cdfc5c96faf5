"""The e2e fixtures (emulator, settings, haikei) for the operator-command tests."""

from tests.e2e.conftest import emulator, haikei, settings

__all__ = ["emulator", "haikei", "settings"]
