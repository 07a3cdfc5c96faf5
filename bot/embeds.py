"""Every embed the bot sends goes through ``finish``: Discord's limits, and no empty or invisible-only parts.

Discord rejects a whole message when one field name or value is empty (or only whitespace), when a part is
too long, or when the embed passes 6,000 characters; text from feeds, members and files can be any of those.
Builders add fields with :func:`add_field` and hand the result to :func:`finish` (``bot.replies.send`` does).
"""

from __future__ import annotations

import discord

from bot.text import clip, is_blank

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
TOTAL_LIMIT = 6000
MAX_FIELDS = 25
PLACEHOLDER = "—"


def part(text: object, limit: int) -> str:
    """Text for a part that must show something: clipped, and a placeholder when it would show nothing.

    Making untrusted text safe (bidi, formatting, pings) is the builder's job (``bot.text.untrusted``); this
    pass keeps text as built, so a zero-width space that breaks a mention stays where it was put.
    """
    value = str(text) if text is not None else ""
    return PLACEHOLDER if is_blank(value) else clip(value.strip(), limit)


def add_field(
    embed: discord.Embed, name: object = None, value: object = None, *, inline: bool = False
) -> discord.Embed:
    """Add a field whose name and value are never empty nor too long (dropped past Discord's 25 fields)."""
    if len(embed.fields) < MAX_FIELDS:
        embed.add_field(name=part(name, FIELD_NAME_LIMIT), value=part(value, FIELD_LIMIT), inline=inline)
    return embed


def embed_size(embed: discord.Embed) -> int:
    """The characters Discord counts towards the 6,000 limit."""
    size = len(embed.title or "") + len(embed.description or "") + len(embed.footer.text or "")
    size += len(embed.author.name or "")
    return size + sum(len(f.name or "") + len(f.value or "") for f in embed.fields)


def _optional(text: str | None, limit: int) -> str | None:
    """An optional part: kept (clipped) when it shows something, dropped when it is blank."""
    if text is None or is_blank(text):
        return None
    return clip(text.strip(), limit)


def finish(embed: discord.Embed) -> discord.Embed:
    """Make ``embed`` acceptable to Discord: every part within its limit, no blank field, ≤ 6,000 in all.

    Over the total, the description is shortened first, then trailing fields are dropped.
    """
    embed.title = _optional(embed.title, TITLE_LIMIT)
    embed.description = _optional(embed.description, DESCRIPTION_LIMIT)
    if embed.footer.text is not None:
        footer = _optional(embed.footer.text, FOOTER_LIMIT)
        if footer is None and embed.footer.icon_url is None:
            embed.remove_footer()
        else:
            embed.set_footer(text=footer, icon_url=embed.footer.icon_url)
    if embed.author.name is not None:
        author = _optional(embed.author.name, AUTHOR_LIMIT)
        if author is None:
            embed.remove_author()
        else:
            embed.set_author(name=author, url=embed.author.url, icon_url=embed.author.icon_url)
    fields = [(f.name, f.value, f.inline) for f in embed.fields][:MAX_FIELDS]
    embed.clear_fields()
    for name, value, inline in fields:
        add_field(embed, name, value, inline=bool(inline))
    excess = embed_size(embed) - TOTAL_LIMIT
    if excess > 0 and embed.description:
        keep = max(0, len(embed.description) - excess - 1)
        embed.description = clip(embed.description, keep) if keep else None
    while embed_size(embed) > TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed
