"""Command mentions (``</name sub:id>``): the emulator accepts them, resolves them against the registered
commands (recording those that lead nowhere), and the page gets each command's names to render them."""

from __future__ import annotations

import aiohttp
from discord.ext import commands

from emulator import Emulator
from emulator.command_mentions import find, leaf_paths
from emulator.web import SandboxWeb
from emulator.web.commands import mention_names

POLL = {
    "id": "42",
    "type": 1,
    "name": "poll",
    "name_localizations": {"ja": "投票"},
    "options": [
        {"type": 1, "name": "create", "name_localizations": {"ja": "作成"}, "options": [{"type": 3}]},
        {
            "type": 2,
            "name": "admin",
            "options": [{"type": 1, "name": "purge", "name_localizations": {"ja": "一掃"}}],
        },
    ],
}


def test_mentions_are_found_and_paths_listed() -> None:
    text = "Use </poll create:42> or </poll  admin purge:42>; not </poll:x> nor <#42>."
    assert find(text) == [("poll create", 42), ("poll admin purge", 42)]
    assert leaf_paths(POLL) == ["poll create", "poll admin purge"]
    assert leaf_paths({"name": "help", "options": []}) == ["help"]


def test_the_page_gets_localized_names_by_id() -> None:
    assert mention_names([POLL], "ja") == {
        "42": {"poll create": "投票 作成", "poll admin purge": "投票 admin 一掃"}
    }
    assert mention_names([POLL], "en-US")["42"]["poll create"] == "poll create"


async def test_the_emulator_accepts_mentions_and_records_broken_ones(
    emulator: Emulator, bot: commands.Bot
) -> None:
    poll_id = next(c["id"] for c in emulator.registered_commands() if c["name"] == "poll")
    echo_id = next(c["id"] for c in emulator.registered_commands() if c["name"] == "echo")
    good = f"try </poll create:{poll_id}> and </echo:{echo_id}>"
    result = await emulator.driver.command("echo", {"text": good}, user="alice")
    await result.wait()
    assert result.content == good
    assert emulator.broken_command_mentions == []

    bad = f"</poll delete:{poll_id}> </poll:{poll_id}> </echo:1>"
    result = await emulator.driver.command("echo", {"text": bad}, user="alice")
    await result.wait()
    assert result.content == bad  # accepted, as Discord does
    reasons = {b.mention: b.reason for b in emulator.broken_command_mentions}
    assert set(reasons) == {f"</poll delete:{poll_id}>", f"</poll:{poll_id}>", "</echo:1>"}
    assert reasons["</echo:1>"] == "no registered slash command has id 1"
    assert "has no invocable path 'poll delete'" in reasons[f"</poll delete:{poll_id}>"]
    assert all(b.message_id == int(result.original["id"]) for b in emulator.broken_command_mentions)


async def test_state_names_every_registered_command_for_mentions(
    web: SandboxWeb, http: aiohttp.ClientSession, emulator: Emulator, bot: commands.Bot
) -> None:
    async with http.get(web.url + "/api/state", params={"user": "alice", "locale": "ja"}) as resp:
        state = await resp.json()
    poll = next(c for c in emulator.registered_commands() if c["name"] == "poll")
    names = state["command_names"][poll["id"]]
    assert set(names) == {"poll create", "poll admin purge"}  # hidden ones too: a reply may mention them
    alerts = emulator.world.channel("alerts")
    assert state["all_channels"][str(alerts.id)] == {"name": "alerts", "guild": str(emulator.world.guild.id)}
    assert state["message_menu_names"] == {"Inspect message": "Inspect message"}
