"""The sandbox page's world: the emulator's default server plus a second one whose moderator is not a curator.

The default ``World`` (used by every test) has one server, "Haikei Test Server", moderated by ``mod``, who is
also the application's owner and so a curator of the shared disclosure records. The sandbox adds "Second
Server", owned and moderated by ``rin``, who is *not* a curator: trying the same commands as ``mod`` and as
``rin`` shows where a server moderator's powers end. Build it before the bot connects so it gets GUILD_CREATE
for both servers at READY.
"""

from __future__ import annotations

import logging

from emulator.state import World

log = logging.getLogger(__name__)

SECOND_SERVER = "Second Server"
SECOND_MODERATOR = "rin"
SECOND_ONLY_MEMBER = "kai"
SHARED_MEMBER = "alice"


def demo_world(*, bot_name: str = "Haikei") -> World:
    """The default world plus "Second Server" (owner/moderator rin; members alice, who is in both, and kai)."""
    world = World(bot_name=bot_name)
    second = world.add_guild(SECOND_SERVER, world.add_user(SECOND_MODERATOR))
    world.add_member(SHARED_MEMBER, roles=["Member"], guild=second)
    world.add_member(world.add_user(SECOND_ONLY_MEMBER), roles=["Member"], guild=second)
    return world
