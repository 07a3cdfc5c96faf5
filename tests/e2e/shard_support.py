"""A sharded emulator for the end-to-end tests: two shards, one server on each."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from emulator.emulator import Emulator, SandboxEvent
from emulator.entities import Guild
from emulator.state import World


@dataclass
class Shards:
    emulator: Emulator
    on_0: Guild  # the server Discord routes to shard 0 of 2
    on_1: Guild  # ... and to shard 1
    identified: list[SandboxEvent]  # gateway_identify events, in order

    def owner(self, guild: Guild) -> str:
        """The server's owner (a moderator there): mod or rin, depending on which server got which shard."""
        return self.emulator.world.user(guild.owner_id).username


def two_shard_world() -> tuple[World, Guild, Guild]:
    """Haikei Test Server plus Second Server (rin's; alice is in both), one on each shard of two."""
    world = World()
    first = world.guild
    second = world.add_guild("Second Server", world.add_user("rin"), shard=(1 - (first.id >> 22) % 2, 2))
    world.add_member("alice", roles=["Member"], guild=second)
    on_0, on_1 = sorted((first, second), key=lambda g: (g.id >> 22) % 2)
    return world, on_0, on_1


@contextlib.asynccontextmanager
async def sharded_emulator(identify_interval: float) -> AsyncIterator[Shards]:
    """A started emulator recommending two shards, with Discord's IDENTIFY pacing shortened to the interval."""
    world, on_0, on_1 = two_shard_world()
    emu = Emulator(world=world, shards=2, identify_interval=identify_interval)
    identified: list[SandboxEvent] = []
    emu.subscribe(lambda e: identified.append(e) if e.kind == "gateway_identify" else None)
    await emu.start()
    try:
        yield Shards(emu, on_0, on_1, identified)
    finally:
        await emu.stop()
