"""Every driver verb against a real discord.py bot: commands, autocomplete, components, modals, menus."""

from __future__ import annotations

import aiohttp
import pytest
from discord.ext import commands

from emulator import DriverError, Emulator


async def test_slash_command_and_ephemeral(emulator: Emulator, bot: commands.Bot) -> None:
    result = await emulator.driver.command("echo", {"text": "hello"}, user="bob")
    await result.wait()
    assert result.response_type == 4 and result.content == "hello" and not result.ephemeral
    assert result.ack_latency is not None and result.ack_latency < 3
    assert emulator.messages("general")[-1]["content"] == "hello"
    assert result.message["interaction_metadata"]["user"]["username"] == "bob"  # type: ignore[index]

    private = await emulator.driver.command("echo", {"text": "secret", "private": True})
    await private.wait()
    assert private.ephemeral and private.content == "secret"
    assert all(m["content"] != "secret" for m in emulator.messages("general"))


async def test_subcommand_group_with_resolved_options(emulator: Emulator, bot: commands.Bot) -> None:
    r = await emulator.driver.command("poll admin purge", {"role": "Moderator", "who": "carol"}, user="mod")
    await r.wait()
    assert r.content == "purge Moderator carol mod"


async def test_driver_rejects_what_discord_would(emulator: Emulator, bot: commands.Bot) -> None:
    with pytest.raises(DriverError, match="no registered slash command"):
        await emulator.driver.command("nope")
    with pytest.raises(DriverError, match="unknown option"):
        await emulator.driver.command("echo", {"txt": "x"})
    with pytest.raises(DriverError, match="missing required"):
        await emulator.driver.command("echo", {})
    with pytest.raises(DriverError, match="above max_value"):
        await emulator.driver.command("poll create", {"question": "q", "days": 9})
    with pytest.raises(DriverError, match="is a group"):
        await emulator.driver.command("poll admin")


async def test_autocomplete(emulator: Emulator, bot: commands.Bot) -> None:
    choices = await emulator.driver.autocomplete("echo", {"text": "do"}, focused="text")
    assert [c["value"] for c in choices] == ["dog", "doge", "dolphin"]


async def test_buttons_selects_and_ephemeral_components(emulator: Emulator, bot: commands.Bot) -> None:
    poll = await emulator.driver.command("poll create", {"question": "Tea?", "days": 3})
    await poll.wait()
    assert poll.content == "Tea? (3d)"
    click = await emulator.driver.click(poll, "vote:yes", user="bob")
    await click.wait()
    assert click.response_type == 7 and poll.content == "votes: 1"  # the poll message was updated in place
    assert emulator.messages("general")[-1]["edited_timestamp"] is not None

    picked = await emulator.driver.select(poll.message, "vote:pick", ["b"], user="carol")  # type: ignore[arg-type]
    await picked.wait()
    assert picked.ephemeral and picked.content == "picked b"
    with pytest.raises(DriverError, match="not among options"):
        await emulator.driver.select(poll, "vote:pick", ["z"])

    who = await emulator.driver.select(poll, "vote:who", ["alice"])
    await who.wait()
    assert who.content == "user alice"

    private = await emulator.driver.click(poll, "vote:private")
    await private.wait()
    assert private.ephemeral
    confirm = await emulator.driver.click(private, "eph:confirm")  # a button on an ephemeral message
    await confirm.wait()
    assert private.content == "confirmed" and private.components == []


async def test_modal_round_trip(emulator: Emulator, bot: commands.Bot) -> None:
    opened = await emulator.driver.command("feedback", user="carol")
    await opened.wait()
    assert opened.response_type == 9 and opened.modal is not None
    assert opened.modal["title"] == "Feedback"
    with pytest.raises(DriverError, match="has no inputs"):
        await emulator.driver.submit_modal(opened, {"nope": "x"})
    submitted = await emulator.driver.submit_modal(opened, {"fb:text": "great", "fb:mood": ["happy"]})
    await submitted.wait()
    assert submitted.content == "thanks: great (happy)" and submitted.ephemeral


async def test_deferred_edit_and_followup(emulator: Emulator, bot: commands.Bot) -> None:
    r = await emulator.driver.command("work")
    await r.wait()
    assert r.response_type == 5
    await r.wait_edit()
    assert r.content == "done" and not r.loading
    followups = await r.wait_followups(1)
    assert followups[0]["content"] == "extra" and followups[0]["flags"] & 64


async def test_upload_and_attachment_option(emulator: Emulator, bot: commands.Bot) -> None:
    r = await emulator.driver.command("upload")
    await r.wait()
    (att,) = r.attachments
    assert att["filename"] == "hi.txt" and att["size"] == 5
    async with aiohttp.ClientSession() as s, s.get(att["url"]) as resp:
        assert await resp.read() == b"hello"

    sized = await emulator.driver.command("size", {"file": ("art.png", b"\x89PNG-data", "image/png")})
    await sized.wait()
    assert sized.content == "art.png: 9 bytes b'\\x89PNG-'"


async def test_context_menus(emulator: Emulator, bot: commands.Bot) -> None:
    first = await emulator.driver.command("echo", {"text": "look at me"})
    await first.wait()
    r = await emulator.driver.context_menu("Inspect message", target_message=first.message, user="bob")
    await r.wait()
    assert r.content == "inspected: look at me" and r.ephemeral
    g = await emulator.driver.context_menu("Greet user", target_user="carol")
    await g.wait()
    assert g.content == "hi carol"


async def test_event_feed(emulator: Emulator, bot: commands.Bot) -> None:
    events: list[str] = []
    unsubscribe = emulator.subscribe(lambda e: events.append(e.kind))
    r = await emulator.driver.command("echo", {"text": "feed"})
    await r.wait()
    unsubscribe()
    assert events[:3] == ["interaction_create", "message_create", "interaction_response"]
    msg = await emulator.wait_for_message("general", lambda m: m["content"] == "feed")
    assert msg is r.message


async def test_context_menu_on_user_message_with_image(emulator: Emulator, bot: commands.Bot) -> None:
    msg = emulator.post_as("carol", "general", "my art", files=[("art.png", b"\x89PNG....", "image/png")])
    r = await emulator.driver.context_menu("Inspect message", target_message=msg, user="alice")
    await r.wait()
    assert r.content == "inspected: my art"
    resolved = r.payload["data"]["resolved"]["messages"][msg["id"]]
    assert resolved["attachments"][0]["filename"] == "art.png"


async def test_many_concurrent_clicks(emulator: Emulator, bot: commands.Bot) -> None:
    import asyncio

    poll = await emulator.driver.command("poll create", {"question": "Burst?"})
    await poll.wait()
    names = [f"voter{i}" for i in range(200)]
    for name in names:
        emulator.world.add_member(emulator.world.add_user(name), roles=["Member"])
    clicks = [await emulator.driver.click(poll, "vote:yes", user=n) for n in names]
    await asyncio.gather(*(c.wait(timeout=20) for c in clicks))
    # Concurrent UPDATE_MESSAGE responses land in arrival order (as on Discord), so the last edit need not
    # carry the highest count; every click was answered and one of them saw all 200 votes.
    assert all(c.response_type == 7 for c in clicks)
    assert "votes: 200" in {c.response_body["data"]["content"] for c in clicks}  # type: ignore[index]
    assert not emulator.limit_violations and not emulator.deadline_misses


async def test_command_in_dm(emulator: Emulator, bot: commands.Bot) -> None:
    dm = emulator.world.dm_channel("alice")
    r = await emulator.driver.command("echo", {"text": "in a DM"}, channel=dm.id)
    await r.wait()
    assert r.content == "in a DM" and r.payload["context"] == 1 and "member" not in r.payload
    assert [m["content"] for m in emulator.dms("alice")] == ["in a DM"]
