"""A big JSON file read in slices by worker processes gives exactly what reading it whole gives: the same rows
with the same lines, the same refusals, the same error for a file that is not valid JSON, and nothing written
before the whole file has parsed. Cuts that fall inside a record are caught, and the file is then read whole."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.settings import Settings
from cogs.disclosures import cli, import_slices, rows
from cogs.disclosures.import_slices import Unsplittable, json_slices, parse_slice, prepared_file
from cogs.disclosures.records import validate_record
from cogs.disclosures.transfer import FileFormatError, read_json_rows, read_rows, validated, write_records


def _record(i: int, **changes: Any) -> dict[str, Any]:
    return validate_record(
        {
            "id": f"work-{i}",
            "title": f"Work {i}",
            "alt_titles": [{"title": f"作品{i}", "language": "ja"}],
            "medium": "anime_short",
            "companies": [{"name": f"Studio {i % 7}", "role": "studio"}],
            "date": "2025-03",
            "ai_uses": ["backgrounds"],
            "disclosure": "credited_upfront",
            "summary": f"Record {i}.\nSecond line.",
            "sources": [{"url": f"https://news.example/{i}", "publisher": "Example"}],
            **changes,
        }
    )


def _sliced(data: bytes, size: int) -> list[tuple[int, Any]]:
    """Every slice parsed on its own, in order (as the workers do), or Unsplittable."""
    slices = json_slices(data, size)
    assert slices is not None
    out: list[tuple[int, Any]] = []
    for _, line, last, start, end in slices:
        out += parse_slice(data[start:end].decode("utf-8"), line, last)
    return out


def _layouts(tmp_path: Path, records: list[Any]) -> list[Path]:
    """The same records as `records export` writes them, indented as json.dumps does, with CRLF line ends,
    with a byte-order mark, and with a missing comma and trailing junk (both tolerated by the reader)."""
    exported = tmp_path / "exported.json"
    write_records(exported, records)
    text = exported.read_text(encoding="utf-8")
    variants = {
        "indented.json": json.dumps(records, ensure_ascii=False, indent=2),
        "crlf.json": text.replace("\n", "\r\n"),
        "bom.json": "\ufeff" + text,
        "lenient.json": text.replace("},\n{", "}\n{", 1) + "\ntrailing words",
    }
    paths = [exported]
    for name, content in variants.items():
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8"))
        paths.append(path)
    return paths


def test_slices_read_the_same_rows_and_lines_as_the_whole_file(tmp_path: Path) -> None:
    records: list[Any] = [_record(i) for i in range(40)]
    records[5] = {"id": "broken", "title": "No date"}
    records[9] = "not even an object"
    for path in _layouts(tmp_path, records):
        data = path.read_bytes()
        slices = json_slices(data, 500)
        assert slices is not None and len(slices) > 5, path.name
        assert _sliced(data, 500) == list(read_rows(path)), path.name


def test_files_not_laid_out_a_record_a_line_are_not_sliced(tmp_path: Path) -> None:
    records = [_record(i) for i in range(3)]
    assert json_slices(json.dumps(records).encode(), 10) is None  # all on one line
    assert (
        json_slices(json.dumps({"version": "2026-01-01", "records": records}, indent=2).encode(), 10) is None
    )
    assert json_slices(b"[\r\n]\r", 10) is None  # a lone CR ends a line for the whole-file reader
    assert json_slices(b"[\n]\n", 10) is None  # no records


# Records as JSON values, some holding lists of objects: written with nested objects at the start of a line
# too, where a cut looks just like one between records.
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
objects = st.dictionaries(st.sampled_from(["id", "title", "sources"]), values, max_size=3)


def _nested_at_line_starts(record: Any) -> str:
    """JSON text with every object inside a list starting a line of its own at column 0."""
    if isinstance(record, list):
        return (
            "["
            + ",".join(
                "\n" + _nested_at_line_starts(v) if isinstance(v, dict) else json.dumps(v) for v in record
            )
            + "]"
        )
    if isinstance(record, dict):
        return (
            "{" + ", ".join(f"{json.dumps(k)}: {_nested_at_line_starts(v)}" for k, v in record.items()) + "}"
        )
    return json.dumps(record)


@settings(max_examples=200, deadline=None)
@given(st.lists(objects, min_size=1, max_size=8), st.integers(1, 60))
def test_a_cut_inside_a_record_never_passes_for_whole_records(records: list[Any], size: int) -> None:
    text = "[\n" + ",\n".join(_nested_at_line_starts(r) for r in records) + "\n]\n"
    data = text.encode("utf-8")
    expected = list(read_json_rows(text))
    try:
        got = _sliced(data, size)
    except Unsplittable:
        return  # read whole instead
    assert got == expected


def _big_file(tmp_path: Path, records: list[Any]) -> Path:
    path = tmp_path / "big.json"
    write_records(path, records)
    return path


def _laid_out(batches: list[tuple[list[tuple[int, str, None]], Any]]) -> list[dict[str, Any]]:
    return [
        rows.records_from(tables, [position])[position]
        for entries, tables in batches
        for position, _, _ in entries
    ]


def test_workers_read_validate_and_lay_out_what_validation_in_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_slices, "SLICE_BYTES", 2000)  # several slices per worker
    records: list[Any] = [_record(i) for i in range(60)]
    records[7] = {"id": "broken", "title": "No date"}
    records[50] = _record(3)  # a repeated id, in a later slice than the first
    path = _big_file(tmp_path, records)
    here: list[tuple[int, str]] = []
    there: list[tuple[int, str]] = []
    inline = list(validated(read_rows(path), here))
    assert len(json_slices(path.read_bytes(), 2000) or []) > 4
    assert _laid_out(list(prepared_file(path, there, workers=2))) == [record for _, record in inline]
    assert there == here and len(here) == 2


def test_a_file_with_a_record_cut_by_a_slice_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_slices, "SLICE_BYTES", 300)
    records = [_record(i) for i in range(12)]
    path = tmp_path / "nested.json"
    path.write_text(
        "[\n" + ",\n".join(_nested_at_line_starts(r) for r in records) + "\n]\n", encoding="utf-8"
    )
    data = path.read_bytes()
    with pytest.raises(Unsplittable):
        _sliced(data, 300)
    errors: list[tuple[int, str]] = []
    assert _laid_out(list(prepared_file(path, errors, workers=2))) == records and errors == []


def test_a_file_that_is_not_valid_json_stops_before_any_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_slices, "SLICE_BYTES", 500)
    path = _big_file(tmp_path, [_record(i) for i in range(30)])
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('"id": "work-27"', '"id": work-27"'), encoding="utf-8"
    )  # the first slices parse
    with pytest.raises(FileFormatError) as whole:
        list(read_rows(path))
    batches = prepared_file(path, [], workers=2)
    with pytest.raises(FileFormatError) as sliced:
        next(batches)
    assert str(sliced.value) == str(whole.value)


def test_the_command_imports_a_big_file_as_it_imports_a_small_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    records: list[Any] = [_record(i) for i in range(50)]
    records[20] = {"id": "broken", "title": "No date"}
    path = _big_file(tmp_path, records)
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    outputs = []
    for name, parallel_from in (("small", 10**9), ("big", 0)):
        monkeypatch.setattr(cli, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(import_slices, "SLICE_BYTES", 1500)
        args = parser.parse_args(["records", "import", str(path)])
        assert args.func(args, Settings(database_path=tmp_path / f"{name}.db")) == 1
        outputs.append(capsys.readouterr())
    small, big = ([line for line in o.err.splitlines() if "skipped" in line] for o in outputs)
    assert outputs[0].out == outputs[1].out and small == big
    assert "imported 49 (49 new, 0 updated), unchanged 0, skipped 1 (history entry #1)" in outputs[1].out
    records[30] = _record(30, summary="Changed since.")
    write_records(path, records)
    for expected in (
        "imported 1 (0 new, 1 updated), unchanged 48, skipped 1 (history entry #2)\n",
        "imported 0 (0 new, 0 updated), unchanged 49, skipped 1\n",  # idempotent: no history entry
    ):
        args = parser.parse_args(["records", "import", str(path)])
        assert args.func(args, Settings(database_path=tmp_path / "big.db")) == 1
        assert expected in capsys.readouterr().out
    assert (
        len(big) == 1
        and big[0].startswith("big.json:")
        and big[0].endswith("skipped: date: must be YYYY, YYYY-MM or YYYY-MM-DD")
    )
