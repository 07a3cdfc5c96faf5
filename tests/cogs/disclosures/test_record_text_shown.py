"""Records hold what members submitted: every record field reaches readers as plain text, never as markdown.

A merged submission's title becomes an alternate title, and a curator may publish a submission's text as typed,
so titles, companies, credit, summary, outcome and the sources' publishers and titles are shown escaped (masked
links, spoilers, headings, quotes and pings inert), clipped before escaping. The sources' own masked links,
built from validated URLs, keep working.
"""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest

from bot.embeds import embed_size
from cogs.disclosures.embeds import company_embed, record_embed, source_pages, submission_embed
from cogs.disclosures.records import validate_record


def t(key: str, **params: object) -> str:
    return key + (" " + " ".join(f"{k}={v}" for k, v in params.items()) if params else "")


def link(name: str) -> str:
    """A masked link, a spoiler and a role ping, as a member could type them into a submission."""
    return f"{name} [official](https://evil.example/{name}) ||spoiler|| <@&42>"


def evil_record() -> dict[str, Any]:
    return validate_record(
        {
            "id": "evil-2025",
            "title": link("main"),
            "alt_titles": [link("alt"), {"title": "日本語 " + link("ja"), "language": "ja"}],
            "medium": "game",
            "companies": [{"name": link("company"), "role": "studio"}],
            "date": "2025",
            "ai_uses": ["music"],
            "disclosure": "credited_upfront",
            "credit_text": link("credit"),
            "summary": link("summary") + "\n# Heading\n> quoted @everyone",
            "response": link("response"),
            "sources": [
                {
                    "url": "https://news.example/a",
                    "publisher": link("publisher"),
                    "title": link("source"),
                    "date": "2025-01",
                }
            ],
            "confidence": "medium",
        }
    )


def parts(embed: discord.Embed) -> list[str]:
    """Every piece of text an embed shows."""
    shown = [embed.title or "", embed.description or "", embed.footer.text or "", embed.author.name or ""]
    return shown + [str(f.name) for f in embed.fields] + [str(f.value) for f in embed.fields]


def assert_inert(embed: discord.Embed) -> None:
    """No record text in ``embed`` is live: no masked link to the member's host, no spoiler, heading, quote
    or ping (each escaped text reads as typed in Discord)."""
    for text in parts(embed):
        assert "](https://evil.example" not in text, text
        assert "||spoiler||" not in text and "<@&42>" not in text, text
        assert "@everyone" not in text and "\n# Heading" not in text and "\n> quoted" not in text, text


def escaped(name: str) -> str:
    return f"{name} \\[official\\]\\(https\\://evil.example/{name}\\) \\|\\|spoiler\\|\\| <@\u200b&42\\>"


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_record_field_is_shown_as_plain_text(language: str) -> None:
    embed = record_embed(evil_record(), t, language=language)
    assert_inert(embed)
    fields = {f.name: str(f.value) for f in embed.fields}
    first, others = ("日本語 " + escaped("ja"), "main") if language == "ja" else (escaped("main"), "ja")
    assert embed.title == first
    assert escaped("alt") in fields["disclosures.embed.alt_titles"]
    assert escaped(others) in fields["disclosures.embed.alt_titles"]
    assert f"**disclosures.role.studio**: {escaped('company')}" in fields["disclosures.embed.companies"]
    assert fields["disclosures.embed.credit"] == "> " + escaped("credit")
    assert fields["disclosures.embed.outcome"] == escaped("response")
    assert escaped("summary") + "\n\\# Heading\n\\> quoted @\u200beveryone" in (embed.description or "")
    # The bot's own formatting stays: the status in bold, and the source as a masked link to its URL.
    assert (embed.description or "").startswith("**")
    source = fields["disclosures.embed.sources"]  # the label clipped to 80 characters, then escaped
    assert source.startswith("[publisher \\[official\\]\\(https\\://evil.example/publisher\\) \\|\\|spo")
    assert source.endswith("…](https://news.example/a) · 2025-01") and source.count("](") == 1


def test_the_sources_page_company_list_and_queue_card_show_record_text_plainly() -> None:
    record = evil_record()
    (page,) = source_pages(record, t)
    assert_inert(page)
    assert page.title == f"disclosures.embed.sources_title title={escaped('main')}"
    assert f"…](https://news.example/a) · 2025-01\n{escaped('source')}" in (page.description or "")
    row = {"id": "evil-2025", "title": record["title"], "disclosure": "credited_upfront", "medium": "game"}
    listing = company_embed(link("company"), {"studio": [row | {"date": "2025"}]}, t)
    assert_inert(listing)
    assert escaped("company") in (listing.title or "")
    correction = {
        "id": 3,
        "kind": "correction",
        "record_id": "evil-2025",
        "submitter_id": 7,
        "source_urls": [],
        "notes": "typo",
    }
    card = submission_embed(correction, t, record_title=record["title"], pending=1, server=None)
    assert_inert(card)
    assert card.title == f"disclosures.review.title_correction id=3 record={escaped('main')}"


DANGLING = re.compile(r"\\[\\*_~`|>\[\]()#:]")


def test_record_text_is_clipped_before_it_is_escaped_even_at_every_limit() -> None:
    """A record at every limit, every character a markdown one: each part fits, the whole embed fits, and no
    cut leaves half an escape (a backslash that escapes nothing, which would show)."""
    record = validate_record(
        {
            "id": "stars-2025",
            "title": "*" * 200,
            "alt_titles": ["_" * 198 + f"{i:02d}" for i in range(20)],
            "medium": "game",
            "companies": [{"name": "|" * 118 + f"{i:02d}", "role": "developer"} for i in range(20)],
            "date": "2025",
            "ai_uses": ["music"],
            "disclosure": "unconfirmed_allegation",
            "credit_text": "`" * 500,
            "summary": "*" * 2000,
            "response": "#" * 1500,
            "sources": [
                {"url": f"https://e.example/{i}", "publisher": "[" * 120, "title": "]" * 300}
                for i in range(50)
            ],
            "confidence": "medium",
        }
    )
    embeds = [record_embed(record, t, language=language) for language in ("en", "ja")]
    embeds += source_pages(record, t)
    for embed in embeds:
        assert embed_size(embed) <= 6000 and len(embed.title or "") <= 256
        assert len(embed.description or "") <= 4096
        assert all(len(str(f.value)) <= 1024 for f in embed.fields)
        for text in parts(embed):
            assert "\\" not in DANGLING.sub("", text), text
    description = embeds[0].description or ""
    assert "\\*\\*\\*" in description.splitlines()[-1]  # the summary kept the room the rest left it
