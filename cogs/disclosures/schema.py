"""The disclosures cog's tables, as one ``Migrations("disclosures")`` set."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from cogs.disclosures.normalise import normalise

migrations = Migrations("disclosures")


@migrations(name="0001_records")
def _records(db: Database) -> None:
    db.table("disclosure_records").create(
        {
            "id": str,
            "title": str,
            "medium": str,
            "date": str,
            "year": int,
            "disclosure": str,
            "credit_text": str,
            "summary": str,
            "response": str,
            "confidence": str,
            "state": str,  # published / pending / rejected: members only ever see published
            "created_at": str,
            "updated_at": str,
            "updated_by": int,
        },
        pk="id",
        not_null={"title", "medium", "date", "disclosure", "summary", "confidence", "state"},
        defaults={"state": "published"},
    )
    db.table("disclosure_records").create_index(["state", "created_at"])
    db.table("disclosure_records").create_index(["year"])
    fk = [("record_id", "disclosure_records", "id")]
    db.table("disclosure_titles").create(
        {"id": int, "record_id": str, "position": int, "title": str, "language": str},
        pk="id",
        foreign_keys=fk,
        not_null={"record_id", "title"},
    )
    db.table("disclosure_titles").create_index(["record_id"])
    db.table("disclosure_companies").create(
        {"id": int, "name": str, "name_key": str}, pk="id", not_null={"name", "name_key"}
    )
    db.table("disclosure_companies").create_index(["name"], unique=True)
    db.table("disclosure_companies").create_index(["name_key"])
    db.table("disclosure_record_companies").create(
        {"record_id": str, "company_id": int, "role": str, "position": int},
        pk=("record_id", "company_id", "role"),
        foreign_keys=[*fk, ("company_id", "disclosure_companies", "id")],
    )
    db.table("disclosure_record_companies").create_index(["company_id"])
    db.table("disclosure_ai_uses").create(
        {"record_id": str, "use": str}, pk=("record_id", "use"), foreign_keys=fk
    )
    db.table("disclosure_ai_uses").create_index(["use"])
    db.table("disclosure_sources").create(
        {
            "id": int,
            "record_id": str,
            "position": int,
            "url": str,
            "publisher": str,
            "title": str,
            "date": str,
        },
        pk="id",
        foreign_keys=fk,
        not_null={"record_id", "url"},
    )
    db.table("disclosure_sources").create_index(["record_id"])


@migrations(name="0002_search")
def _search(db: Database) -> None:
    """One denormalised row per record (normalised words), indexed by FTS5 and kept in step by triggers."""
    db.table("disclosure_search").create(
        {"record_id": str, "titles": str, "companies": str, "summary": str}, pk="record_id"
    )
    db.table("disclosure_search").enable_fts(
        ["titles", "companies", "summary"],
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migrations(name="0003_audit_and_queue")
def _audit_and_queue(db: Database) -> None:
    db.table("disclosure_audit").create(
        {
            "id": int,
            "at": str,
            "actor_id": int,
            "action": str,
            "record_id": str,
            "submission_id": int,
            "before": str,
            "after": str,
            "note": str,
        },
        pk="id",
        not_null={"at", "action"},
    )
    db.table("disclosure_audit").create_index(["record_id", "id"])
    db.table("disclosure_submissions").create(
        {
            "id": int,
            "kind": str,  # new / correction
            "record_id": str,  # the record a correction is about, or the record it became / merged into
            "similar_record_id": str,
            "guild_id": int,
            "submitter_id": int,
            "locale": str,
            "title": str,
            "companies": str,
            "ai_uses": str,
            "source_urls": str,  # JSON list
            "notes": str,
            "state": str,  # pending / approved / rejected / merged
            "reason": str,
            "created_at": str,
            "decided_at": str,
            "decided_by": int,
        },
        pk="id",
        not_null={"kind", "submitter_id", "state", "created_at"},
    )
    db.table("disclosure_submissions").create_index(["state", "id"])
    db.table("disclosure_meta").create({"key": str, "value": str}, pk="key")


@migrations(name="0004_curators")
def _curators(db: Database) -> None:
    """Audit rows say as what (member, moderator, curator, operator, seed) and from which server one acted.

    Rows written before curators existed keep their meaning: a decision or edit then came from a moderator of
    whichever server it was run in (``moderator``), submissions from members, imports from the operator.
    Submissions remember their server's name, so the curators' queue can say where one came from.
    """
    audit = db.table("disclosure_audit")
    audit.add_column("actor_role", str)
    audit.add_column("guild_id", int)
    db.execute(
        "UPDATE disclosure_audit SET actor_role = CASE"
        " WHEN action IN ('submission.new', 'submission.correction') THEN 'member'"
        " WHEN action LIKE 'import.%' THEN 'operator'"
        " WHEN actor_id IS NULL THEN 'seed'"
        " ELSE 'moderator' END"
    )
    db.table("disclosure_submissions").add_column("guild_name", str)
    db.table("disclosure_submissions").create_index(["guild_id", "id"])
    db.table("disclosure_submissions").create_index(["submitter_id", "id"])


@migrations(name="0005_records_at_scale")
def _records_at_scale(db: Database) -> None:
    """Records by the hundred thousand.

    - Each title keeps its normalised form (``norm``): the title index is built from it at start instead of
      normalising every title again. (A change to ``normalise()`` needs a step that recomputes it.)
    - An operator's ``records import`` is one audit entry; ``disclosure_audit_items`` lists the records it
      created or changed (a changed one with its copy before and after), for each record's history and restore.
    - ``(state, date, id)``: searches without words list the newest records without sorting them all.
    - ``disclosure_titles_fts``: the search rows' titles alone, so that "titles holding every word", the first
      tier of a search, reads only title words (the full index would go through every row holding the words
      anywhere to find the few with them in a title). Kept in step with ``disclosure_search`` by triggers.
    """
    db.table("disclosure_titles").add_column("norm", str)
    db.conn.executemany(
        "UPDATE disclosure_titles SET norm = ? WHERE id = ?",
        [
            (normalise(title), row_id)
            for row_id, title in db.execute("SELECT id, title FROM disclosure_titles")
        ],
    )
    db.table("disclosure_audit_items").create(
        {"entry_id": int, "record_id": str, "change": str, "before": str, "after": str},
        pk=("entry_id", "record_id"),
        foreign_keys=[("entry_id", "disclosure_audit", "id")],
        not_null={"change"},
    )
    db.table("disclosure_audit_items").create_index(["record_id", "entry_id"])
    db.table("disclosure_records").create_index(["state", "date", "id"])
    for statement in TITLES_FTS:  # one statement at a time: executescript would commit the step halfway
        db.execute(statement)


TITLES_FTS = (
    "CREATE VIRTUAL TABLE disclosure_titles_fts USING fts5(titles, content='disclosure_search',"
    " tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO disclosure_titles_fts (disclosure_titles_fts) VALUES ('rebuild')",
    "CREATE TRIGGER disclosure_titles_fts_ai AFTER INSERT ON disclosure_search BEGIN"
    " INSERT INTO disclosure_titles_fts (rowid, titles) VALUES (new.rowid, new.titles); END",
    "CREATE TRIGGER disclosure_titles_fts_ad AFTER DELETE ON disclosure_search BEGIN"
    " INSERT INTO disclosure_titles_fts (disclosure_titles_fts, rowid, titles)"
    " VALUES ('delete', old.rowid, old.titles); END",
    "CREATE TRIGGER disclosure_titles_fts_au AFTER UPDATE ON disclosure_search BEGIN"
    " INSERT INTO disclosure_titles_fts (disclosure_titles_fts, rowid, titles)"
    " VALUES ('delete', old.rowid, old.titles);"
    " INSERT INTO disclosure_titles_fts (rowid, titles) VALUES (new.rowid, new.titles); END",
)
