"""Fixtures for the sandbox's own tests: a fresh Emulator per test and a small real discord.py bot."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from emulator import Emulator
from emulator.bootstrap import running
from emulator.demo_world import SECOND_SERVER, demo_world
from emulator.web import SandboxWeb
from emulator.web.server import TOKEN_HEADER

WORDS = ["dog", "doge", "dolphin", "cat", "catalog", "bird"]


class VoteView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.votes: dict[int, str] = {}

    @discord.ui.button(label="Vote", custom_id="vote:yes", style=discord.ButtonStyle.primary)
    async def vote(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.votes[interaction.user.id] = "yes"
        await interaction.response.edit_message(content=f"votes: {len(self.votes)}")

    @discord.ui.button(label="Private", custom_id="vote:private")
    async def private(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message("only you", ephemeral=True, view=EphemeralView())

    @discord.ui.select(custom_id="vote:pick", options=[discord.SelectOption(label=x, value=x) for x in "abc"])
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"picked {','.join(select.values)}", ephemeral=True)

    @discord.ui.select(cls=discord.ui.UserSelect, custom_id="vote:who")
    async def who(self, interaction: discord.Interaction, select: discord.ui.UserSelect) -> None:
        await interaction.response.send_message(f"user {select.values[0].name}")


class EphemeralView(discord.ui.View):
    @discord.ui.button(label="Confirm", custom_id="eph:confirm")
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="confirmed", view=None)


class Feedback(discord.ui.Modal, title="Feedback"):
    text = discord.ui.TextInput(label="Your feedback", custom_id="fb:text", max_length=200)
    mood = discord.ui.Label(
        text="Mood",
        component=discord.ui.Select(
            custom_id="fb:mood", options=[discord.SelectOption(label=m, value=m) for m in ("happy", "sad")]
        ),
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        mood = self.mood.component.values[0]  # type: ignore[attr-defined]
        await interaction.response.send_message(f"thanks: {self.text.value} ({mood})", ephemeral=True)


def make_bot(**kwargs: Any) -> commands.Bot:
    """A minimal real bot exercising every interaction shape the emulator must handle."""
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), **kwargs)
    bot.errors: list[Exception] = []  # type: ignore[attr-defined]

    @bot.tree.command(description="Echo text back")
    @app_commands.describe(text="what to say")
    async def echo(interaction: discord.Interaction, text: str, private: bool = False) -> None:
        await interaction.response.send_message(text, ephemeral=private)

    @echo.autocomplete("text")
    async def echo_ac(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=w, value=w) for w in WORDS if w.startswith(current)]

    poll = app_commands.Group(name="poll", description="Polls")
    admin = app_commands.Group(name="admin", description="Poll admin", parent=poll)

    @poll.command(name="create", description="Create a poll")
    @app_commands.describe(question="the question", days="how long")
    async def poll_create(
        interaction: discord.Interaction, question: str, days: app_commands.Range[int, 1, 7] = 1
    ) -> None:
        await interaction.response.send_message(f"{question} ({days}d)", view=VoteView())

    @admin.command(name="purge", description="Purge polls")
    async def poll_purge(interaction: discord.Interaction, role: discord.Role, who: discord.Member) -> None:
        await interaction.response.send_message(f"purge {role.name} {who.name} {interaction.user.name}")

    bot.tree.add_command(poll)

    @bot.tree.command(description="Deferred work")
    async def work(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.05)
        await interaction.edit_original_response(content="done")
        await interaction.followup.send("extra", ephemeral=True)

    @bot.tree.command(description="Sleep past the deadline")
    async def slow(interaction: discord.Interaction, seconds: float) -> None:
        await asyncio.sleep(seconds)
        try:
            await interaction.response.send_message("late")
        except discord.HTTPException as exc:
            bot.errors.append(exc)  # type: ignore[attr-defined]

    @bot.tree.command(description="Upload a file")
    async def upload(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("file", file=discord.File(io.BytesIO(b"hello"), "hi.txt"))

    @bot.tree.command(description="Oversize embed")
    async def huge(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message(embed=discord.Embed(title="x" * 300))
        except discord.HTTPException as exc:
            bot.errors.append(exc)  # type: ignore[attr-defined]
            await interaction.response.send_message("fallback")

    @bot.tree.command(description="Open the feedback modal")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback())

    @bot.tree.command(description="Post to a channel")
    async def announce(interaction: discord.Interaction, channel: discord.TextChannel, text: str) -> None:
        await interaction.response.defer(ephemeral=True)
        try:
            await channel.send(text, embed=discord.Embed(description="announcement"))
            await interaction.followup.send("posted")
        except discord.HTTPException as exc:
            bot.errors.append(exc)  # type: ignore[attr-defined]
            await interaction.followup.send(f"failed {exc.code}")

    @bot.tree.command(description="DM a user")
    async def dm(interaction: discord.Interaction, user: discord.User) -> None:
        try:
            await user.send("hello by DM")
            await interaction.response.send_message("sent", ephemeral=True)
        except discord.HTTPException as exc:
            bot.errors.append(exc)  # type: ignore[attr-defined]
            await interaction.response.send_message(f"failed {exc.code}", ephemeral=True)

    @bot.tree.command(description="Size an attachment")
    async def size(interaction: discord.Interaction, file: discord.Attachment) -> None:
        data = await file.read()
        await interaction.response.send_message(f"{file.filename}: {len(data)} bytes {data[:5]!r}")

    @bot.tree.context_menu(name="Inspect message")
    async def inspect(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"inspected: {message.content}", ephemeral=True)

    @bot.tree.context_menu(name="Greet user")
    async def greet(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"hi {member.name}")

    return bot


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    # No IDENTIFY pacing here: the sample bot, like any plain discord.py bot, sleeps 5 s before every IDENTIFY
    # but its first, so a restart or re-IDENTIFY would be slow (tests/emulator/test_sharding.py checks pacing).
    emu = Emulator(interaction_deadline=3.0, identify_interval=0)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def bot(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> AsyncIterator[commands.Bot]:
    """The sample bot, synced and ready; fails the test if discord.py logged any error meanwhile."""
    b = make_bot()
    async with running(b, emulator, sync=True):
        yield b
    logged = [r for r in caplog.records if r.name.startswith("discord") and r.levelno >= logging.ERROR]
    assert not logged, [r.getMessage() for r in logged]
    errors = [e for e in b.errors if getattr(e, "code", None) not in (10062, 50035, 50013, 50007)]  # type: ignore[attr-defined]
    assert not errors


@pytest.fixture
async def web(emulator: Emulator) -> AsyncIterator[SandboxWeb]:
    """The sandbox page on a free loopback port (add the ``bot`` fixture for a bot to answer)."""
    server = await SandboxWeb(emulator).start()
    try:
        yield server
    finally:
        await server.stop()


def page_headers(web: SandboxWeb) -> dict[str, str]:
    """What the page's own script sends with every change: its per-start token."""
    return {TOKEN_HEADER: web.token}


@pytest.fixture
async def http(web: SandboxWeb) -> AsyncIterator[aiohttp.ClientSession]:
    """A client that acts like the page: it carries the page's token on every request."""
    async with aiohttp.ClientSession(headers=page_headers(web)) as session:
        yield session


def _reply() -> Any:
    """A fresh callback per command (the permission decorators mark the function itself)."""

    async def reply(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"/{interaction.command.name} in {interaction.guild}")  # type: ignore[union-attr]

    return reply


def make_scoped_bot(second_guild_id: int) -> commands.Bot:
    """A bot whose commands Discord's client would show to some members only, or in one server only."""
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    for name, decorate in {
        "open": lambda f: f,
        "modonly": app_commands.default_permissions(manage_guild=True),
        "adminonly": app_commands.default_permissions(),
        "guildonly": app_commands.guild_only(),
        "dmok": app_commands.allowed_contexts(guilds=True, dms=True),
    }.items():
        bot.tree.command(name=name, description=f"{name} command")(decorate(_reply()))
    second = discord.Object(second_guild_id)
    bot.tree.command(name="secondonly", description="a Second Server command", guild=second)(_reply())

    @bot.tree.context_menu(name="Peek")
    @app_commands.default_permissions(manage_guild=True)
    async def peek(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message("peeked", ephemeral=True)

    return bot


@pytest.fixture
async def two_servers() -> AsyncIterator[Emulator]:
    """An emulator with the sandbox page's world: Haikei Test Server and Second Server (moderated by rin)."""
    emu = Emulator(world=demo_world(), identify_interval=0)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def scoped_bot(two_servers: Emulator) -> AsyncIterator[commands.Bot]:
    """``make_scoped_bot`` synced globally and to Second Server."""
    second = two_servers.world.get_guild(SECOND_SERVER)
    b = make_scoped_bot(second.id)
    async with running(b, two_servers, sync=True):
        await b.tree.sync(guild=discord.Object(second.id))
        yield b
