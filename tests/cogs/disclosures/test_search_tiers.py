"""`/disclosure search` ranks inside SQLite: titles holding every word first, then every word anywhere, then
the last word as a prefix; each tier newest first, every filter applied to each; and the database's answer for
lookups while the title index is being built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.db import apply_migrations, open_database
from cogs.disclosures import importing, queries, store
from cogs.disclosures.audit import OPERATOR
from cogs.disclosures.queries import Filters
from cogs.disclosures.records import validate_record
from cogs.disclosures.schema import migrations


def _record(record_id: str, title: str, date: str, summary: str = "Nothing to see.", **more: Any) -> dict:
    return validate_record(
        {
            "id": record_id,
            "title": title,
            "medium": more.pop("medium", "anime_short"),
            "companies": [{"name": more.pop("company", "Example Studio"), "role": "studio"}],
            "date": date,
            "ai_uses": ["backgrounds"],
            "disclosure": "credited_upfront",
            "summary": summary,
            "sources": [{"url": f"https://news.example/{record_id}"}],
            **more,
        }
    )


RECORDS = [
    _record("old-title", "Crimson Harbor", "2019-04"),
    _record("new-title", "Crimson Harbor Returns", "2025-02"),
    _record("summary-only", "Blue Lagoon", "2026-01", "A crimson harbor at dusk, drawn with AI."),
    _record("company-only", "Green Field", "2024-06", company="Crimson Harbor Works"),
    _record("prefix-only", "Crimsonade", "2026-03", "Nothing about harbors at all, harbor."),
    _record("game", "Crimson Harbor Tactics", "2023-09", medium="game"),
    _record("unrelated", "Quiet Meadow", "2026-05"),
]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "t.db")
    apply_migrations(database, migrations)
    importing.import_records(database, enumerate(RECORDS), actor=OPERATOR)
    return database


def _ids(db: Database, **filters: Any) -> list[str]:
    return [row["id"] for row in queries.search(db, Filters(**filters))]


def test_titles_first_then_anywhere_then_prefixes_each_newest_first(db: Database) -> None:
    assert _ids(db, text="crimson harbor") == [
        "new-title",
        "game",
        "old-title",  # titles holding both words, newest first
        "summary-only",
        "company-only",  # both words elsewhere
    ]
    assert _ids(db, text="crimson harb") == [
        "new-title",
        "game",
        "old-title",
        "summary-only",
        "company-only",
    ]  # "harb" begins "harbor": only the prefix tier finds them, newest first
    assert _ids(db, text="harbor crimson")[:3] == ["new-title", "game", "old-title"]


def test_every_filter_applies_to_every_tier_and_to_the_fuzzy_matches(db: Database) -> None:
    assert _ids(db, text="crimson harbor", year_from=2024) == ["new-title", "summary-only", "company-only"]
    assert _ids(db, text="crimson harbor", medium="game") == ["game"]
    assert _ids(db, text="crimson harbor", company="works") == ["company-only"]
    fuzzy = ("unrelated", "old-title")  # what the title index found for a typo: title tier, filtered too
    assert _ids(db, text="crimsn harbr", record_ids=fuzzy) == ["unrelated", "old-title"]
    assert _ids(db, text="crimsn harbr", record_ids=fuzzy, year_from=2020) == ["unrelated"]
    assert _ids(db, text="!!!", record_ids=("new-title",)) == ["new-title"]


def test_a_limit_keeps_the_best_tiers_and_no_text_lists_the_newest(db: Database) -> None:
    assert [r["id"] for r in queries.search(db, Filters(text="crimson harbor"), limit=2)] == [
        "new-title",
        "game",
    ]
    rows = queries.search(db, Filters(year_from=2025))
    assert [r["id"] for r in rows] == ["unrelated", "prefix-only", "summary-only", "new-title"]
    assert queries.search(db, Filters(text="nothing matches this")) == []


def test_deleted_and_changed_records_leave_the_search(db: Database) -> None:
    store.delete_record(db, "old-title", actor=OPERATOR)
    store.save_record(
        db, _record("game", "Azure Tactics", "2023-09", medium="game"), actor=OPERATOR, action="edit"
    )
    assert _ids(db, text="crimson harbor")[:1] == ["new-title"]
    assert "old-title" not in _ids(db, text="crimson harbor") and "game" not in _ids(
        db, text="crimson harbor"
    )
    assert _ids(db, text="azure") == ["game"]


def test_what_lookups_read_while_the_title_index_is_built(db: Database) -> None:
    rows = queries.title_rows_matching(db, "crimson harb")
    found = {record_id for record_id, _, _ in rows}
    assert found == {"old-title", "new-title", "game"}  # titles only, the last word as a prefix
    assert all(norm for _, _, norm in rows)
    assert [r[0] for r in queries.title_rows_matching(db, "unrelated")] == ["unrelated"]  # an id
    assert queries.title_rows_matching(db, "!!!") == []
