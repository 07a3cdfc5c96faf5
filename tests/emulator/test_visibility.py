"""``driver.visible_commands``: the commands a member sees where they are, as Discord's client lists them."""

from __future__ import annotations

import pytest

from emulator import DriverError, Emulator
from emulator.demo_world import SECOND_SERVER

EVERYONE_IN_A_SERVER = ["dmok", "guildonly", "open"]


def second_general(emu: Emulator) -> str:
    return str(emu.world.channel("general", SECOND_SERVER).id)


@pytest.mark.usefixtures("scoped_bot")
async def test_members_see_only_commands_their_permissions_allow(two_servers: Emulator) -> None:
    driver = two_servers.driver
    assert driver.visible_commands("alice", "general") == EVERYONE_IN_A_SERVER
    assert driver.visible_commands("mod", "general") == sorted(
        [*EVERYONE_IN_A_SERVER, "adminonly", "modonly"]
    )
    # a moderator who is not the owner has Manage Server but not Administrator
    world = two_servers.world
    world.add_member(world.add_user("mo"), roles=["Moderator", "Member"])
    assert driver.visible_commands("mo", "general") == sorted([*EVERYONE_IN_A_SERVER, "modonly"])


@pytest.mark.usefixtures("scoped_bot")
async def test_a_guild_command_exists_only_in_its_guild(two_servers: Emulator) -> None:
    driver = two_servers.driver
    assert "secondonly" not in driver.visible_commands("mod", "Haikei Test Server")
    assert "secondonly" not in driver.visible_commands("alice", "general")
    assert "secondonly" in driver.visible_commands("alice", SECOND_SERVER)
    assert "secondonly" in driver.visible_commands("alice", second_general(two_servers))
    assert driver.visible_commands("rin", SECOND_SERVER) == sorted(
        [*EVERYONE_IN_A_SERVER, "adminonly", "modonly", "secondonly"]
    )


@pytest.mark.usefixtures("scoped_bot")
async def test_non_members_and_blocked_channels_see_nothing(two_servers: Emulator) -> None:
    driver = two_servers.driver
    assert driver.visible_commands("kai", "Haikei Test Server") == []
    two_servers.world.set_overwrite("alerts", "alice", deny=["use_application_commands"])
    assert driver.visible_commands("alice", "alerts") == []
    assert driver.visible_commands("alice", "general") == EVERYONE_IN_A_SERVER


@pytest.mark.usefixtures("scoped_bot")
async def test_in_a_dm_only_global_commands_allowed_in_dms_appear(two_servers: Emulator) -> None:
    dm = two_servers.world.dm_channel("alice")
    shown = two_servers.driver.visible_commands("alice", dm)
    assert {"open", "dmok"} <= set(shown)
    assert "guildonly" not in shown and "secondonly" not in shown


@pytest.mark.usefixtures("scoped_bot")
async def test_context_menus_follow_the_same_rules(two_servers: Emulator) -> None:
    driver = two_servers.driver
    assert driver.visible_commands("alice", "general", command_type=3) == []
    assert driver.visible_commands("mod", "general", command_type=3) == ["Peek"]


@pytest.mark.usefixtures("scoped_bot")
async def test_the_driver_still_delivers_hidden_commands_so_server_side_checks_can_be_tested(
    two_servers: Emulator,
) -> None:
    assert "modonly" not in two_servers.driver.visible_commands("alice", "general")
    result = await (await two_servers.driver.command("modonly", user="alice")).wait()
    assert result.content == "/modonly in Haikei Test Server"


@pytest.mark.usefixtures("scoped_bot")
async def test_commands_in_the_second_server_land_there(two_servers: Emulator) -> None:
    channel = second_general(two_servers)
    result = await (await two_servers.driver.command("secondonly", user="rin", channel=channel)).wait()
    assert result.content == f"/secondonly in {SECOND_SERVER}"
    assert [m["content"] for m in two_servers.messages(channel)] == [result.content]
    assert two_servers.messages("general") == []
    with pytest.raises(DriverError, match="no registered slash command 'secondonly'"):
        await two_servers.driver.command("secondonly", user="alice", channel="general")
    with pytest.raises(DriverError, match="kai is not a member of Haikei Test Server"):
        await two_servers.driver.command("open", user="kai", channel="general")


async def test_channel_and_server_names_resolve_within_a_server(two_servers: Emulator) -> None:
    world = two_servers.world
    assert world.channel("general", SECOND_SERVER).guild_id == world.get_guild(SECOND_SERVER).id
    assert world.channel("general").guild_id == world.guild.id
    with pytest.raises(KeyError, match="unknown server"):
        world.get_guild("Third Server")
