"""The browser sandbox page: static HTML/CSS/JS plus the aiohttp API and websocket that drive the emulator."""

from emulator.web.server import SandboxWeb

__all__ = ["SandboxWeb"]
