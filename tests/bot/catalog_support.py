"""What the catalog tests share: where the catalogs are, loading them, and the bot's command tree built as
the bot builds it (no Discord connection), with the catalog key and English of every string in it."""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.client import Haikei
from bot.db import AsyncDatabase, open_database
from bot.i18n import Catalogs, command_key, flatten
from bot.migrations import core
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CORE_LOCALES = ROOT / "bot" / "locales"
CATALOG_DIRS = [CORE_LOCALES, *sorted((ROOT / "cogs").glob("*/locales"))]
CURATORS = 4242  # the curators' server: /curate is registered there, not globally


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def load(directory: Path, lang: str) -> dict[str, str]:
    return flatten(tomllib.loads((directory / f"{lang}.toml").read_text(encoding="utf-8")))


def every_catalog() -> Catalogs:
    catalogs = Catalogs()
    for directory in CATALOG_DIRS:
        catalogs.load_dir(directory)
    return catalogs


def resolves(catalogs: Catalogs, key: str, lang: str) -> bool:
    """``key`` has a text in ``lang``: a plain entry, or a plural table (``.other`` is what ja reads)."""
    return catalogs.get(key, lang) is not None or catalogs.get(f"{key}.other", lang) is not None


def report(title: str, problems: Iterable[str]) -> str:
    found = sorted(set(problems))
    return f"{title} ({len(found)}):\n  " + "\n  ".join(found)


# ------------------------------------------------------------------------------------------------------------
# The command tree, built as the bot builds it (no Discord connection)


@dataclass(frozen=True)
class TreeString:
    """One translatable string of the command tree: its catalog key and the English the code gives it."""

    key: str | None
    english: str
    where: str


class Recorder(app_commands.Translator):
    """Asked by discord.py for every string of the tree, as at sync: records each once, translates none."""

    def __init__(self) -> None:
        self.strings: list[TreeString] = []

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is discord.Locale.japanese:  # asked once per locale: one is enough
            self.strings.append(TreeString(command_key(string, context), string.message, describe(context)))
        return None


def describe(context: app_commands.TranslationContextTypes) -> str:
    data: Any = context.data
    if isinstance(data, app_commands.Parameter):
        where = f"/{data.command.qualified_name} {data.name}"
    elif isinstance(data, app_commands.Choice):
        where = f"choice {data.value!r}"
    elif isinstance(data, app_commands.ContextMenu):
        where = f"menu {data.name!r}"
    else:
        where = f"/{data.qualified_name}"
    return f"{where} ({context.location.name})"


@dataclass(frozen=True)
class Built:
    bot: Haikei
    strings: list[TreeString]

    def commands(self) -> list[app_commands.Command | app_commands.Group | app_commands.ContextMenu]:
        """Top-level commands: the global ones and the curators' server's own."""
        return [*self.bot.tree.get_commands(), *self.bot.tree.get_commands(guild=discord.Object(CURATORS))]

    def slash_commands(self) -> Iterator[app_commands.Command]:
        stack = [c for c in self.commands() if not isinstance(c, app_commands.ContextMenu)]
        while stack:
            command = stack.pop()
            if isinstance(command, app_commands.Group):
                stack.extend(command.commands)
            else:
                yield command


@asynccontextmanager
async def build_tree(tmp_path: Path) -> AsyncIterator[Built]:
    """Haikei with every extension loaded on a tmp database, the way ``setup_hook`` loads them."""
    settings = Settings(
        database_path=tmp_path / "haikei.db",
        poll_secret="test-secret-" + "x" * 32,
        curator_guild_id=CURATORS,
        recommended_feeds_path=ROOT / "data" / "feeds.toml",
    )
    bot = Haikei(settings, AsyncDatabase(open_database(settings.database_path)))
    async with bot:  # discord.py's own set-up; no login, no gateway
        await bot.db.migrate(core)
        await bot.load_feature_extensions()
        assert bot.failed_extensions == {}
        recorder = Recorder()
        found = Built(bot, recorder.strings)
        for command in found.commands():
            await command.get_translated_payload(bot.tree, recorder)
        yield found
