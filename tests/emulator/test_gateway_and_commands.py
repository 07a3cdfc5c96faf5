"""The emulator boots a real discord.py client: READY, GUILD_CREATE, sync, restarts and RESUME."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
from discord.ext import commands

from emulator import Emulator
from emulator.bootstrap import running
from tests.emulator.conftest import make_bot


async def test_ready_and_guild_state(emulator: Emulator, bot: commands.Bot) -> None:
    assert bot.user is not None and bot.user.id == emulator.world.bot.id
    guild = bot.get_guild(emulator.world.guild.id)
    assert guild is not None and guild.name == "Haikei Test Server"
    assert guild.me is not None and guild.me.id == bot.user.id
    assert {c.name for c in guild.text_channels} >= {"general", "alerts", "polls"}
    assert guild.member_count == 5
    # Without the members intent discord.py caches only itself; REST lookups work.
    alice = await guild.fetch_member(emulator.world.user("alice").id)
    assert alice.name == "alice"
    mod = await guild.fetch_member(emulator.world.user("mod").id)
    assert mod.guild_permissions.manage_guild
    general = discord.utils.get(guild.text_channels, name="general")
    assert general is not None
    perms = general.permissions_for(guild.me)
    assert perms.send_messages and perms.embed_links
    assert emulator.identify_count == 1


async def test_members_intent_caches_members(emulator: Emulator) -> None:
    intents = discord.Intents.default()
    intents.members = True
    b = commands.Bot(command_prefix="!", intents=intents)
    async with running(b, emulator):
        guild = b.get_guild(emulator.world.guild.id)
        assert guild is not None
        carol = guild.get_member(emulator.world.user("carol").id)
        assert carol is not None and [r.name for r in carol.roles] == ["@everyone", "Member"]


async def test_commands_registered(emulator: Emulator, bot: commands.Bot) -> None:
    names = {(c["name"], c["type"]) for c in emulator.registered_commands()}
    assert ("poll", 1) in names and ("Inspect message", 3) in names and ("Greet user", 2) in names
    assert emulator.command_puts == 1
    poll = next(c for c in emulator.registered_commands() if c["name"] == "poll")
    assert {o["name"] for o in poll["options"]} == {"create", "admin"}
    fetched = await bot.tree.fetch_commands()
    assert {c.name for c in fetched} == {n for n, _ in names}


async def test_restart_reidentifies_and_keeps_world(emulator: Emulator) -> None:
    first = make_bot()
    async with running(first, emulator, sync=True):
        pass
    second = make_bot()
    async with running(second, emulator):
        assert second.is_ready()
        result = await emulator.driver.command("echo", {"text": "again"})
        await result.wait()
        assert result.content == "again"
    assert emulator.identify_count == 2
    assert emulator.command_puts == 1


async def test_resume_replays_missed_events(emulator: Emulator, bot: commands.Bot) -> None:
    seen: list[int] = []
    got_delete = asyncio.Event()

    async def on_raw_message_delete(payload: discord.RawMessageDeleteEvent) -> None:
        seen.append(payload.message_id)
        got_delete.set()

    bot.add_listener(on_raw_message_delete)
    result = await emulator.driver.command("echo", {"text": "keep"})
    await result.wait()
    await emulator.force_disconnect()
    # Deleted while the bot is away: only a RESUME replay can tell the bot.
    from emulator.messages import delete_message

    delete_message(emulator, result.message)  # type: ignore[arg-type]
    await emulator.wait_until(lambda: emulator.resume_count == 1, 5, "resume")
    await asyncio.wait_for(got_delete.wait(), 5)
    assert seen == [int(result.message["id"])]  # type: ignore[index]
    assert emulator.identify_count == 1
    # The resumed session carries new interactions.
    again = await emulator.driver.command("echo", {"text": "after"})
    await again.wait()
    assert again.content == "after"


async def test_invalid_resume_falls_back_to_identify(emulator: Emulator, bot: commands.Bot) -> None:
    async def no_identify_delay(shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py sleeps 5 s before any non-initial IDENTIFY

    bot.before_identify_hook = no_identify_delay  # type: ignore[method-assign]
    for session in emulator.gateway.sessions.values():
        session.invalid = True  # as if Discord forgot the session
    await emulator.force_disconnect()
    await emulator.wait_until(lambda: emulator.identify_count == 2, 5, "re-identify")
    assert emulator.gateway.invalid_session_count == 1 and emulator.resume_count == 0
    r = await emulator.driver.command("echo", {"text": "fresh session"})
    await r.wait()
    assert r.content == "fresh session"


async def test_unknown_route_and_auth(emulator: Emulator) -> None:
    async with aiohttp.ClientSession() as s:
        headers = {"Authorization": f"Bot {emulator.token}"}
        async with s.get(f"{emulator.api_base}/nope/123", headers=headers) as r:
            assert r.status == 404
            assert r.headers["Content-Type"] == "application/json"
            assert await r.json() == {"message": "404: Not Found", "code": 0}
        async with s.get(f"{emulator.api_base}/users/@me", headers={"Authorization": "Bot wrong"}) as r:
            assert r.status == 401
        async with s.get(f"{emulator.url}/api/v9/users/@me", headers=headers) as r:
            assert (await r.json())["username"] == "Haikei"
    assert emulator.unknown_routes == [("GET", "/api/v10/nope/123")]


async def test_refuses_non_loopback() -> None:
    import pytest

    with pytest.raises(ValueError):
        await Emulator().start(host="0.0.0.0")
