"""Shared fixtures: a migrated database on a tmp path, and the local feed server.

Every test also gets back the feature modules it imported: discord.py drops an extension's modules from
``sys.modules`` when a bot closes (``Bot.close`` unloads every extension), and the next import would make new
classes and functions, so objects the tests imported would stop matching the bot's (``isinstance`` fails,
pickling a worker function fails). The first copy of each ``cogs.*`` module is put back after every test.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from bot.migrations import core
from tests.cogs.alerts.feedserver import FeedServer


@pytest.fixture(autouse=True)
def keep_feature_modules() -> Iterator[None]:
    loaded = {name: module for name, module in sys.modules.items() if name.startswith("cogs.")}
    yield
    sys.modules.update(loaded)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "test.db")
    apply_migrations(database, core)
    yield database
    database.conn.close()


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    """A feed server on 127.0.0.1 for the alerts tests, stopped afterwards."""
    server = await FeedServer().start()
    try:
        yield server
    finally:
        await server.stop()
