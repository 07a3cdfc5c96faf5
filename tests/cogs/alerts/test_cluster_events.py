"""Clustering by disclosure record needs evidence of the same event: distinct stories about one work are all
posted; re-reports of one story (other wording, AMP copies) still join the first as "Also reported by"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cogs.alerts.cluster import ClusterIndex, RecentAlert, story_key
from tests.cogs.alerts.feedserver import FeedServer, rss
from tests.cogs.alerts.test_poller import Harness, story

NOW = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)

# (earlier headline, later headline, the record both mention)
DISTINCT_STORIES = [
    (
        "Toei announces generative-AI plans for One Piece production",
        "One Piece animator denies AI use in episode 1149",
        "One Piece",
    ),
    (
        "Toei Animation admits using generative AI for One Piece backgrounds",
        "One Piece animator denies AI use in episode 1149",
        "One Piece",
    ),
    (
        "Toei Animation announces AI plans for One Piece",
        "Toei Animation denies AI in One Piece episode",
        "One Piece",
    ),
    ("One Piece episode 1149 accused of AI", "One Piece episode 1150 accused of AI", "One Piece"),
    (
        "Call of Duty: Black Ops 7 launches with AI-generated calling cards",
        "US congressman criticises Call of Duty: Black Ops 7 AI art",
        "Call of Duty: Black Ops 7",
    ),
    (
        "Fortnite adds AI-voiced Darth Vader",
        "SAG-AFTRA files unfair labor charge over Fortnite's AI Darth Vader",
        "Fortnite",
    ),
    (
        "Crunchyroll is testing AI subtitles",
        "Crunchyroll CEO: we are not considering AI in the creative process",
        "Crunchyroll",
    ),
    (
        "Netflix anime The Dog & The Boy credits AI-generated backgrounds",
        "Artists criticise generative AI use in The Dog & The Boy anime short",
        "The Dog & The Boy",
    ),
    (
        "「ワンピース」1149話の作画にAI疑惑 原画担当者が否定",
        "東映アニメーション、ワンピースの制作に生成AI活用を発表",
        "ワンピース",
    ),
]

REPORTS_OF_ONE_STORY = [
    (
        "Toei Animation admits using generative AI for One Piece backgrounds",
        "One Piece studio Toei Animation confirms generative AI backgrounds",
        "One Piece",
    ),
    (
        "One Piece animator denies using AI in episode 1149",
        "One Piece episode 1149 animator apologises, says he did not use AI",
        "One Piece",
    ),
    (
        "Call of Duty: Black Ops 7 players find AI-generated calling cards",
        "Black Ops 7 calling cards accused of being AI-generated",
        "Call of Duty: Black Ops 7",
    ),
    (
        "Fortnite's AI Darth Vader voice draws SAG-AFTRA complaint",
        "SAG-AFTRA files unfair labor charge over Fortnite's AI Darth Vader",
        "Fortnite",
    ),
    (
        "Crunchyroll is testing AI subtitles",
        "Crunchyroll president says company is testing AI for subtitles",
        "Crunchyroll",
    ),
    (
        "Netflix Made an Anime Using AI Due to a 'Labor Shortage,' and Fans Are Pissed",
        "Netflix Invents 'Labor Shortage' as Excuse for AI-Generated Anime Backgrounds",
        "The Dog & The Boy",
    ),
    (
        "「ワンピース」1149話の作画にAI疑惑 原画担当者が否定",
        "ワンピース1149話 AI使用疑惑を原画担当が否定し謝罪",
        "ワンピース",
    ),
]


def _later(
    first: str, second: str, record: str, *, urls: tuple[str | None, str | None] = (None, None)
) -> str | None:
    earlier = RecentAlert(1, urls[0], first, NOW - timedelta(hours=3), (record,))
    match = ClusterIndex([earlier]).find(
        canonical_url=urls[1], title=second, record_titles=[record], seen_at=NOW
    )
    return match.reason if match else None


@pytest.mark.parametrize(("first", "second", "record"), DISTINCT_STORIES)
def test_distinct_stories_about_one_work_are_both_posted(first: str, second: str, record: str) -> None:
    assert _later(first, second, record) is None
    assert _later(second, first, record) is None  # in either order


@pytest.mark.parametrize(("first", "second", "record"), REPORTS_OF_ONE_STORY)
def test_reports_of_one_story_cluster_on_the_record(first: str, second: str, record: str) -> None:
    assert _later(first, second, record) == "record"
    assert _later(second, first, record) == "record"


def test_the_same_title_words_without_a_shared_record_do_not_cluster() -> None:
    first, second, record = REPORTS_OF_ONE_STORY[0]
    earlier = RecentAlert(1, None, first, NOW - timedelta(hours=3), (record,))
    assert (
        ClusterIndex([earlier]).find(canonical_url=None, title=second, record_titles=[], seen_at=NOW) is None
    )


def test_the_same_story_on_the_same_site_clusters_even_when_reworded() -> None:
    ann = "https://www.animenewsnetwork.com/news/2025-11-18/one-piece-animator-apologizes/.229771"
    amp = "https://animenewsnetwork.com/news/2025-11-18/one-piece-animator-apologizes-for-mistake/.229771"
    other = "https://www.animenewsnetwork.com/news/2025-11-19/toei-plans/.229802"
    first, second = "One Piece animator apologizes", "Toei: One Piece drawing mistake was not AI"
    assert _later(first, second, "One Piece", urls=(ann, amp)) == "record"
    assert _later(first, second, "One Piece", urls=(ann, other)) is None
    assert story_key(ann) == story_key(amp) == "animenewsnetwork.com#229771"
    assert story_key("https://m.example.com/amp/news/a-story.amp.html") == story_key(
        "https://www.example.com/news/a-story"
    )
    assert story_key("https://example.com/news/a-story") != story_key("https://example.com/news/b-story")
    assert story_key("https://blog.example/?p=11852") != story_key("https://blog.example/?p=11853")
    assert story_key(None) is None


def test_a_record_match_outside_72_hours_does_not_cluster() -> None:
    first, second, record = REPORTS_OF_ONE_STORY[0]
    earlier = RecentAlert(1, None, first, NOW - timedelta(hours=73), (record,))
    assert (
        ClusterIndex([earlier]).find(canonical_url=None, title=second, record_titles=[record], seen_at=NOW)
        is None
    )


@pytest.fixture
async def h(tmp_path: Path, feed_server: FeedServer):
    harness = await Harness(tmp_path / "alerts.db", feed_server).open()
    try:
        yield harness
    finally:
        await harness.close()


async def test_poller_posts_both_stories_about_one_work_and_folds_the_re_report(
    h: Harness, feed_server: FeedServer
) -> None:
    h.publisher.records = [
        {"id": "one-piece-episode-1149-2025", "title": "One Piece", "label_key": "disclosures.status.denied"}
    ]
    for path in ("/a", "/b", "/c"):
        feed_server.documents[path] = rss([])
    await h.setup_guild()
    for path, name in (("/a", "Outlet A"), ("/b", "Outlet B"), ("/c", "Outlet C")):
        await h.subscribe(path, name)
    await h.cycle()
    plans = "Toei announces generative AI plans for One Piece production"
    denial = "One Piece animator denies AI use in episode 1149"
    feed_server.documents["/a"] = rss([story(1, plans, "a.example")])
    await h.cycle()
    feed_server.documents["/b"] = rss([story(2, denial, "b.example")])
    await h.cycle()
    assert [alert["title"] for _, alert in h.publisher.posts] == [plans, denial]
    again = "One Piece episode 1149 animator apologises, says he did not use AI"
    feed_server.documents["/c"] = rss([story(3, again, "c.example")])
    report = await h.cycle()
    assert len(h.publisher.posts) == 2 and report.clustered == 1
    edited = h.publisher.edits[-1]
    assert edited["title"] == denial and [m["source"] for m in edited["members"]] == ["Outlet C"]
