"""The moderator form round-trips a record; embeds stay within Discord's limits whatever the record's size."""

from __future__ import annotations

import pytest

from bot.embeds import embed_size
from cogs.disclosures import forms
from cogs.disclosures.embeds import record_embed, source_pages
from cogs.disclosures.records import RecordError, parse_urls, validate_record


def t(key: str, **params: object) -> str:
    return key + (" " + " ".join(f"{k}={v}" for k, v in params.items()) if params else "")


def big_record() -> dict:
    return validate_record(
        {
            "id": "huge-2025",
            "title": "T" * 200,
            "alt_titles": [f"Alt {i} " + "x" * 180 for i in range(20)],
            "medium": "game",
            "companies": [{"name": f"Company {i} " + "c" * 100, "role": "developer"} for i in range(20)],
            "date": "2025",
            "ai_uses": ["other", "music"],
            "disclosure": "unconfirmed_allegation",
            "credit_text": "c" * 500,
            "summary": "s" * 2000,
            "response": "r" * 1500,
            "sources": [
                {"url": f"https://e.example/{i}/" + "p" * 300, "publisher": "P" * 120, "title": "q" * 300}
                for i in range(50)
            ],
            "confidence": "medium",
        }
    )


def test_record_embed_fits_every_limit() -> None:
    embed = record_embed({**big_record(), "updated_at": "2025-01-01T00:00:00"}, t)
    assert embed_size(embed) <= 6000 and len(embed.title) <= 256 and len(embed.description) <= 4096
    assert len(embed.fields) <= 25 and all(len(f.value) <= 1024 and len(f.name) <= 256 for f in embed.fields)
    assert "disclosures.caution.unconfirmed_allegation" in embed.description
    pages = source_pages(big_record(), t)
    assert len(pages) == 5 and all(embed_size(p) <= 6000 and len(p.description) <= 4096 for p in pages)


def test_form_round_trip_and_keep_for_oversized_boxes() -> None:
    record = big_record()
    values = forms.render(record)
    assert all(len(v) <= forms.FIELD_LIMIT for v in values.values())
    assert values["sources"] == forms.KEEP  # 50 long sources do not fit a text box
    assert forms.parse(values, stored=record) == record
    with pytest.raises(RecordError, match="keep"):
        forms.parse(values)


def test_form_errors_name_the_box_as_labelled() -> None:
    values = forms.render(big_record()) | {"sources": "https://ok.example | Pub", "summary": "Short."}
    with pytest.raises(RecordError) as forged:  # a forged submit: selects only offer the allowed values
        forms.parse(values | {"status": ["confirmed"]}, stored=big_record())
    assert [(p.field, p.code) for p in forged.value.problems] == [("status", "not_allowed")]
    edited = forms.parse(values | {"id": "other-id"}, stored=big_record())
    assert edited["id"] == "huge-2025"  # an existing record keeps its id whatever is sent


def test_submitted_urls() -> None:
    assert parse_urls("https://a.example/x\n  http://b.example ", required=True) == [
        "https://a.example/x",
        "http://b.example",
    ]
    for bad in ("ftp://x.example", "javascript:alert(1)", "not a url"):
        with pytest.raises(RecordError) as error:
            parse_urls(bad, required=True)
        assert [(p.code, p.item, p.params["value"]) for p in error.value.problems] == [("bad_url", 0, bad)]
    with pytest.raises(RecordError):
        parse_urls("  ", required=True)
    assert parse_urls("", required=False) == []


def test_the_footer_dates_a_record_by_its_own_data_not_by_the_database() -> None:
    from cogs.disclosures.embeds import freshness

    def t(key: str, **params: object) -> str:
        return f"{key}:{params['date']}"

    shipped = {
        "id": "x",
        "date": "2023-01-31",
        "updated_at": "2026-11-29T10:00:00+00:00",  # the day this database imported it
        "updated_by": None,
        "sources": [{"date": "2023-02-02"}, {"date": None}, {"date": "2023-03"}],
    }
    assert freshness(shipped, t) == "disclosures.embed.sources_as_of:2023-03"
    assert freshness(shipped | {"sources": []}, t) == "disclosures.embed.sources_as_of:2023-01-31"
    edited = shipped | {"updated_by": 42, "updated_at": "2026-12-01T08:00:00+00:00"}
    assert freshness(edited, t) == "disclosures.embed.updated:2026-12-01"
