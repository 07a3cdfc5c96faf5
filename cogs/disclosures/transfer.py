"""Read and write record files (JSON array or CSV), keeping the line of each row for error reports."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from cogs.disclosures.records import RECORD_FIELDS, RecordError, validate_record

log = logging.getLogger(__name__)

CSV_COLUMNS = RECORD_FIELDS
JSON_CELLS = ("alt_titles", "companies", "ai_uses", "sources")  # list columns: JSON text inside the CSV cell


class FileFormatError(ValueError):
    """The file as a whole cannot be read (not a JSON array, unknown extension…)."""


def file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise FileFormatError(f"{path.name}: use a .json or .csv file")
    return suffix[1:]


def read_json_rows(text: str) -> Iterator[tuple[int, Any]]:
    """Each element of a JSON array with the line it starts on."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        raise FileFormatError("a JSON record file must be an array of objects")
    position = _skip_space(text, position + 1)
    while position < len(text) and text[position] != "]":
        line = text.count("\n", 0, position) + 1
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise FileFormatError(f"line {exc.lineno}: invalid JSON ({exc.msg})") from None
        yield line, value
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
    if position >= len(text):
        raise FileFormatError("the JSON array is not closed")


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
    kind = file_format(path)
    text = path.read_text(encoding="utf-8-sig")
    return read_json_rows(text) if kind == "json" else read_csv_rows(text)


def validated(
    rows: Iterable[tuple[int, Any]], errors: list[tuple[int, str]]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Valid records with their line; each bad row is appended to ``errors`` as (line, reason) and skipped."""
    seen: dict[str, int] = {}
    for line, raw in rows:
        if isinstance(raw, dict) and "_error" in raw:
            errors.append((line, raw["_error"]))
            continue
        try:
            record = validate_record(raw)
        except RecordError as exc:
            errors.append((line, str(exc)))
            continue
        if record["id"] in seen:
            errors.append((line, f"id {record['id']!r} already appears on line {seen[record['id']]}"))
            continue
        seen[record["id"]] = line
        yield line, record


def write_records(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records as a JSON array or CSV (by extension); returns how many."""
    kind = file_format(path)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        if kind == "json":
            fh.write("[")
            for record in records:
                fh.write(",\n" if count else "\n")
                fh.write(json.dumps(record, ensure_ascii=False, indent=2))
                count += 1
            fh.write("\n]\n")
        else:
            writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for record in records:
                row = {k: record.get(k) for k in CSV_COLUMNS}
                for column in JSON_CELLS:
                    row[column] = json.dumps(row[column] or [], ensure_ascii=False)
                writer.writerow(row)
                count += 1
    return count
