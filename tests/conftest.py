"""Shared fixtures: a migrated database on a tmp path."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from bot.migrations import core


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "test.db")
    apply_migrations(database, core)
    yield database
    database.conn.close()
