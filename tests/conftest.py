"""Shared fixtures: a migrated database on a tmp path, and the local feed server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from bot.migrations import core
from tests.cogs.alerts.feedserver import FeedServer


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
