"""Replies name commands with Discord command mentions (``</config modrole:ID>``, shown localized and clickable):
/help lists them so, catalog texts that write a command in backticks get one, and guild-only commands use the
id registered in their server."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.client import Haikei
from bot.replies import command_ids
from bot.settings import Settings
from emulator.emulator import Emulator
from emulator.visibility import visible
from emulator.web.commands import invocable
from tests.e2e.helpers import answer_text, assert_clean, running_haikei

pytestmark = pytest.mark.e2e
MENTION = re.compile(r"</([^:>]+):(\d+)>")


def registered_id(emulator: Emulator, name: str, guild_id: int | None = None) -> str:
    return str(emulator.world.commands[guild_id][(name, 1)]["id"])


async def ids_known(bot: Haikei) -> None:
    await asyncio.wait_for(command_ids(bot).known.wait(), 5)


@pytest.mark.parametrize("locale", ["en-US", "ja"])
async def test_help_lists_commands_as_mentions(haikei: Haikei, emulator: Emulator, locale: str) -> None:
    await ids_known(haikei)
    result = await emulator.driver.command("help", user="mod", locale=locale)
    await result.wait()
    body = "\n".join(field["value"] for field in result.embeds[0]["fields"])
    mentioned = MENTION.findall(body)
    assert ("help", registered_id(emulator, "help")) in mentioned
    assert ("poll create", registered_id(emulator, "poll")) in mentioned
    assert ("config modrole", registered_id(emulator, "config")) in mentioned
    assert ("alerts keywords add", registered_id(emulator, "alerts")) in mentioned
    assert "`/" not in body  # no command left as plain code
    shown_to_mod = {entry["path"] for entry in invocable(visible(emulator.world, "mod", "general"))}
    assert sorted(path for path, _ in mentioned) == sorted(shown_to_mod)  # each once, none clipped away
    assert "…" not in body
    assert emulator.allowed_mentions_for(result.original["id"])[0].users == []
    assert emulator.broken_command_mentions == []
    assert_clean(emulator)


async def test_error_messages_mention_the_command_to_use(haikei: Haikei, emulator: Emulator) -> None:
    await ids_known(haikei)
    member = emulator.world.role("Member")
    refused = await emulator.driver.command("config modrole", {"role": member.id}, user="alice")
    text = await answer_text(refused)
    assert f"</config modrole:{registered_id(emulator, 'config')}>" in text
    assert "`/config modrole`" not in text
    refused_ja = await emulator.driver.command("config show", user="carol", locale="ja")
    assert f"</config modrole:{registered_id(emulator, 'config')}>" in await answer_text(refused_ja)
    assert emulator.broken_command_mentions == []
    assert_clean(emulator)


async def test_guild_only_commands_are_mentioned_by_their_servers_id(
    settings: Settings, emulator: Emulator
) -> None:
    world = emulator.world
    hub = world.add_guild("Curators", world.user("mod"))
    configured = settings.with_overrides(curator_guild_id=hub.id)
    async with running_haikei(configured, emulator) as bot:
        await ids_known(bot)
        answer = await emulator.driver.command(
            "curate restore", {"id": "dog-and-the-boy-2023"}, user="mod", channel=hub.channel_ids[0]
        )
        text = await answer_text(answer)
        assert "is not deleted" in text
        assert f"</curate history:{registered_id(emulator, 'curate', hub.id)}>" in text
        # Where /curate does not exist the text stays as written: a mention would lead nowhere.
        assert command_ids(bot).link("see `/curate history`", world.guild.id) == "see `/curate history`"
        assert command_ids(bot).link("`/curate history`", hub.id).startswith("</curate history:")
    assert emulator.broken_command_mentions == []
    assert_clean(emulator)
