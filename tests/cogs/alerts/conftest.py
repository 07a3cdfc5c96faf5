"""Fixtures for the alerts tests: a migrated database (the local feed server is in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from cogs.alerts.migrations import alerts


@pytest.fixture
def db() -> Iterator[Database]:
    database = open_database(None)
    apply_migrations(database, alerts)
    yield database
    database.conn.close()
