"""Clustering of the same story and safe rendering of feed text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.text import neutralise_mentions
from cogs.alerts.cluster import ClusterIndex, RecentAlert, title_key
from cogs.alerts.render import (
    DESCRIPTION_LIMIT,
    SUMMARY_LIMIT,
    TITLE_LIMIT,
    DigestLine,
    alert_card,
    also_reported_value,
    digest_description,
    plain_text,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
EARLIER = RecentAlert(
    alert_id=7,
    canonical_url="https://a.example/story",
    title="Toei Animation admits using generative AI for backgrounds",
    posted_at=NOW - timedelta(hours=5),
    record_titles=("One Piece",),
)


def cluster(url: str | None, title: str, records: tuple[str, ...] = (), at: datetime = NOW):
    return ClusterIndex([EARLIER]).find(canonical_url=url, title=title, record_titles=records, seen_at=at)


def test_same_url_joins() -> None:
    assert cluster("https://a.example/story", "Totally different").reason == "url"


def test_near_identical_title_joins_even_with_an_outlet_suffix() -> None:
    match = cluster(
        "https://b.example/x", "Toei Animation Admits Using Generative AI For Backgrounds - Anime Corner"
    )
    assert match is not None and match.alert_id == 7 and match.reason == "title"


def test_same_record_joins_only_the_same_event() -> None:
    reworded = "Toei Animation confirms AI-generated backgrounds in One Piece"
    assert cluster("https://c.example/y", reworded, ("one piece",)).reason == "record"
    # Another story about the same work is news of its own (tests/cogs/alerts/test_cluster_events.py).
    assert cluster("https://c.example/z", "Fans react to the anime's new look", ("one piece",)) is None


def test_different_story_or_outside_72_hours_does_not_join() -> None:
    assert cluster("https://d.example/z", "Netflix short credits AI backgrounds") is None
    late = NOW + timedelta(hours=70)
    assert cluster("https://a.example/story", "x", at=late) is None


def test_title_key_strips_punctuation_and_case() -> None:
    assert title_key("Hello, World! | Outlet") == "hello world"


def test_card_escapes_markdown_and_cannot_ping() -> None:
    card = alert_card(
        title="**Bold** @everyone <@123> [link](http://x) " + "x" * 400,
        url="javascript:alert(1)",
        summary="<script>bad()</script><p>Hi @here &amp; <b>there</b> <@&55></p>" + " word" * 200,
        source="Feed @everyone",
        published=NOW,
    )
    assert len(card.title) <= TITLE_LIMIT and len(card.description) <= SUMMARY_LIMIT
    assert "\\*\\*Bold\\*\\*" in card.title
    for text in (card.title, card.description, card.source):
        assert (
            "@everyone" not in text and "@here" not in text and "<@123>" not in text and "<@&55>" not in text
        )
    assert "bad()" not in card.description and "<b>" not in card.description and "&" in card.description
    assert card.url is None


def test_plain_text_strips_html_and_double_escaped_entities() -> None:
    assert plain_text("<p>A &amp;lt;b&amp;gt; B</p><br/>C") == "A B C"
    assert plain_text("<div>one</div><div>two</div>") == "one two"


def test_mentions_neutralised() -> None:
    assert neutralise_mentions("@everyone @here <@1> <@!2> <@&3> <#4>") == (
        "@\u200beveryone @\u200bhere <@\u200b1> <@!\u200b2> <@&\u200b3> <#\u200b4>"
    )


def test_also_reported_is_unique_and_bounded() -> None:
    value = also_reported_value([f"Outlet {i % 15}" for i in range(40)])
    assert value.startswith("Outlet 0, Outlet 1") and "(+5)" in value and len(value) <= 1024


def test_digest_stays_within_the_description_limit() -> None:
    lines = [DigestLine(f"Story {i} " + "y" * 150, f"https://e.example/{i}", "Outlet") for i in range(100)]
    text = digest_description(lines)
    assert len(text) <= DESCRIPTION_LIMIT
    assert text.splitlines()[-1].startswith("…and ")
    assert "(https://e.example/0)" in text


def test_sources_that_render_to_nothing_never_empty_the_also_reported_field() -> None:
    from cogs.alerts.embeds import alert_embed

    alert = {
        "title": "Studio admits AI backgrounds",
        "url": "https://news.example/a",
        "source": "\u200b",
        "members": [{"source": "\u200b"}, {"source": "<b></b>"}, {"source": "Real Outlet"}],
    }
    embed = alert_embed(alert, lambda key, **_: key)
    assert embed.author.name == "?"  # an invisible source name reads as unknown, never as blank
    (field,) = embed.fields
    assert field.value == "Real Outlet"
    alone = alert_embed(
        alert | {"members": [{"source": "\u200b"}, {"source": "<b></b>"}]}, lambda key, **_: key
    )
    assert alone.fields == []  # nothing visible to list: no field at all, rather than an empty one
