"""The ``built`` fixture of the catalog tests (tests/bot/test_catalogs.py and test_catalog_keys.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot.catalog_support import Built, build_tree


@pytest.fixture
async def built(tmp_path: Path) -> AsyncIterator[Built]:
    """Haikei with every extension loaded on a tmp database, and its command tree's strings."""
    async with build_tree(tmp_path) as found:
        yield found
