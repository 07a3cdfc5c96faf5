"""Import the shipped records (data/records.json) once, on first start, idempotently by id."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlite_utils import Database

from cogs.disclosures.store import SEED_KEY, get_meta, import_records, now_iso, set_meta
from cogs.disclosures.transfer import read_rows, validated

log = logging.getLogger(__name__)

SEED_PATH = Path(__file__).resolve().parents[2] / "data" / "records.json"


def import_seed(db: Database, path: Path = SEED_PATH) -> int:
    """Insert the seed's records that are missing, the first time only (later deletions stay deleted)."""
    if get_meta(db, SEED_KEY) is not None:
        return 0
    if not path.is_file():
        log.warning("Seed file %s is missing; starting with no records", path)
        return 0
    errors: list[tuple[int, str]] = []
    report = import_records(db, validated(read_rows(path), errors), only_missing=True)
    for line, reason in errors:
        log.error("Seed %s line %d skipped: %s", path.name, line, reason)
    set_meta(db, SEED_KEY, now_iso())
    log.info("Imported %d seed records (%d already present)", len(report.written), len(report.unchanged))
    return len(report.written)
