"""The import as it was before batches (commit b161d2b), kept as the benchmark's same-run baseline: per record,
read the stored copy, write every table through sqlite-utils, and add one audit row with copies before and after.
Not a benchmark of its own (``make bench`` runs ``bench_*.py``)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from cogs.disclosures.audit import Actor, add_audit, now_iso
from cogs.disclosures.normalise import normalise, search_text
from cogs.disclosures.store import get_record, portable

BATCH = 500


def _company_id(db: Database, name: str) -> int:
    row = db.execute("SELECT id FROM disclosure_companies WHERE name = ?", [name]).fetchone()
    if row:
        return int(row[0])
    pk = db.table("disclosure_companies").insert({"name": name, "name_key": normalise(name)}).last_pk
    assert pk is not None
    return int(pk)


def _write(db: Database, record: dict[str, Any], *, actor: Actor, at: str) -> None:
    record_id = record["id"]
    db.table("disclosure_records").upsert(
        {
            "id": record_id,
            **{k: record[k] for k in ("title", "medium", "date", "disclosure", "credit_text", "summary")},
            "year": int(record["date"][:4]),
            "response": record["response"],
            "confidence": record["confidence"],
            "state": "published",
            "created_at": at,
            "updated_at": at,
            "updated_by": actor.id,
        },
        pk="id",
    )
    titles = [{"title": record["title"], "language": record["title_language"]}, *record["alt_titles"]]
    db.table("disclosure_titles").insert_all(
        {"record_id": record_id, "position": i, "title": t["title"], "language": t["language"]}
        for i, t in enumerate(titles)
    )
    db.table("disclosure_record_companies").insert_all(
        (
            {
                "record_id": record_id,
                "company_id": _company_id(db, c["name"]),
                "role": c["role"],
                "position": i,
            }
            for i, c in enumerate(record["companies"])
        ),
        ignore=True,
    )
    db.table("disclosure_ai_uses").insert_all({"record_id": record_id, "use": u} for u in record["ai_uses"])
    db.table("disclosure_sources").insert_all(
        {"record_id": record_id, "position": i, **s} for i, s in enumerate(record["sources"])
    )
    db.table("disclosure_search").insert(
        {
            "record_id": record_id,
            "titles": " ".join(search_text(t["title"]) for t in titles),
            "companies": " ".join(search_text(c["name"]) for c in record["companies"]),
            "summary": search_text(record["summary"]),
        }
    )


def import_one_by_one(db: Database, records: list[dict[str, Any]], *, actor: Actor) -> None:
    """New records, one audited write each, committed every BATCH records (as the old import did)."""
    for first in range(0, len(records), BATCH):
        with db.conn:
            for record in records[first : first + BATCH]:
                stored = get_record(db, record["id"], include_hidden=True)
                _write(db, record, actor=actor, at=now_iso())
                add_audit(db, "import.create", actor=actor, record_id=record["id"], after=portable(record))
                assert stored is None
