"""Read and write record files (JSON array or CSV), keeping the line of each row for error reports."""

from __future__ import annotations

import csv
import itertools
import json
import logging
import multiprocessing
import textwrap
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from cogs.disclosures.records import RECORD_FIELDS, RecordError, validate_record
from cogs.disclosures.rows import Tables, tables

log = logging.getLogger(__name__)

CSV_COLUMNS = RECORD_FIELDS
JSON_CELLS = ("alt_titles", "companies", "ai_uses", "sources")  # list columns: JSON text inside the CSV cell
CHUNK = 1000  # rows validated and laid out per task of a worker process
SHAPE = 'a JSON record file must be an array of records, or an object with a "records" array'


class FileFormatError(ValueError):
    """The file as a whole cannot be read (not a JSON array, unknown extension…)."""


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise FileFormatError(f"{path.name}: use a .json or .csv file")
    return suffix[1:]


def read_json_rows(text: str) -> Iterator[tuple[int, Any]]:
    """Each record of a JSON record file with the line it starts on: a plain array, or a seed file."""
    return iter(read_json_document(text)[1])


def read_json_document(text: str) -> tuple[str | None, list[tuple[int, Any]]]:
    """The version and the records (with their lines) of a JSON record file: a plain array of records
    (no version), or a seed file ``{"version": "2026-11-29", "records": [...]}`` like data/records.json."""
    position = _skip_space(text, 0)
    if position < len(text) and text[position] == "[":
        return None, _array(text, position)[0]
    if position >= len(text) or text[position] != "{":
        raise FileFormatError(SHAPE)
    decoder = json.JSONDecoder()
    version: Any = None
    rows: list[tuple[int, Any]] | None = None
    position = _skip_space(text, position + 1)
    while position < len(text) and text[position] != "}":
        key, position = _decode(decoder, text, position)
        position = _skip_space(text, position)
        if not isinstance(key, str) or position >= len(text) or text[position] != ":":
            raise FileFormatError(f"line {_line(text, position)}: invalid JSON (expected a key and ':')")
        position = _skip_space(text, position + 1)
        if key == "records" and position < len(text) and text[position] == "[":
            rows, position = _array(text, position)
        else:
            value, position = _decode(decoder, text, position)
            if key == "version":
                version = value
        position = _skip_space(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
    if position >= len(text):
        raise FileFormatError("the JSON object is not closed")
    if rows is None:
        raise FileFormatError(SHAPE)
    if version is not None and not isinstance(version, str):
        raise FileFormatError('"version" must be text, e.g. "2026-11-29"')
    return version, rows


def _decode(decoder: json.JSONDecoder, text: str, position: int) -> tuple[Any, int]:
    try:
        return decoder.raw_decode(text, position)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"line {exc.lineno}: invalid JSON ({exc.msg})") from None


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _array(text: str, position: int) -> tuple[list[tuple[int, Any]], int]:
    """Each element of the JSON array starting at ``position`` with its line, and the position after it."""
    end: list[int] = []
    rows = list(_elements(text, position, end))
    return rows, end[0]


def _elements(text: str, position: int, end: list[int] | None = None) -> Iterator[tuple[int, Any]]:
    """Each element of the JSON array starting at ``position``, with its line, as it is read (``end``
    receives the position after the array)."""
    decoder = json.JSONDecoder()
    line, counted = 1, 0
    position = _skip_space(text, position + 1)
    while position < len(text) and text[position] != "]":
        line, counted = line + text.count("\n", counted, position), position  # counted once, not per row
        value, after = _decode(decoder, text, position)
        yield line, value
        position = _skip_space(text, after)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
    if position >= len(text):
        raise FileFormatError("the JSON array is not closed")
    if end is not None:
        end.append(position + 1)


def iter_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """``read_rows``, a plain JSON array read element by element as it is consumed (a big import starts
    validating before the whole file is read)."""
    if file_format(path) == "json":
        text = path.read_text(encoding="utf-8-sig")
        start = _skip_space(text, 0)
        if start < len(text) and text[start] == "[":
            return _elements(text, start)
    return read_rows(path)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def read_csv_rows(text: str) -> Iterator[tuple[int, Any]]:
    """Each CSV row as a dict (list columns decoded from JSON) with its line number."""
    reader = csv.DictReader(text.splitlines(keepends=True))
    missing = {"id", "title"} - set(reader.fieldnames or ())
    if missing:
        raise FileFormatError(f"the CSV header lacks {', '.join(sorted(missing))}")
    line = reader.line_num
    for row in reader:
        start = line + 1
        line = reader.line_num
        record: dict[str, Any] = {k: (v if v != "" else None) for k, v in row.items() if k}
        for column in JSON_CELLS:
            cell = record.get(column)
            if cell is None:
                record[column] = []
                continue
            try:
                record[column] = json.loads(cell)
            except json.JSONDecodeError:
                record = {"_error": f"{column} is not valid JSON"}
                break
        yield start, record


def read_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """Raw rows of a .json or .csv file with their line numbers."""
    return iter(read_document(path)[1])


def read_document(path: Path) -> tuple[str | None, list[tuple[int, Any]]]:
    """The seed version (JSON seed files only, else None) and the raw rows of a .json or .csv file."""
    kind = file_format(path)
    text = path.read_text(encoding="utf-8-sig")
    return read_json_document(text) if kind == "json" else (None, list(read_csv_rows(text)))


def validated(
    rows: Iterable[tuple[int, Any]], errors: list[tuple[int, str]]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Valid records with their line; each bad row is appended to ``errors`` as (line, reason) and skipped."""
    seen: dict[str, int] = {}
    for line, record, error in check_rows(rows):
        if _accepted(line, record["id"] if record else None, error, seen, errors):
            assert record is not None
            yield line, record


def _accepted(
    line: int, record_id: str | None, error: str | None, seen: dict[str, int], errors: list[tuple[int, str]]
) -> bool:
    """Whether a checked row is taken: valid, and its id not taken by an earlier line (else noted in errors)."""
    if record_id is None:
        errors.append((line, error or "invalid"))
        return False
    if record_id in seen:
        errors.append((line, f"id {record_id!r} already appears on line {seen[record_id]}"))
        return False
    seen[record_id] = line
    return True


Checked = tuple[int, dict[str, Any] | None, str | None]  # (line, canonical record, or why it was refused)


def check_rows(rows: Iterable[tuple[int, Any]]) -> Iterator[Checked]:
    """Validate raw rows, one by one."""
    for line, raw in rows:
        if isinstance(raw, dict) and "_error" in raw:
            yield line, None, raw["_error"]
            continue
        try:
            yield line, validate_record(raw), None
        except RecordError as exc:
            yield line, None, str(exc)


Prepared = tuple[list[tuple[int, str | None, str | None]], Tables]


def prepare_rows(rows: list[tuple[int, Any]]) -> Prepared:
    """(In a worker process.) Validate raw rows and lay out what writing the valid ones takes: for each row
    (line, id or None, why it was refused), and every table's rows for the valid ones (``rows.tables``, each
    row led by the record's position among them)."""
    checked, records = [], []
    for line, record, error in check_rows(rows):
        checked.append((line, record["id"] if record else None, error))
        if record is not None:
            records.append(record)
    return checked, tables(records)


def accepted_entries(
    checked: list[tuple[int, str | None, str | None]], seen: dict[str, int], errors: list[tuple[int, str]]
) -> list[tuple[int, str, None]]:
    """The entries (``store.Entry``) of a prepared batch's rows that are taken: valid, and their id not taken
    by an earlier line (``seen``, across batches); the others go to ``errors``."""
    entries: list[tuple[int, str, None]] = []
    position = -1  # among the batch's valid records, as its table rows count them
    for line, record_id, error in checked:
        if record_id is not None:
            position += 1
        if _accepted(line, record_id, error, seen, errors):
            assert record_id is not None
            entries.append((position, record_id, None))
    return entries


def prepared(
    rows: Iterable[tuple[int, Any]], errors: list[tuple[int, str]], *, workers: int
) -> Iterator[tuple[list[tuple[int, str, None]], Tables]]:
    """Batches of valid records ready to write (``importing.import_prepared``), validated and laid out by
    ``workers`` worker processes; bad rows and repeated ids go to ``errors`` by line, as with ``validated``.
    Every row is read and handed out before the first batch is yielded (a file that cannot be read stops the
    import before anything is written), while the workers already validate. (A big JSON file is read by the
    workers themselves: ``import_slices.prepared_file``.)"""
    remaining = iter(rows)
    chunks = iter(lambda: list(itertools.islice(remaining, CHUNK)), [])
    context = multiprocessing.get_context("spawn")  # never fork a process that holds a database connection
    seen: dict[str, int] = {}
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for checked, table_rows in pool.map(prepare_rows, chunks):
            yield accepted_entries(checked, seen, errors), table_rows


def write_records(path: Path, records: Iterable[dict[str, Any]], *, version: str | None = None) -> int:
    """Write records as a JSON array or CSV (by extension), or with ``version`` as a seed file like
    data/records.json (JSON only); returns how many."""
    kind = file_format(path)
    if version is not None and kind != "json":
        raise FileFormatError(f"{path.name}: a seed file with a version must be .json")
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        if kind == "json":
            indent = "    " if version is not None else ""
            if version is not None:
                fh.write("{\n" + f'  "version": {json.dumps(version)},\n  "records": ')
            fh.write("[")
            for record in records:
                fh.write(",\n" if count else "\n")
                fh.write(textwrap.indent(json.dumps(record, ensure_ascii=False, indent=2), indent))
                count += 1
            fh.write(f"\n{indent[2:]}]" + ("\n}\n" if version is not None else "\n"))
        else:
            writer: csv.DictWriter[str] = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for record in records:
                row = {k: record.get(k) for k in CSV_COLUMNS}
                for column in JSON_CELLS:
                    row[column] = json.dumps(row[column] or [], ensure_ascii=False)
                writer.writerow(row)
                count += 1
    return count
