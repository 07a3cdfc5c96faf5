"""Installation and interaction contexts: commands registered for server and user installs, interactions from a
server without the bot, the DM with the bot and a DM between users, and Discord's rules for user installs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from emulator import DriverError, Emulator
from emulator.bootstrap import running
from emulator.entities import Guild


def anywhere_(f: Any) -> Any:
    """Installable to servers and accounts, offered in every context."""
    f = app_commands.allowed_installs(guilds=True, users=True)(f)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(f)


def make_bot() -> commands.Bot:
    """Commands for every installation: anywhere (both installs, every context), a server-only one, one
    that names nothing (Discord gives it the app's installation types), and one sending follow-ups."""
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    bot.seen: list[dict[str, Any]] = []  # type: ignore[attr-defined]
    bot.errors: list[discord.HTTPException] = []  # type: ignore[attr-defined]

    @bot.tree.command(description="Works anywhere")
    @anywhere_
    async def anywhere(interaction: discord.Interaction, private: bool = False) -> None:
        bot.seen.append(  # type: ignore[attr-defined]
            {
                "user_integration": interaction.is_user_integration(),
                "guild_integration": interaction.is_guild_integration(),
                "context": interaction.context,
                "member": isinstance(interaction.user, discord.Member),
                "guild_cached": bot.get_guild(interaction.guild_id or 0) is not None,
                "permissions": interaction.permissions,
                "app_permissions": interaction.app_permissions,
            }
        )
        await interaction.response.send_message("hi", ephemeral=private)

    @bot.tree.command(description="Servers only, server install only")
    @app_commands.allowed_installs(guilds=True, users=False)
    @app_commands.allowed_contexts(guilds=True)
    async def serveronly(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("server")

    @bot.tree.command(description="Names no installation type")
    async def legacy(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("legacy")

    @bot.tree.command(description="Sends follow-ups")
    @anywhere_
    async def chatty(interaction: discord.Interaction, count: int) -> None:
        await interaction.response.send_message("start", ephemeral=True)
        for n in range(count):
            try:
                await interaction.followup.send(f"more {n}", ephemeral=True)
            except discord.HTTPException as exc:
                bot.errors.append(exc)  # type: ignore[attr-defined]

    return bot


@pytest.fixture
async def elsewhere(emulator: Emulator) -> Guild:
    """A server the bot is not in, where alice and bob are members; alice installed the app to her account."""
    world = emulator.world
    guild = world.add_guild("Artists' Cafe", world.add_user("yuki"), with_bot=False)
    for name in ("alice", "bob"):
        world.add_member(name, roles=["Member"], guild=guild)
    world.install_to_user("alice")
    return guild


@pytest.fixture
async def bot(emulator: Emulator, elsewhere: Guild) -> AsyncIterator[commands.Bot]:
    b = make_bot()
    async with running(b, emulator, sync=True):
        yield b


def cafe(emulator: Emulator) -> str:
    return str(emulator.world.channel("general", "Artists' Cafe").id)


def registered(emulator: Emulator) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in emulator.registered_commands()}


async def test_commands_keep_their_installation_types_and_contexts(
    emulator: Emulator, bot: commands.Bot
) -> None:
    commands_ = registered(emulator)
    assert commands_["anywhere"]["integration_types"] == [0, 1]
    assert commands_["anywhere"]["contexts"] == [0, 1, 2]
    assert commands_["serveronly"]["integration_types"] == [0]
    assert commands_["serveronly"]["contexts"] == [0]
    # like Discord, a command naming no installation type gets the app's (here both)
    assert commands_["legacy"]["integration_types"] == [0, 1]


async def test_the_bot_never_hears_of_a_server_it_is_not_in(
    emulator: Emulator, bot: commands.Bot, elsewhere: Guild
) -> None:
    assert bot.get_guild(elsewhere.id) is None
    assert [g.name for g in bot.guilds] == ["Haikei Test Server"]
    outside = emulator.post_as("bob", cafe(emulator), "not for the bot")
    inside = emulator.post_as("bob", "general", "for the bot")
    await emulator.wait_until(
        lambda: any(m.id == int(inside["id"]) for m in bot.cached_messages), 5, "the bot to see a message"
    )
    assert all(m.id != int(outside["id"]) for m in bot.cached_messages)


async def test_a_user_install_reaches_a_server_without_the_bot(emulator: Emulator, bot: commands.Bot) -> None:
    result = await (await emulator.driver.command("anywhere", user="alice", channel=cafe(emulator))).wait()
    payload = result.payload
    assert payload["context"] == 0 and payload["guild_id"] == str(
        emulator.world.get_guild("Artists' Cafe").id
    )
    assert payload["authorizing_integration_owners"] == {"1": str(emulator.world.user("alice").id)}
    assert "member" in payload and "user" not in payload
    seen = bot.seen[-1]  # type: ignore[attr-defined]
    assert seen["user_integration"] and not seen["guild_integration"] and not seen["guild_cached"]
    assert seen["member"] and seen["context"].guild
    assert seen["permissions"].send_messages and seen["permissions"].use_external_apps
    # Discord: @everyone's permissions there, plus what an interaction webhook may always do
    assert seen["app_permissions"].embed_links and seen["app_permissions"].attach_files
    assert not seen["app_permissions"].manage_messages
    assert not result.ephemeral and not result.forced_ephemeral
    assert [m["content"] for m in emulator.messages(cafe(emulator))] == ["hi"]


async def test_dms_with_the_bot_and_between_users(emulator: Emulator, bot: commands.Bot) -> None:
    world = emulator.world
    alice = world.user("alice")
    dm = await (
        await emulator.driver.command("anywhere", user="alice", channel=world.dm_channel("alice"))
    ).wait()
    assert dm.payload["context"] == 1 and "user" in dm.payload and "guild_id" not in dm.payload
    assert dm.payload["authorizing_integration_owners"] == {"0": "0", "1": str(alice.id)}
    assert bot.seen[-1]["context"].dm_channel  # type: ignore[attr-defined]
    for users, kind in ((("alice", "bob"), 1), (("alice", "bob", "carol"), 3)):
        private = world.private_channel(*users)
        assert private.type == kind
        result = await (await emulator.driver.command("anywhere", user="alice", channel=private)).wait()
        assert result.payload["context"] == 2 and result.payload["channel"]["type"] == kind
        assert result.payload["authorizing_integration_owners"] == {"1": str(alice.id)}
        assert bot.seen[-1]["context"].private_channel and not bot.seen[-1]["guild_integration"]  # type: ignore[attr-defined]
        assert [m["content"] for m in private.messages.values()] == ["hi"]
        with pytest.raises(DriverError, match="carol is not in the DM"):
            await emulator.driver.command(
                "anywhere", user="carol", channel=world.private_channel("alice", "bob")
            )


async def test_commands_are_refused_where_they_are_not_offered(emulator: Emulator, bot: commands.Bot) -> None:
    world, driver = emulator.world, emulator.driver
    private = world.private_channel("alice", "bob")
    for name, channel, user in (
        ("serveronly", cafe(emulator), "alice"),  # no server install there
        ("serveronly", private, "alice"),  # not registered for context 2
        ("serveronly", world.dm_channel("alice"), "alice"),  # nor for the DM with the bot
        ("anywhere", cafe(emulator), "bob"),  # bob did not install the app
        ("anywhere", private, "bob"),
    ):
        with pytest.raises(DriverError, match="does not offer it"):
            await driver.command(name, user=user, channel=channel)
    # in the bot's own server nothing changes, installed or not
    for user in ("alice", "bob"):
        assert (await (await driver.command("serveronly", user=user)).wait()).content == "server"


async def test_visible_commands_follow_installs_and_contexts(emulator: Emulator, bot: commands.Bot) -> None:
    world, driver = emulator.world, emulator.driver
    assert driver.visible_commands("alice", "Artists' Cafe") == ["anywhere", "chatty", "legacy"]
    assert driver.visible_commands("bob", "Artists' Cafe") == []
    assert driver.visible_commands("alice", world.private_channel("alice", "bob")) == [
        "anywhere",
        "chatty",
        "legacy",
    ]
    assert driver.visible_commands("bob", world.dm_channel("bob")) == ["anywhere", "chatty", "legacy"]
    assert driver.visible_commands("bob", "general") == ["anywhere", "chatty", "legacy", "serveronly"]
    world.install_types = [0]  # an app without user installs: what names no type is for servers only
    await bot.tree.sync()
    assert driver.visible_commands("alice", "Artists' Cafe") == ["anywhere", "chatty"]


async def test_a_public_answer_is_ephemeral_where_the_member_may_not_post(
    emulator: Emulator, bot: commands.Bot
) -> None:
    world, driver = emulator.world, emulator.driver
    world.set_overwrite(cafe(emulator), "alice", deny=["use_external_apps"])
    result = await (await driver.command("anywhere", user="alice", channel=cafe(emulator))).wait()
    assert result.ephemeral and result.forced_ephemeral and emulator.messages(cafe(emulator)) == []
    chosen = await (
        await driver.command("anywhere", {"private": True}, user="alice", channel=cafe(emulator))
    ).wait()
    assert chosen.ephemeral and not chosen.forced_ephemeral
    # where the bot is, the member's permissions do not matter
    world.set_overwrite("general", "alice", deny=["send_messages", "use_external_apps"])
    inside = await (await driver.command("anywhere", user="alice")).wait()
    assert not inside.ephemeral and not inside.forced_ephemeral


async def test_a_user_install_gets_five_follow_ups(emulator: Emulator, bot: commands.Bot) -> None:
    outside = await emulator.driver.command("chatty", {"count": 6}, user="alice", channel=cafe(emulator))
    await outside.wait_followups(5)
    await emulator.wait_until(lambda: bot.errors, 5, "the sixth follow-up to be refused")  # type: ignore[attr-defined]
    assert [e.code for e in bot.errors] == [40094]  # type: ignore[attr-defined]
    assert len(outside.followups) == 5 and len(emulator.limit_violations) == 1
    inside = await emulator.driver.command("chatty", {"count": 6}, user="alice")
    assert len(await inside.wait_followups(6)) == 6
    assert len(bot.errors) == 1  # type: ignore[attr-defined]


async def test_components_carry_the_installs_of_the_message(emulator: Emulator, bot: commands.Bot) -> None:
    """A button on a message a user install sent: whoever clicks, the owners are the installing user's."""
    from emulator.interactions import MESSAGE_COMPONENT, build_interaction

    world = emulator.world
    result = await (await emulator.driver.command("anywhere", user="alice", channel=cafe(emulator))).wait()
    assert result.message is not None
    payload = build_interaction(
        emulator,
        MESSAGE_COMPONENT,
        {"custom_id": "x", "component_type": 2},
        user=world.user("bob"),
        channel=world.channel(cafe(emulator)),
        message=result.message,
    )
    assert payload["authorizing_integration_owners"] == {"1": str(world.user("alice").id)}
    assert payload["member"]["user"]["username"] == "bob"
