"""The polls store's fixtures: a migrated database and a ballot-key file, both on the test's tmp path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from cogs.polls import secrecy, store
from cogs.polls.ballot_keys import BallotKeys


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "polls.db")
    secrecy.enable_secure_delete(database)
    apply_migrations(database, store.migrations)
    yield database
    database.conn.close()


@pytest.fixture
def keys(tmp_path: Path) -> Iterator[BallotKeys]:
    ballot_keys = BallotKeys(tmp_path / "polls-ballot-keys.db").open()
    yield ballot_keys
    ballot_keys.close()
