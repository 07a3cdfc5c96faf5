"""Embeds for records, result lists, companies, sources and history, always inside Discord's limits.

Records hold what members submitted (a merged submission's title becomes an alternate title; a curator may
publish a submission's text as it was typed), so every record field is shown as untrusted text
(``bot.text.untrusted``: no formatting, links, spoilers or pings) — only the bot's own formatting around it
and the sources' masked links, built from validated URLs, are live.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.embeds import (
    DESCRIPTION_LIMIT,
    FIELD_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    add_field,
    embed_size,
    finish,
)
from bot.text import clip, clip_lines, escape_markdown, untrusted
from cogs.disclosures.vocab import STATUS_COLOURS, STATUS_EMOJI, UNCONFIRMED_STATUSES, status_label_key

Text = Callable[..., str]

PAGE_SIZE = 10
SOURCES_IN_RECORD = 5
# What one name (an alternate title, a company, a source's publisher) may take once escaped.
NAME_SHOWN = 300
LABEL_SHOWN = 80


def shown(text: str | None, limit: int = NAME_SHOWN) -> str:
    """One line of a record's text, as it may be shown to anyone: untrusted, at most ``limit`` characters."""
    return untrusted(text or "", limit, one_line=True)


def status_label(status: str, t: Text) -> str:
    return f"{STATUS_EMOJI.get(status, '')} {t(status_label_key(status))}".strip()


def _link(source: dict[str, Any]) -> str:
    """A masked link to a source: the label is record text (escaped), the target its validated URL."""
    label = shown(source.get("publisher") or source["url"], LABEL_SHOWN)
    url = source["url"].replace(")", "%29").replace(" ", "%20")
    date = f" · {source['date']}" if source.get("date") else ""
    return f"[{label}]({url}){date}"


def titles_for(record: dict[str, Any], language: str) -> tuple[str, list[str]]:
    """The title to show a reader of ``language`` first (the record's title in that language when it has
    one, else its main title) and the record's other titles, main title first."""
    main = record["title"]
    alternates = [a["title"] for a in record.get("alt_titles", [])]
    if (record.get("title_language") or "en") != language:
        for alt in record.get("alt_titles", []):
            if alt.get("language") == language:
                return alt["title"], [main, *(a for a in alternates if a != alt["title"])]
    return main, alternates


def record_embed(record: dict[str, Any], t: Text, *, language: str = "en") -> discord.Embed:
    """The full record: status label and colour first, caution for unconfirmed statuses, then the facts.

    ``language`` is the reader's (``bot.i18n.language_of``): the title in that language comes first when the
    record has one, and a reader of another language than English is told the summary is in English.
    Every field of the record is shown as untrusted text (the summary with its line breaks, the rest on one
    line each), escaped after clipping; the summary gets the room the rest of the embed leaves.
    """
    status = record["disclosure"]
    title, other_titles = titles_for(record, language)
    lines = [f"**{status_label(status, t)}**"]
    if status in UNCONFIRMED_STATUSES:
        lines.append(t(f"disclosures.caution.{status}"))
    lines.append("")
    if language != "en":
        lines.append(f"*{t('disclosures.embed.summary_in_english')}*")
    embed = discord.Embed(
        title=shown(title, TITLE_LIMIT), colour=discord.Colour(STATUS_COLOURS.get(status, 0x5B7DB1))
    )
    if other_titles:
        embed.add_field(
            name=t("disclosures.embed.alt_titles"),
            value=clip_lines([shown(other) for other in other_titles], FIELD_LIMIT),
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
            by_role.setdefault(company["role"], []).append(shown(company["name"]))
        company_lines = [
            f"**{t(f'disclosures.role.{role}')}**: {', '.join(names)}" for role, names in by_role.items()
        ]
        embed.add_field(
            name=t("disclosures.embed.companies"), value=clip_lines(company_lines, FIELD_LIMIT), inline=False
        )
    uses = ", ".join(t(f"disclosures.use.{use}") for use in record["ai_uses"]) or t("disclosures.embed.none")
    embed.add_field(name=t("disclosures.embed.ai_uses"), value=clip(uses, FIELD_LIMIT), inline=False)
    if record.get("credit_text"):  # one line, as stored
        quoted = "> " + shown(record["credit_text"], FIELD_LIMIT - 2)
        embed.add_field(name=t("disclosures.embed.credit"), value=quoted, inline=False)
    if record.get("response"):
        embed.add_field(
            name=t("disclosures.embed.outcome"),
            value=untrusted(record["response"], FIELD_LIMIT),
            inline=False,
        )
    sources = record["sources"]
    links = [_link(s) for s in sources[:SOURCES_IN_RECORD]]
    hidden = len(sources) - len(links)
    if hidden:
        links.append(t("disclosures.embed.more_sources", count=hidden))
    embed.add_field(
        name=t("disclosures.embed.sources"),
        value=clip_lines(links, FIELD_LIMIT, lambda n: t("disclosures.embed.more_sources", count=n + hidden)),
        inline=False,
    )
    embed.set_footer(text=clip(freshness(record, t), FOOTER_LIMIT))
    head = "\n".join(lines) + "\n"
    room = min(DESCRIPTION_LIMIT, TOTAL_LIMIT - embed_size(embed)) - len(head)
    embed.description = head + untrusted(record["summary"], room)
    return finish(embed)


def freshness(record: dict[str, Any], t: Text) -> str:
    """How current the record is, from its own data: the day a curator last changed it here, or else (shipped or
    imported, never edited here) the date of its newest source — never the day this database was created."""
    if record.get("updated_by") is not None and record.get("updated_at"):
        return t("disclosures.embed.updated", date=record["updated_at"][:10], id=record["id"])
    dates = [s["date"] for s in record.get("sources") or [] if s.get("date")] or [record.get("date") or "?"]
    return t("disclosures.embed.sources_as_of", date=max(dates), id=record["id"])


def source_pages(record: dict[str, Any], t: Text, *, language: str = "en") -> list[discord.Embed]:
    """Every source of a record, ten to a page, with titles."""
    title = clip(
        t("disclosures.embed.sources_title", title=shown(titles_for(record, language)[0], 200)), TITLE_LIMIT
    )
    pages = []
    sources = record["sources"]
    for start in range(0, max(1, len(sources)), PAGE_SIZE):
        lines = []
        for number, source in enumerate(sources[start : start + PAGE_SIZE], start + 1):
            heading = f"\n{shown(source['title'])}" if source.get("title") else ""
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
            title=escape_markdown(clip(row["title"], 150)),
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
        title=clip(t("disclosures.company.title", company=shown(company, 200), count=total), TITLE_LIMIT)
    )
    for role, rows in list(groups.items())[:25]:
        embed.add_field(
            name=t("disclosures.company.role_count", role=t(f"disclosures.role.{role}"), count=len(rows)),
            value=clip_lines([result_line(row, t) for row in rows], FIELD_LIMIT, lambda n: f"… +{n}"),
            inline=False,
        )
    return finish(embed)


def actor_text(entry: dict[str, Any], t: Text, server: Callable[[int | None], str | None]) -> str:
    """Who acted, as what, and from which server (rows from before curators read as they were written)."""
    if entry["actor_id"] is None:
        who = t(f"disclosures.history.role.{entry.get('actor_role') or 'seed'}")
    else:
        role = t(f"disclosures.history.role.{entry.get('actor_role') or 'moderator'}")
        who = f"<@{entry['actor_id']}> ({role})"
    where = server(entry.get("guild_id"))
    return t("disclosures.history.actor_in", actor=who, server=untrusted(where, 100)) if where else who


def history_pages(
    record_id: str,
    entries: Sequence[dict[str, Any]],
    t: Text,
    *,
    server: Callable[[int | None], str | None] = lambda _: None,
) -> list[discord.Embed]:
    """Audit entries, ten to a page: entry number, when, what, who (as what, from where), which fields changed."""
    pages = []
    for start in range(0, len(entries), PAGE_SIZE):
        lines = []
        for entry in entries[start : start + PAGE_SIZE]:
            line = t(
                "disclosures.history.line",
                entry=entry["id"],
                at=entry["at"][:16].replace("T", " "),
                action=entry["action"],
                actor=actor_text(entry, t, server),
            )
            before, after = entry.get("before") or {}, entry.get("after") or {}
            changed = [key for key in after if before and before.get(key) != after.get(key)]
            if changed:
                line += "\n" + t("disclosures.history.changed", fields=", ".join(changed))
            if entry.get("note"):
                line += f"\n> {untrusted(entry['note'], 300, one_line=True)}"
            lines.append(line)
        pages.append(
            discord.Embed(
                title=clip(t("disclosures.history.title", id=record_id), TITLE_LIMIT),
                description=clip_lines(lines, DESCRIPTION_LIMIT),
            )
        )
    return _number(pages, t)


def submission_embed(
    row: dict[str, Any],
    t: Text,
    *,
    record_title: str | None,
    pending: int,
    server: str | None,
    closest: Sequence[tuple[str, str]] = (),
) -> discord.Embed:
    """A queue item as curators see it: where it came from, who sent it, everything they typed, and the
    existing records closest to it (``closest``: (title, id), best first)."""
    if row["kind"] == "correction":
        record = shown(record_title or row["record_id"], 200)
        title = t("disclosures.review.title_correction", id=row["id"], record=record)
    else:
        title = t("disclosures.review.title_new", id=row["id"])
    embed = discord.Embed(title=clip(title, TITLE_LIMIT), colour=0x8E24AA)
    add_field(embed, t("disclosures.review.submitter"), f"<@{row['submitter_id']}>", inline=True)
    add_field(
        embed,
        t("disclosures.review.server"),
        untrusted(server, 200) if server else t("disclosures.review.no_server"),
        inline=True,
    )
    if row["kind"] == "new":
        add_field(embed, t("disclosures.review.title_field"), untrusted(row["title"] or "", 300), inline=True)
        if row.get("companies"):
            add_field(embed, t("disclosures.review.companies"), untrusted(row["companies"], FIELD_LIMIT))
    if row.get("ai_uses"):
        add_field(embed, t("disclosures.review.uses"), untrusted(row["ai_uses"], FIELD_LIMIT))
    if row["source_urls"]:
        add_field(embed, t("disclosures.review.sources"), clip_lines(row["source_urls"], FIELD_LIMIT))
    if row.get("notes"):
        add_field(embed, t("disclosures.review.notes"), untrusted(row["notes"], FIELD_LIMIT))
    if closest:
        lines = [f"• {untrusted(title, 150, one_line=True)} (`{record_id}`)" for title, record_id in closest]
        add_field(embed, t("disclosures.review.similar"), clip_lines(lines, FIELD_LIMIT))
    embed.set_footer(text=t("disclosures.review.pending", count=pending))
    return finish(embed)


def submission_lines(rows: Sequence[dict[str, Any]], t: Text, *, private: bool) -> list[str]:
    """One line per submission: number, kind, state, date, title; ``private`` adds what only the submitter
    (and curators) may see: their notes and a rejection's reason."""
    lines = []
    for row in rows:
        line = t(
            "disclosures.mine.line",
            id=row["id"],
            kind=t(f"disclosures.mine.kind.{row['kind']}"),
            state=t(f"disclosures.mine.state.{row['state']}"),
            date=(row["created_at"] or "")[:10],
            title=untrusted(row["title"] or "", 120, one_line=True),
        )
        if row["state"] in ("approved", "merged") and row.get("record_id"):
            line += " → `" + row["record_id"] + "`"
        if private and row.get("reason"):
            line += "\n> " + untrusted(row["reason"], 300, one_line=True)
        if private and row.get("notes"):
            line += "\n" + t("disclosures.mine.notes", notes=untrusted(row["notes"], 200, one_line=True))
        lines.append(line)
    return lines


def list_pages(
    title: str, lines: Sequence[str], t: Text, *, per_page: int = PAGE_SIZE
) -> list[discord.Embed]:
    """Lines as pages of an embed list (numbered when there are several)."""
    pages = [
        discord.Embed(title=clip(title, TITLE_LIMIT), description=clip_lines(lines[i : i + per_page], 4000))
        for i in range(0, len(lines), per_page)
    ]
    return _number(pages, t)


def problem_lines(problems: Sequence[Any], t: Text, labels: dict[str, str]) -> list[str]:
    """Every problem of a form, one line each: the box as its label reads, the line, and what is wrong.

    ``problems`` are :class:`~cogs.disclosures.records.RecordError` whose ``field`` is a box name (a key of
    ``labels``) and ``item`` a 0-based line of that box, or None.
    """
    lines = []
    for problem in problems:
        params = {
            key: untrusted(str(value), 100, one_line=True) if key == "value" else value
            for key, value in problem.params.items()
        }
        what = t(f"disclosures.problem.{problem.code}", **params)
        where = labels.get(problem.field, problem.field)
        if problem.item is not None:
            where = t("disclosures.problem.line", box=where, line=problem.item + 1)
        lines.append(t("disclosures.problem.item", box=where, problem=what))
    return lines
