"""The one embed pass every message goes through: Discord's limits, and no blank part, whatever the text."""

from __future__ import annotations

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.embeds import (
    DESCRIPTION_LIMIT,
    FIELD_LIMIT,
    FIELD_NAME_LIMIT,
    MAX_FIELDS,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    add_field,
    embed_size,
    finish,
)
from bot.text import is_blank, untrusted

HOSTILE = st.text(
    alphabet=st.sampled_from(
        [
            "a",
            " ",
            "\n",
            "\u200b",
            "\u200d",
            "\u202e",
            "\u2066",
            "\ufeff",
            "\x00",
            "*",
            "@",
            "#",
            "日",
            "\u3000",
        ]
    ),
    max_size=3000,
)


def assert_acceptable(embed: discord.Embed) -> None:
    assert embed_size(embed) <= TOTAL_LIMIT and len(embed.fields) <= MAX_FIELDS
    assert embed.title is None or (0 < len(embed.title) <= TITLE_LIMIT and not is_blank(embed.title))
    assert embed.description is None or 0 < len(embed.description) <= DESCRIPTION_LIMIT
    for field in embed.fields:
        assert field.name and field.value and not is_blank(field.name) and not is_blank(field.value)
        assert len(field.name) <= FIELD_NAME_LIMIT and len(field.value) <= FIELD_LIMIT


@settings(max_examples=150, deadline=None)
@given(title=HOSTILE, description=HOSTILE, fields=st.lists(st.tuples(HOSTILE, HOSTILE), max_size=30))
def test_finish_makes_any_embed_acceptable(
    title: str, description: str, fields: list[tuple[str, str]]
) -> None:
    embed = discord.Embed(title=title, description=description)
    for name, value in fields:
        embed.add_field(name=name, value=value)  # raw, as a careless builder would
    embed.set_footer(text=title)
    embed.set_author(name=description)
    assert_acceptable(finish(embed))


def test_an_invisible_source_name_never_empties_a_field() -> None:
    embed = add_field(discord.Embed(), "Also reported by", "\u200b")
    add_field(embed, "\u200b\u200d", "")
    assert [f.value for f in embed.fields] == ["—", "—"] and embed.fields[1].name == "—"


@given(HOSTILE)
def test_untrusted_text_never_pings_formats_or_overflows(raw: str) -> None:
    shown = untrusted(raw, 200)
    assert len(shown) <= 200 and "\u202e" not in shown and "\x00" not in shown
    assert "@everyone" not in shown and "@here" not in shown
