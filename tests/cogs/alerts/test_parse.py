"""Parsing bytes into items: RSS, Atom, RDF, hostile and broken input; and item identity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cogs.alerts.identity import canonical_url, item_keys
from cogs.alerts.parse import FeedItem, ParseError, normalise_encoding, parse_feed
from tests.cogs.alerts.feedserver import ENTITY_BOMB, HTML_PAGE, INVALID_XML, atom, rdf, rss

ITEMS = [
    {
        "title": "Studio uses generative AI",
        "link": "https://news.example/a?utm_source=x",
        "guid": "g-a",
        "date": "Mon, 06 Jan 2025 10:00:00 GMT",
        "description": "<p>Hello <b>world</b></p>",
    },
    {"title": "No date, no guid", "link": "https://news.example/b/"},
]


def test_rss_items_with_dates_and_missing_fields() -> None:
    feed = parse_feed(rss(ITEMS, title="Local & RSS"))
    assert feed.title == "Local & RSS"
    first, second = feed.items
    assert first.title == "Studio uses generative AI" and first.guid == "g-a"
    assert first.published == datetime(2025, 1, 6, 10, 0, tzinfo=UTC)
    assert "<b>world</b>" in first.summary
    assert second.published is None


def test_atom_and_rdf() -> None:
    items = [
        {"title": "Atom one", "link": "https://a.example/1", "guid": "urn:1", "date": "2025-02-01T00:00:00Z"}
    ]
    assert parse_feed(atom(items)).items[0].guid == "urn:1"
    rdf_feed = parse_feed(rdf([{"title": "画像生成AIのニュース", "link": "https://j.example/r1"}]))
    assert rdf_feed.items[0].title == "画像生成AIのニュース"
    assert rdf_feed.items[0].published == datetime(2025, 1, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (HTML_PAGE, "not_a_feed"),
        (ENTITY_BOMB, "entities"),
        (b"", "empty"),
        (b"   ", "empty"),
        (b"garbage", "invalid"),
    ],
)
def test_hostile_or_useless_bytes_raise_parse_error(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_feed(data)
    assert info.value.reason == reason


def test_truncated_xml_is_recovered_or_refused_never_crashes() -> None:
    try:
        feed = parse_feed(INVALID_XML)
    except ParseError as exc:
        assert exc.reason in ("invalid", "not_a_feed")
    else:
        assert feed.title == "broken"


def test_a_url_string_is_never_parsed() -> None:
    with pytest.raises(TypeError):
        parse_feed("https://example.com/feed.xml")  # type: ignore[arg-type]


def test_wrong_declared_encoding_is_repaired() -> None:
    utf8_declared_latin1 = rss(
        [{"title": "アニメと生成AI", "link": "https://j.example/1"}], encoding="iso-8859-1"
    )
    assert parse_feed(utf8_declared_latin1).items[0].title == "アニメと生成AI"
    sjis_declared_utf8 = (
        rss([{"title": "漫画と生成AI", "link": "https://j.example/2"}]).decode().encode("cp932")
    )
    assert parse_feed(sjis_declared_utf8).items[0].title == "漫画と生成AI"


def test_correctly_declared_legacy_encoding_is_kept() -> None:
    data = '<?xml version="1.0" encoding="shift_jis"?><rss><channel><title>t</title></channel></rss>'.encode(
        "cp932"
    )
    assert normalise_encoding(data) == data


def test_canonical_url() -> None:
    assert (
        canonical_url("HTTPS://News.Example.COM:443/a/b/?utm_source=x&id=3&fbclid=zz#frag")
        == "https://news.example.com/a/b?id=3"
    )
    assert canonical_url("http://example.com") == "http://example.com/"
    assert canonical_url("http://example.com:8080/x/") == "http://example.com:8080/x"
    assert canonical_url("mailto:a@b") is None
    assert canonical_url(None) is None


def _item(
    guid: str | None, link: str | None, title: str = "t", published: datetime | None = None
) -> FeedItem:
    return FeedItem(guid=guid, link=link, title=title, summary="", published=published)


def test_item_keys_prefer_unique_guid_then_url_then_hash() -> None:
    items = [
        _item("g1", "https://x.example/1"),
        _item("dup", "https://x.example/2?utm_medium=rss"),
        _item("dup", "https://x.example/3"),
        _item(None, None, "Only a title", datetime(2025, 1, 1, tzinfo=UTC)),
        _item("https://x.example/4", "https://x.example/4"),
    ]
    keys = item_keys(items)
    assert keys[0] == "g:g1"
    assert keys[1] == "u:https://x.example/2" and keys[2] == "u:https://x.example/3"
    assert keys[3].startswith("h:") and keys[3] == item_keys([items[3]])[0]
    assert keys[4] == "u:https://x.example/4"
