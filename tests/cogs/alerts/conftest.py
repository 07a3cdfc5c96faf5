"""Fixtures for the alerts tests: the local feed server and a migrated database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from cogs.alerts.migrations import alerts
from tests.cogs.alerts.feedserver import FeedServer


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = await FeedServer().start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def db() -> Iterator[Database]:
    database = open_database(None)
    apply_migrations(database, alerts)
    yield database
    database.conn.close()
