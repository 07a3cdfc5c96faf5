"""Fixtures of the disclosures store tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from cogs.disclosures import seed
from cogs.disclosures.schema import migrations


@pytest.fixture
def db(tmp_path: Path) -> Database:
    """A migrated database holding the shipped seed records."""
    database = open_database(tmp_path / "t.db")
    apply_migrations(database, migrations)
    seed.import_seed(database)
    return database
