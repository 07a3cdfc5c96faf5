"""The core end to end: the real client against the emulator (READY, sync once, help/about/config, resume, 429)."""

from __future__ import annotations

import pytest
from discord import app_commands

from bot.client import Haikei
from bot.extensions import EXTENSIONS
from bot.settings import Settings
from emulator.emulator import Emulator
from tests.e2e.helpers import running_haikei

pytestmark = pytest.mark.e2e


def assert_clean(emulator: Emulator) -> None:
    """Nothing the bot sent broke Discord's limits, missed the deadline, or could ping anyone."""
    assert emulator.limit_violations == []
    assert emulator.deadline_misses == []
    assert emulator.unknown_routes == []


async def test_ready_with_every_extension_and_unique_names(haikei: Haikei, emulator: Emulator) -> None:
    assert haikei.failed_extensions == {}
    assert [name for name in EXTENSIONS if name not in haikei.extensions] == []
    guild = haikei.guilds[0]
    assert guild.me is not None
    assert guild.get_channel(emulator.world.channel("general").id) is not None

    def names(commands: list) -> list[str]:
        return [c.name for c in commands]

    top = haikei.tree.get_commands()
    assert len(names(top)) == len(set(names(top)))
    for command in top:
        if isinstance(command, app_commands.Group):
            assert len(names(command.commands)) == len(set(names(command.commands)))


async def test_commands_registered_with_japanese_localizations(haikei: Haikei, emulator: Emulator) -> None:
    registered = emulator.registered_commands()
    assert {"help", "about", "config"} <= {c["name"] for c in registered}

    def check(node: dict, where: str) -> None:
        assert node.get("name_localizations", {}).get("ja"), f"no Japanese name for {where}"
        if node.get("description"):
            assert node.get("description_localizations", {}).get("ja"), f"no Japanese description for {where}"
        for option in node.get("options", []):
            check(option, f"{where} {option['name']}")

    for command in registered:
        check(command, command["name"])


async def test_sync_happens_once_for_an_unchanged_tree(settings: Settings, emulator: Emulator) -> None:
    async with running_haikei(settings, emulator) as bot:
        assert bot.synced_on_start is True
    assert emulator.command_puts == 1
    async with running_haikei(settings, emulator) as bot:
        assert bot.synced_on_start is False
    assert emulator.command_puts == 1
    async with running_haikei(settings, emulator, extensions=()) as bot:
        assert bot.synced_on_start is True  # the tree changed, so it is synced again
    assert emulator.command_puts == 2


async def test_help_lists_commands_privately_within_the_deadline(haikei: Haikei, emulator: Emulator) -> None:
    result = await emulator.driver.command("help", user="alice")
    await result.wait()
    assert result.ephemeral
    embed = result.embeds[0]
    body = "\n".join(field["value"] for field in embed["fields"])
    assert "/about" in body and "/poll create" in body
    assert "/config" not in body and "/poll-manage" not in body  # as Discord hides them from members
    assert result.ack_latency is not None and result.ack_latency < 3
    moderator = await emulator.driver.command("help", user="mod")
    await moderator.wait()
    mod_body = "\n".join(field["value"] for field in moderator.embeds[0]["fields"])
    assert "/config modrole" in mod_body and "/poll-manage close" in mod_body
    assert_clean(emulator)


async def test_help_follows_the_users_locale(haikei: Haikei, emulator: Emulator) -> None:
    result = await emulator.driver.command("help", user="alice", locale="ja")
    await result.wait()
    assert result.embeds[0]["title"] == "Haikei のコマンド"


async def test_about_shows_version_and_uptime(haikei: Haikei, emulator: Emulator) -> None:
    result = await emulator.driver.command("about", user="bob")
    await result.wait()
    fields = {field["name"]: field["value"] for field in result.embeds[0]["fields"]}
    assert fields["Version"] == "0.1.0"
    assert fields["Servers"] == "1"
    assert "Uptime" in fields
    assert_clean(emulator)


async def test_modrole_is_refused_to_members_and_changes_nothing(haikei: Haikei, emulator: Emulator) -> None:
    member_role = emulator.world.role("Member")
    result = await emulator.driver.command("config modrole", {"role": member_role.id}, user="alice")
    await result.wait()
    assert result.ephemeral
    assert "Only moderators" in result.content
    show = await emulator.driver.command("config show", user="mod")
    await show.wait()
    values = {f["name"]: f["value"] for f in show.embeds[0]["fields"]}
    assert values["Moderator role"] == "not set"


async def test_modrole_from_a_moderator_grants_moderator_commands(haikei: Haikei, emulator: Emulator) -> None:
    member_role = emulator.world.role("Member")
    refused = await emulator.driver.command("config show", user="carol")
    await refused.wait()
    assert "Only moderators" in refused.content

    result = await emulator.driver.command("config modrole", {"role": member_role.id}, user="mod")
    await result.wait()
    assert result.ephemeral
    assert f"<@&{member_role.id}>" in result.content

    allowed = await emulator.driver.command("config show", user="carol")
    await allowed.wait()
    values = {f["name"]: f["value"] for f in allowed.embeds[0]["fields"]}
    assert values["Moderator role"] == f"<@&{member_role.id}>"
    assert_clean(emulator)


async def test_everyone_cannot_be_the_moderator_role(haikei: Haikei, emulator: Emulator) -> None:
    everyone = emulator.world.role("@everyone")
    result = await emulator.driver.command("config modrole", {"role": everyone.id}, user="mod")
    await result.wait()
    assert result.ephemeral and "@everyone can't be the moderator role" in result.content
    still = await emulator.driver.command("alerts pause", user="alice")  # a member is still no moderator
    await still.wait()
    assert "Only moderators" in still.content
    show = await emulator.driver.command("config show", user="mod")
    await show.wait()
    assert {f["name"]: f["value"] for f in show.embeds[0]["fields"]}["Moderator role"] == "not set"
    assert_clean(emulator)


async def test_gateway_drop_is_resumed(haikei: Haikei, emulator: Emulator) -> None:
    assert emulator.identify_count == 1
    await emulator.force_disconnect()
    await emulator.wait_until(lambda: emulator.resume_count == 1, timeout=10, what="a RESUME")
    result = await emulator.driver.command("about", user="alice")
    await result.wait(timeout=10)
    assert result.embeds
    assert emulator.identify_count == 1


async def test_rate_limit_is_honoured(haikei: Haikei, emulator: Emulator) -> None:
    emulator.rate_limit("POST", r"/interactions/.*/callback", limit=1, per=0.5, advertise=False)
    results = [await emulator.driver.command("about", user=name) for name in ("alice", "bob", "carol")]
    for result in results:
        await result.wait(timeout=5)
        assert result.embeds[0]["title"] == "Haikei 背景"
    assert emulator.rate_limited_count >= 1
    assert emulator.deadline_misses == []


async def test_help_in_a_dm_lists_only_what_runs_in_a_dm(haikei: Haikei, emulator: Emulator) -> None:
    dm = emulator.world.dm_channel("alice")
    result = await (await emulator.driver.command("help", user="alice", channel=dm)).wait()
    listed = "\n".join(field["value"] for field in result.embeds[0]["fields"])
    shown = set(emulator.driver.visible_commands("alice", dm))
    assert "/disclosure lookup" in listed and "disclosure" in shown
    assert "/poll " not in listed and "poll" not in shown  # server-only: Discord offers no /poll in a DM
    assert "/alerts" not in listed
    assert_clean(emulator)
