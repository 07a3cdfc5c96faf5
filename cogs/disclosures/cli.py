"""`python -m bot records import FILE` / `records export FILE` (JSON or CSV, by extension)."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from bot.db import apply_migrations, open_database
from cogs.disclosures import importing, queries, seed, store
from cogs.disclosures.audit import OPERATOR
from cogs.disclosures.import_slices import prepared_file
from cogs.disclosures.schema import migrations
from cogs.disclosures.transfer import FileFormatError, read_rows, validated, write_records

log = logging.getLogger(__name__)

PROGRESS_FROM = 1000  # rows: smaller files import without a progress bar
PARALLEL_FROM = 4_000_000  # bytes (some 5,000 records): bigger files are validated in worker processes


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``records`` command (import/export) to ``python -m bot``."""
    parser = subparsers.add_parser("records", help="import or export AI-disclosure records (JSON or CSV)")
    actions = parser.add_subparsers(dest="records_action", required=True)
    importing = actions.add_parser("import", help="add or update records from a .json or .csv file")
    importing.add_argument("file", type=Path)
    exporting = actions.add_parser("export", help="write every published record to a .json or .csv file")
    exporting.add_argument("file", type=Path)
    exporting.add_argument(
        "--seed-version",
        metavar="YYYY-MM-DD",
        help="write a seed file like data/records.json with this version (newer than the shipped one)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Any) -> int:
    """Do the import/export against the configured database; 0 on success, 1 when rows were refused."""
    db = open_database(settings.database_path)
    try:
        apply_migrations(db, migrations)
        if args.records_action == "import":
            return import_file(db, args.file)
        return export_file(db, args.file, seed_version=getattr(args, "seed_version", None))
    except (FileFormatError, OSError) as exc:
        sys.stderr.write(f"error: {exc}" + "\n")
        return 2
    finally:
        db.conn.close()


def import_file(db: Any, path: Path) -> int:
    collecting = gc.isenabled()
    gc.disable()  # no cycles to find among the rows of an import, and a big one makes millions of objects
    try:
        return _import_file(db, path)
    finally:
        if collecting:
            gc.enable()


def _import_file(db: Any, path: Path) -> int:
    errors: list[tuple[int, str]] = []
    big = path.stat().st_size >= PARALLEL_FROM
    rows = [] if big else list(read_rows(path))
    total = None if big else len(rows)
    with tqdm(
        total=total, unit="rows", disable=not big and (total or 0) < PROGRESS_FROM, file=sys.stderr
    ) as bar:
        how: dict[str, Any] = {
            "actor": OPERATOR,
            "source": path.name,
            "errors": errors,
            "progress": bar.update,
        }
        if big:  # read, validated and laid out by worker processes while this one writes
            batches = prepared_file(path, errors, workers=min(os.cpu_count() or 1, 4))
            report = importing.import_prepared(db, batches, **how)
        else:
            report = importing.import_records(db, validated(rows, errors), **how)
    errors.sort()
    for line, reason in errors:
        sys.stderr.write(f"{path.name}:{line}: skipped: {reason}" + "\n")
    audited = f" (history entry #{report.entry_id})" if report.entry_id is not None else ""
    sys.stdout.write(
        f"imported {len(report.written)} ({report.created} new, {report.updated} updated),"
        f" unchanged {len(report.unchanged)}, skipped {len(errors)}{audited}" + "\n"
    )
    return 1 if errors else 0


def export_file(db: Any, path: Path, *, seed_version: str | None = None) -> int:
    if seed_version is not None and not seed.VERSION.match(seed_version):
        raise FileFormatError(f"seed version {seed_version!r}: use YYYY-MM-DD (or YYYY-MM-DD.N)")
    total = store.count_published(db)

    def records() -> Iterator[dict[str, Any]]:
        with tqdm(total=total, unit="rows", disable=total < PROGRESS_FROM, file=sys.stderr) as bar:
            for record in queries.iter_records(db):
                bar.update(1)
                yield record

    count = write_records(path, records(), version=seed_version)
    sys.stdout.write(f"exported {count} records to {path}" + "\n")
    return 0
