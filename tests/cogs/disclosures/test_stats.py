"""`/disclosure stats` data: every shipped record counted, and charts that stay readable at 100k records (at
most 12 bars each: the oldest years share one bar, the rarest media fold into "other")."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from PIL import Image
from sqlite_utils import Database

from bot import charts
from bot.db import apply_migrations, open_database
from cogs.disclosures import queries, seed
from cogs.disclosures.cog import _render_charts
from cogs.disclosures.schema import migrations
from cogs.disclosures.vocab import MEDIUMS, STATUSES


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "t.db")
    apply_migrations(database, migrations)
    return database


def _charts(counts: dict[str, list[tuple[str, int]]]) -> dict[str, Image.Image]:
    pngs = _render_charts({name: f"By {name}" for name in counts}, counts)
    return {name: Image.open(io.BytesIO(png)) for name, png in pngs.items()}


def test_the_shipped_records_are_all_counted(db: Database) -> None:
    seed.import_seed(db)
    counts = queries.stats(db)
    for name in ("status", "medium", "year"):
        assert sum(n for _, n in counts[name]) == 61
    assert [year for year, _ in counts["year"]] == ["2022", "2023", "2024", "2025", "2026"]
    assert dict(counts["status"])["disclosed_in_announcement"] == 21
    assert len(counts["medium"]) == len({r["medium"] for r in seed.load_seed()[1]})


def _bulk(db: Database, total: int, years: range, media: tuple[str, ...]) -> None:
    rows = (
        (f"r{i}", f"Work {i}", medium, f"{year}-01", year, status, "s", "high", "published")
        for i, (year, medium, status) in zip(
            range(total), itertools.cycle(itertools.product(years, media, STATUSES)), strict=False
        )
    )
    with db.conn:
        db.conn.executemany(
            "INSERT INTO disclosure_records (id, title, medium, date, year, disclosure, summary, confidence,"
            " state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def test_100k_records_over_77_years_make_charts_of_at_most_12_bars(db: Database) -> None:
    _bulk(db, 100_000, range(1950, 2027), MEDIUMS)
    counts = queries.stats(db)
    for name in ("status", "medium", "year"):
        assert len(counts[name]) <= queries.MAX_BARS
        assert sum(n for _, n in counts[name]) == 100_000
    years = [label for label, _ in counts["year"]]
    assert years == ["1950–2015", *map(str, range(2016, 2027))]
    for name, image in _charts(counts).items():
        assert image.width == charts.WIDTH and image.height < 1000, name  # a dozen rows, not a scroll of 77


def test_rare_media_fold_into_other_and_counts_are_kept(db: Database) -> None:
    _bulk(db, 2_000, range(2024, 2025), (*MEDIUMS, "extra_a", "extra_b"))
    counts = queries.stats(db, max_bars=5)
    media = dict(counts["medium"])
    assert len(media) == 5 and "other" in media and sum(media.values()) == 2_000
    assert [n for _, n in counts["medium"]] == sorted(media.values(), reverse=True)
