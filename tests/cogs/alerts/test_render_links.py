"""A feed item's link in an alert embed and in a digest's masked link: it hides nothing, ends where it should,
and leads exactly where the feed said (mention-breaking is for text, never for a link's target)."""

from __future__ import annotations

import re

import pytest

from bot.text import plain
from cogs.alerts.embeds import alert_embed, digest_embed
from cogs.alerts.render import DigestLine, alert_card, digest_description, safe_url

# What Discord's client reads as a masked link: [label](target), the target without whitespace or backslash.
MASKED_LINK = re.compile(r"\[((?:\\.|[^\[\]\\])*)\]\(((?:\([^)]*\)|[^\s\\])*?)\)")

HIDDEN = [
    "https://exa\u202emple.com/7",  # right-to-left override: shows one address, leads to another
    "https://example.com/\u2066x\u2069",  # isolates
    "https://exa\u200bmple.com/",  # zero-width space
    "https://example.com/\u200dx",  # zero-width joiner
    "https://example.com/\u00adsoft",  # soft hyphen
    "https://example.com/\ufeffbom",
    "https://example.com/\x07bell",  # control characters
    "https://example.com/\x7f",
    "https://example.com/a\x85b",
    "https://example.com/\U000e0041tag",  # tag character (hidden ASCII)
    "https://example.com/a\u2028b",  # line separator
    "https://example.com/a b",  # spaces
    "https://example.com/a\u3000b",
]


@pytest.mark.parametrize("url", HIDDEN)
def test_a_link_that_hides_something_is_refused(url: str) -> None:
    assert safe_url(url) is None
    assert alert_card(title="t", url=url, summary="", source="s", published=None).url is None
    embed = alert_embed({"title": "t", "url": url, "source": "s"}, lambda key, **_: key)
    assert embed.url is None
    described = digest_description([DigestLine("Seven AI anime", url, "Outlet")])
    assert described == "• Seven AI anime — Outlet"  # listed, unlinked
    assert plain(described) == described


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/1", "https://news.example/1"),
        ("https://news.example/@everyone", "https://news.example/@everyone"),
        ("https://news.example/a_(b)_c", "https://news.example/a_(b)_c"),
        ("https://ニュース.example/記事/1", "https://ニュース.example/記事/1"),
        ("http://[::1]/six", "http://[::1]/six"),
        ('https://news.example/?x=<y>&z="q"', "https://news.example/?x=%3Cy%3E&z=%22q%22"),
        ("https://news.example/a\\b|c^d`e{f}", "https://news.example/a%5Cb%7Cc%5Ed%60e%7Bf%7D"),
    ],
)
def test_a_clean_link_keeps_its_address(url: str, expected: str) -> None:
    assert safe_url(url) == expected


def test_a_link_made_too_long_by_encoding_is_refused() -> None:
    assert safe_url("https://news.example/" + "<" * 1000) is None


def test_a_digest_link_target_is_never_mention_broken() -> None:
    described = digest_description(
        [DigestLine("Nine AI anime @everyone", "https://news.example/@everyone", "Outlet @here")]
    )
    ((label, target),) = MASKED_LINK.findall(described)
    assert target == "https://news.example/@everyone"  # the address the feed gave, not …/@\u200beveryone
    assert "@everyone" not in label and "@here" not in described.split(")", 1)[1]  # the text cannot ping


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/8>)**",
        "https://news.example/a)](https://evil.example)",
        "https://news.example/x) [y](https://evil.example",
        "https://news.example/a_(b)_c?x=<y>",
        "https://news.example/a\\)b",
    ],
)
def test_a_digest_link_cannot_be_broken_out_of(url: str) -> None:
    described = digest_description([DigestLine("One AI anime ](https://evil.example) [Click", url, "Outlet")])
    links = MASKED_LINK.findall(described)
    if safe_url(url) is None:
        assert links == [] and "evil.example)" not in described.replace("\\)", "")
        return
    ((label, target),) = links  # one link, and nothing after it reads as another
    assert "(" not in target and ")" not in target and " " not in target
    assert target == str(safe_url(url)).replace("(", "%28").replace(")", "%29")  # the same address
    assert described.endswith(f"]({target}) — Outlet")
    assert label.startswith("One AI anime \\]\\(https\\://evil.example\\)")


def test_the_digest_embed_shows_the_label_and_the_plain_target() -> None:
    embed = digest_embed(
        [
            {"title": "Seven AI anime", "url": "https://exa\u202emple.com/7", "source": "Outlet"},
            {"title": "Nine @everyone", "url": "https://news.example/@everyone", "source": "Outlet"},
        ],
        lambda key, **p: key,
        "2025-03-01",
    )
    description = embed.description or ""
    assert plain(description.replace("\u200b", "")) == description.replace("\u200b", "")
    assert "\u202e" not in description and "(https://news.example/@everyone)" in description
    assert "• Seven AI anime — Outlet" in description
