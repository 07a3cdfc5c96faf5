"""Embeds for records, result lists, companies, sources and history, always inside Discord's limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.text import clip, clip_lines
from cogs.disclosures.vocab import STATUS_COLOURS, STATUS_EMOJI, UNCONFIRMED_STATUSES, status_label_key

Text = Callable[..., str]

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
PAGE_SIZE = 10
SOURCES_IN_RECORD = 5


def embed_size(embed: discord.Embed) -> int:
    size = len(embed.title or "") + len(embed.description or "") + len(embed.footer.text or "")
    size += len(embed.author.name or "")
    return size + sum(len(f.name or "") + len(f.value or "") for f in embed.fields)


def fit(embed: discord.Embed) -> discord.Embed:
    """Shorten the description (then drop trailing fields) until the embed fits in 6000 characters."""
    excess = embed_size(embed) - TOTAL_LIMIT
    if excess > 0 and embed.description:
        keep = max(0, len(embed.description) - excess - 1)
        embed.description = clip(embed.description, keep) if keep else None
    while embed_size(embed) > TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed


def status_label(status: str, t: Text) -> str:
    return f"{STATUS_EMOJI.get(status, '')} {t(status_label_key(status))}".strip()


def _link(source: dict[str, Any]) -> str:
    label = discord.utils.escape_markdown(source.get("publisher") or source["url"]).replace("]", "\\]")
    url = source["url"].replace(")", "%29").replace(" ", "%20")
    date = f" · {source['date']}" if source.get("date") else ""
    return f"[{clip(label, 80)}]({url}){date}"


def record_embed(record: dict[str, Any], t: Text) -> discord.Embed:
    """The full record: status label and colour first, caution for unconfirmed statuses, then the facts."""
    status = record["disclosure"]
    lines = [f"**{status_label(status, t)}**"]
    if status in UNCONFIRMED_STATUSES:
        lines.append(t(f"disclosures.caution.{status}"))
    lines.append("")
    lines.append(record["summary"])
    embed = discord.Embed(
        title=clip(record["title"], TITLE_LIMIT),
        description=clip("\n".join(lines), DESCRIPTION_LIMIT),
        colour=discord.Colour(STATUS_COLOURS.get(status, 0x5B7DB1)),
    )
    if record["alt_titles"]:
        embed.add_field(
            name=t("disclosures.embed.alt_titles"),
            value=clip_lines([a["title"] for a in record["alt_titles"]], FIELD_LIMIT),
            inline=False,
        )
    embed.add_field(name=t("disclosures.embed.medium"), value=t(f"disclosures.medium.{record['medium']}"))
    embed.add_field(name=t("disclosures.embed.date"), value=record["date"])
    embed.add_field(
        name=t("disclosures.embed.confidence"), value=t(f"disclosures.confidence.{record['confidence']}")
    )
    if record["companies"]:
        by_role: dict[str, list[str]] = {}
        for company in record["companies"]:
            by_role.setdefault(company["role"], []).append(company["name"])
        company_lines = [
            f"**{t(f'disclosures.role.{role}')}**: {', '.join(names)}" for role, names in by_role.items()
        ]
        embed.add_field(
            name=t("disclosures.embed.companies"), value=clip_lines(company_lines, FIELD_LIMIT), inline=False
        )
    uses = ", ".join(t(f"disclosures.use.{use}") for use in record["ai_uses"]) or t("disclosures.embed.none")
    embed.add_field(name=t("disclosures.embed.ai_uses"), value=clip(uses, FIELD_LIMIT), inline=False)
    if record.get("credit_text"):
        quoted = "\n".join(f"> {line}" for line in record["credit_text"].splitlines())
        embed.add_field(name=t("disclosures.embed.credit"), value=clip(quoted, FIELD_LIMIT), inline=False)
    if record.get("response"):
        embed.add_field(
            name=t("disclosures.embed.outcome"), value=clip(record["response"], FIELD_LIMIT), inline=False
        )
    sources = record["sources"]
    shown = [_link(s) for s in sources[:SOURCES_IN_RECORD]]
    hidden = len(sources) - len(shown)
    if hidden:
        shown.append(t("disclosures.embed.more_sources", count=hidden))
    embed.add_field(
        name=t("disclosures.embed.sources"),
        value=clip_lines(shown, FIELD_LIMIT, lambda n: t("disclosures.embed.more_sources", count=n + hidden)),
        inline=False,
    )
    updated = (record.get("updated_at") or "")[:10]
    embed.set_footer(text=clip(t("disclosures.embed.updated", date=updated, id=record["id"]), FOOTER_LIMIT))
    return fit(embed)


def source_pages(record: dict[str, Any], t: Text) -> list[discord.Embed]:
    """Every source of a record, ten to a page, with titles."""
    title = clip(t("disclosures.embed.sources_title", title=record["title"]), TITLE_LIMIT)
    pages = []
    sources = record["sources"]
    for start in range(0, max(1, len(sources)), PAGE_SIZE):
        lines = []
        for number, source in enumerate(sources[start : start + PAGE_SIZE], start + 1):
            heading = f"\n{clip(source['title'], 300)}" if source.get("title") else ""
            lines.append(f"{number}. {_link(source)}{heading}")
        embed = discord.Embed(title=title, description=clip_lines(lines, DESCRIPTION_LIMIT), colour=0x5B7DB1)
        pages.append(embed)
    return _number(pages, t)


def _number(pages: list[discord.Embed], t: Text) -> list[discord.Embed]:
    if len(pages) > 1:
        for page, embed in enumerate(pages, 1):
            embed.set_footer(text=t("ui.page", page=page, pages=len(pages)))
    return pages


def result_line(row: dict[str, Any], t: Text) -> str:
    return (
        t(
            "disclosures.embed.result_line",
            emoji=STATUS_EMOJI.get(row["disclosure"], ""),
            title=discord.utils.escape_markdown(clip(row["title"], 150)),
            medium=t(f"disclosures.medium.{row['medium']}"),
            date=row["date"],
        )
        + f" · `{row['id']}`"
    )


def result_pages(
    title: str, rows: Sequence[dict[str, Any]], t: Text, *, note: str | None = None
) -> list[discord.Embed]:
    """Result rows as pages of ten (status emoji, title, medium, date, id)."""
    pages = []
    for start in range(0, len(rows), PAGE_SIZE):
        lines = [result_line(row, t) for row in rows[start : start + PAGE_SIZE]]
        if note:
            lines += ["", note]
        pages.append(
            discord.Embed(title=clip(title, TITLE_LIMIT), description=clip_lines(lines, DESCRIPTION_LIMIT))
        )
    return _number(pages, t)


def company_embed(company: str, groups: dict[str, list[dict[str, Any]]], t: Text) -> discord.Embed:
    """A company's records grouped by role, with counts (at most 25 fields, each within 1024)."""
    total = len({row["id"] for rows in groups.values() for row in rows})
    embed = discord.Embed(
        title=clip(t("disclosures.company.title", company=company, count=total), TITLE_LIMIT)
    )
    for role, rows in list(groups.items())[:25]:
        embed.add_field(
            name=t("disclosures.company.role_count", role=t(f"disclosures.role.{role}"), count=len(rows)),
            value=clip_lines([result_line(row, t) for row in rows], FIELD_LIMIT, lambda n: f"… +{n}"),
            inline=False,
        )
    return fit(embed)


def history_pages(record_id: str, entries: Sequence[dict[str, Any]], t: Text) -> list[discord.Embed]:
    """Audit entries, ten to a page: when, what, who, and which fields changed."""
    pages = []
    for start in range(0, len(entries), PAGE_SIZE):
        lines = []
        for entry in entries[start : start + PAGE_SIZE]:
            actor = f"<@{entry['actor_id']}>" if entry["actor_id"] else t("disclosures.history.system")
            line = t(
                "disclosures.history.line",
                at=entry["at"][:16].replace("T", " "),
                action=entry["action"],
                actor=actor,
            )
            before, after = entry.get("before") or {}, entry.get("after") or {}
            changed = [key for key in after if before and before.get(key) != after.get(key)]
            if changed:
                line += "\n" + t("disclosures.history.changed", fields=", ".join(changed))
            if entry.get("note"):
                line += f"\n> {clip(entry['note'], 300)}"
            lines.append(line)
        pages.append(
            discord.Embed(
                title=clip(t("disclosures.history.title", id=record_id), TITLE_LIMIT),
                description=clip_lines(lines, DESCRIPTION_LIMIT),
            )
        )
    return _number(pages, t)


def submission_embed(
    row: dict[str, Any], t: Text, *, record_title: str | None, pending: int
) -> discord.Embed:
    """A queue item as moderators see it."""
    if row["kind"] == "correction":
        title = t(
            "disclosures.review.title_correction", id=row["id"], record=record_title or row["record_id"]
        )
    else:
        title = t("disclosures.review.title_new", id=row["id"])
    embed = discord.Embed(title=clip(title, TITLE_LIMIT), colour=0x8E24AA)
    embed.add_field(name=t("disclosures.review.submitter"), value=f"<@{row['submitter_id']}>", inline=True)
    if row["kind"] == "new":
        embed.add_field(
            name=t("disclosures.review.title_field"),
            value=clip(row["title"] or "-", FIELD_LIMIT),
            inline=True,
        )
        if row.get("companies"):
            embed.add_field(
                name=t("disclosures.review.companies"),
                value=clip(row["companies"], FIELD_LIMIT),
                inline=False,
            )
    if row.get("ai_uses"):
        embed.add_field(
            name=t("disclosures.review.uses"), value=clip(row["ai_uses"], FIELD_LIMIT), inline=False
        )
    if row["source_urls"]:
        embed.add_field(
            name=t("disclosures.review.sources"),
            value=clip_lines(row["source_urls"], FIELD_LIMIT),
            inline=False,
        )
    if row.get("notes"):
        embed.add_field(
            name=t("disclosures.review.notes"), value=clip(row["notes"], FIELD_LIMIT), inline=False
        )
    if row.get("similar_record_id"):
        embed.add_field(
            name=t("disclosures.review.similar"), value=f"`{row['similar_record_id']}`", inline=False
        )
    embed.set_footer(text=t("disclosures.review.pending", count=pending))
    return fit(embed)
