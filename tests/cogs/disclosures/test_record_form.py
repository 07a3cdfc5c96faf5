"""The curator's record form and the member's forms report every problem at once, named as the form labels it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.i18n import Catalogs
from cogs.disclosures import forms
from cogs.disclosures.embeds import problem_lines
from cogs.disclosures.record_form import Draft, labels
from cogs.disclosures.records import RecordError, parse_urls

ROOT = Path(__file__).resolve().parents[3]


def catalog_text(locale: str) -> Any:
    catalogs = Catalogs()
    catalogs.load_dir(ROOT / "bot" / "locales")
    catalogs.load_dir(ROOT / "cogs" / "disclosures" / "locales")
    return lambda key, **params: catalogs.text(key, locale, **params)


GOOD: forms.Values = {
    "id": "quiet-meadow-2025",
    "status": ["credited_upfront"],
    "medium": ["anime_short"],
    "ai_uses": ["backgrounds"],
    "confidence": ["medium"],
    "date": "2025-03",
    "titles": "Quiet Meadow\n静かな草原 | ja",
    "companies": "Example Studio | studio",
    "sources": "https://news.example/quiet-meadow | Example News | 2025-03",
    "summary": "A short that credited AI backgrounds.\n---\nKept online.",
    "credit": "AI backgrounds",
}


def problems_of(values: forms.Values, **kwargs: Any) -> list[RecordError]:
    with pytest.raises(RecordError) as error:
        forms.parse(values, **kwargs)
    return error.value.problems


def test_a_good_form_makes_the_record() -> None:
    record = forms.parse(GOOD)
    assert record["disclosure"] == "credited_upfront" and record["alt_titles"] == [
        {"title": "静かな草原", "language": "ja"}
    ]
    assert record["response"] == "Kept online." and record["credit_text"] == "AI backgrounds"
    assert forms.parse(forms.render(record), stored=record) == record


def test_every_problem_at_once_by_box_and_line() -> None:
    """The four round trips of the issue: now one answer naming each box (and line) as the form labels it."""
    bad = GOOD | {
        "status": [],
        "date": "March 2025",
        "companies": "Example Studio | studio\nOther Co | overlord",
        "sources": "https://ok.example\n\nnot a url | Pub",
        "summary": "",
    }
    found = [(p.field, p.code, p.item) for p in problems_of(bad)]
    assert found == [
        ("status", "required", None),
        ("date", "bad_date", None),
        ("companies", "not_allowed", 1),
        ("sources", "bad_url", 2),  # the third line of the box: the blank one counts
        ("summary", "required", None),
    ]
    t = catalog_text("en-US")
    shown = problem_lines(problems_of(bad), t, labels(t))
    assert shown[0] == "• **Status**: missing: please fill it in."  # not "disclosure"
    assert shown[1].startswith("• **Date made public**: “March 2025” is not a date")
    assert shown[2].startswith("• **Companies, line 2**: “overlord” is not one of: studio, distributor")
    assert shown[3] == "• **Sources, line 3**: “not a url” is not a link starting with http:// or https://."
    ja = catalog_text("ja")
    assert (
        problem_lines(problems_of(bad), ja, labels(ja))[0] == "• **開示状況**が未入力です。入力してください。"
    )


def test_what_was_typed_is_escaped_in_the_problem_list() -> None:
    t = catalog_text("en-US")
    problems = problems_of(GOOD | {"sources": "**@everyone** <@1>"})
    assert problem_lines(problems, t, labels(t)) == [
        "• **Sources, line 1**: “\\*\\*@\u200beveryone\\*\\* <@\u200b1\\>” is not a link starting with"
        " http:// or https://."
    ]


def test_keep_only_when_editing() -> None:
    found = [(p.field, p.code) for p in problems_of(GOOD | {"sources": "keep", "summary": "KEEP"})]
    assert found == [("sources", "keep_new"), ("summary", "keep_new")]


def test_a_new_records_id_follows_title_and_date_until_chosen() -> None:
    draft = Draft(
        forms.draft({"title": "Quiet Meadow", "source_urls": ["https://a.example"]}, "2026"), "2026"
    )
    assert draft.values["id"] == "quiet-meadow-2026"
    draft.update({"date": "2024-05", "titles": "Loud Forest\nX | en"})
    assert draft.values["id"] == "loud-forest-2024"
    draft.id_chosen = True
    draft.update({"titles": "Something Else"})
    assert draft.values["id"] == "loud-forest-2024"


def test_titles_and_names_are_cleaned_before_they_are_stored() -> None:
    record = forms.parse(
        GOOD | {"titles": "\u202egnp.exe\u202c\n\u2066犬\u2069と少年 | ja", "credit": "A\u200bI"}
    )
    assert record["title"] == "gnp.exe" and record["alt_titles"][0]["title"] == "犬と少年"
    assert record["credit_text"] == "AI"


def test_member_source_lines_are_reported_whole_with_their_line() -> None:
    with pytest.raises(RecordError) as error:
        parse_urls("https://ok.example\nnot a url\nftp://x.example https://fine.example", required=False)
    assert [(p.item, p.params["value"]) for p in error.value.problems] == [
        (1, "not a url"),  # not "`not` is not an http/https URL"
        (2, "ftp://x.example https://fine.example"),
    ]


def test_a_members_private_notes_never_start_in_the_public_text() -> None:
    submission = {
        "title": "Quiet Meadow",
        "ai_uses": "Backgrounds",
        "notes": "my cousin works there, don't quote me",
        "source_urls": ["https://a.example/s"],
    }
    values = forms.draft(submission, "2026")
    assert values["summary"] == "Backgrounds"
    assert all("cousin" not in str(value) for value in values.values())


def test_a_correction_starts_from_the_record_with_the_members_sources_added() -> None:
    stored = {
        "id": "quiet-meadow-2026",
        "title": "Quiet Meadow",
        "sources": [{"url": "https://a.example/s", "publisher": "A", "date": None, "title": None}],
    }
    submission = {"kind": "correction", "source_urls": ["https://a.example/s", "https://b.example/new"]}
    values = forms.correction(stored, submission)
    assert values["sources"].splitlines() == ["https://a.example/s | A", "https://b.example/new"]
    assert values["id"] == "quiet-meadow-2026"
