"""`/disclosure` for members: lookup, search, company, recent, stats; plus the public API other cogs use.

Submissions and corrections (and a member's own list) live in contributions.py and the image check in
image_check.py, both mixed into this cog. The curators' `/curate` (curation.py) and the server moderators'
`/submissions` (server_queue.py) are cogs of their own, so Discord can hide their top-level groups.

`/disclosure` (and the "Check image for AI metadata" menu) can be installed to a member's account as well as to a
server, so it runs in any server or DM, including servers without Haikei: nothing in it needs a server, the guild
cache or a ``Member``. Public answers there go through ``replies.send``/``replies.defer``, which answer privately
where the member may not post; a submission from outside Haikei's servers records no server.
"""

from __future__ import annotations

import asyncio
import io
import logging
import pickle
import time
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import Choice, locale_str
from discord.ext import commands

from bot import replies
from bot.errors import BadInput, NotFound
from bot.i18n import language_of
from bot.options import Bounded
from bot.text import clean_input, clip, escape_markdown
from bot.ui.paginator import Paginator
from cogs.disclosures import index_build, queries, store
from cogs.disclosures.choices import MEDIUM_NAMES, STATUS_NAMES, USE_NAMES
from cogs.disclosures.contributions import Contributions
from cogs.disclosures.embeds import company_embed, record_embed, result_pages, source_pages
from cogs.disclosures.image_check import ImageCheck
from cogs.disclosures.queries import Filters
from cogs.disclosures.schema import migrations
from cogs.disclosures.search import Match, TitleIndex
from cogs.disclosures.seed import import_seed
from cogs.disclosures.views import (
    CorrectButton,
    SourcesButton,
    record_buttons,
)
from cogs.disclosures.vocab import status_label_key

if TYPE_CHECKING:
    from bot.client import Haikei

log = logging.getLogger(__name__)

AUTO_PICK_SCORE = 85.0  # a free-text lookup shows the best match outright at or above this score…
AUTO_PICK_MARGIN = 5.0  # …when the runner-up trails it by at least this much
MAX_RESULTS = 250
Year = app_commands.Transform[int, Bounded(1900, 2100)]
CLOSEST = 5
BUILD_INLINE_UP_TO = 20_000  # records: a bigger title index is built after start, in the background


def _choices(kind: str, names: dict[str, str]) -> list[Choice[str]]:
    return [
        Choice(name=locale_str(name, key=f"disclosures.choice.{kind}.{value}"), value=value)
        for value, name in names.items()
    ]


def _text_for(interaction: discord.Interaction) -> Any:
    return partial(replies.text, interaction)


@app_commands.allowed_installs(guilds=True, users=True)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Disclosures(
    Contributions,
    ImageCheck,
    commands.GroupCog,
    group_name="disclosure",
    group_description="AI-disclosure records: who used generative AI, how it was disclosed, and the sources",
):
    """AI-disclosure records: look up, search, submit, see your own submissions; curators review and edit."""

    feature_key = "disclosures"
    dynamic_items = (SourcesButton, CorrectButton)

    def __init__(self, bot: Haikei) -> None:
        self.bot = bot
        # A stand-in until the full index is built: it takes the puts and removes of the meantime, which the
        # full index replays when it takes over (``_build_index``).
        self.index = TitleIndex(log_changes=True)
        self.index_ready = asyncio.Event()
        self._index_built = False
        self._index_task: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        await self.bot.db.migrate(migrations)
        added = await self.bot.db.run(import_seed)
        TitleIndex.build([("warm-up", "warm up")]).search("warm up")  # rapidfuzz initialises its scorers
        records = await self.bot.db.run(store.count_published)
        if records <= BUILD_INLINE_UP_TO:
            await self._build_index(added)
        else:  # seconds of work: the bot connects meanwhile, and lookups read the database until it is done
            self._index_task = asyncio.create_task(self._build_index(added), name="disclosures-title-index")
        self.add_image_menu()

    async def cog_unload(self) -> None:
        if self._index_task is not None:
            self._index_task.cancel()
        self.remove_image_menu()

    async def _build_index(self, seeded: int) -> None:
        """Build the title index, then let it take over from the stand-in (replaying what the stand-in took
        meanwhile). A big one is built by a child process (``index_build``), the bot connecting meanwhile."""
        started = time.perf_counter()
        try:
            built = None
            database = await self.bot.db.run(index_build.database_file)
            if self._index_task is not None and database:
                try:
                    built = await index_build.build_elsewhere(database)
                except (OSError, EOFError, BrokenProcessPool, pickle.UnpicklingError) as exc:
                    log.warning(
                        "Could not build the title index in a child process (%s): building it here", exc
                    )
            if built is None:
                built = await self.bot.db.run(index_build.build)
            built.replay(self.index.changes or ())  # no await from here: nothing changes in between
            self.index, self._index_built = built, True
            log.info(
                "Disclosures ready: %d records indexed in %.1f s (%d seeded now)",
                len(built),
                time.perf_counter() - started,
                seeded,
            )
        except Exception:
            log.exception("Could not build the title index: lookups keep reading the database")
        finally:
            self.index_ready.set()

    async def _index_for(self, text: str) -> TitleIndex:
        """The title index; while it is being built, a small one over what the database finds for ``text``
        (its titles' words, the last as a prefix, or the id itself)."""
        if self._index_built:
            return self.index
        rows = await self.bot.db.run(queries.title_rows_matching, text)
        return TitleIndex.build(rows)

    # ----- helpers shared with the curation commands --------------------------------------
    def title_choices(
        self, current: str, language: str = "en", *, index: TitleIndex | None = None
    ) -> list[Choice[str]]:
        """Autocomplete: up to 25 records for the typed text (value is the record id), nothing rather than
        noise (``TitleIndex.suggest``); each named in the member's ``language`` first when it has a title in it."""
        index = index or self.index
        matches = index.suggest(current, limit=25) if current.strip() else []
        return [
            Choice(name=clip(self._choice_label(m, language, index), 100), value=m.record_id) for m in matches
        ]

    def _choice_label(self, match: Match, language: str = "en", index: TitleIndex | None = None) -> str:
        """The record's title in ``language`` (else its main title), then the title that matched if another."""
        shown = (index or self.index).title_in(match.record_id, language) or match.title
        return shown if match.matched == shown else f"{shown} — {match.matched}"

    async def record_or_404(self, record_id: str) -> dict[str, Any]:
        record = await self.bot.db.run(store.get_record, record_id.strip())
        if record is None:
            raise NotFound("disclosures.errors.not_found", id=clip(record_id, 80))
        return record

    async def send_record(
        self, interaction: discord.Interaction, record: dict[str, Any], *, ephemeral: bool
    ) -> None:
        t = _text_for(interaction)
        await replies.send(
            interaction,
            embed=record_embed(record, t, language=language_of(interaction.locale)),
            view=record_buttons(record["id"], t),
            ephemeral=ephemeral,
        )

    # ----- member commands ----------------------------------------------------------------
    @app_commands.command(name="lookup", description="Look up a work's AI-disclosure record")
    @app_commands.describe(query="Title in any language (typos are fine)")
    async def lookup(self, interaction: discord.Interaction, query: app_commands.Range[str, 1, 200]) -> None:
        index = await self._index_for(query)
        record_id = query if query in index else None
        matches: list[Match] = []
        if record_id is None:
            matches = index.suggest(query, limit=CLOSEST)
            if (
                matches
                and matches[0].score >= AUTO_PICK_SCORE
                and (len(matches) == 1 or matches[0].score - matches[1].score >= AUTO_PICK_MARGIN)
            ):
                record_id = matches[0].record_id
        if record_id is None:
            await self.offer_closest(interaction, query, matches, index)
            return
        await self.send_record(interaction, await self.record_or_404(record_id), ephemeral=False)

    async def offer_closest(
        self,
        interaction: discord.Interaction,
        query: str,
        matches: list[Match],
        index: TitleIndex | None = None,
    ) -> None:
        t = _text_for(interaction)
        lines = [t("disclosures.lookup.no_match", query=escape_markdown(clip(query, 200)))]
        if matches:
            language = language_of(interaction.locale)
            names = "\n".join(
                f"• {escape_markdown(clip(self._choice_label(m, language, index), 150))} (`{m.record_id}`)"
                for m in matches
            )
            lines.append(t("disclosures.lookup.closest", titles=names))
        else:
            lines.append(t("disclosures.lookup.nothing_close"))
        await replies.ephemeral(interaction, clip("\n".join(lines), 2000))

    @lookup.autocomplete("query")
    async def _lookup_query(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        index = await self._index_for(current) if current.strip() else self.index
        return self.title_choices(current, language_of(interaction.locale), index=index)

    @app_commands.command(
        name="search", description="Search the records by text, medium, company, AI use, status or year"
    )
    @app_commands.describe(
        text="Words in the title, companies or summary",
        medium="Kind of work",
        company="A company involved",
        ai_use="What the AI was used for",
        status="How the AI use was disclosed",
        year_from="Made public in or after this year",
        year_to="Made public in or before this year",
    )
    @app_commands.choices(
        medium=_choices("medium", MEDIUM_NAMES),
        ai_use=_choices("use", USE_NAMES),
        status=_choices("status", STATUS_NAMES),
    )
    async def search(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, 200] | None = None,
        medium: Choice[str] | None = None,
        company: app_commands.Range[str, 1, 120] | None = None,
        ai_use: Choice[str] | None = None,
        status: Choice[str] | None = None,
        year_from: Year | None = None,
        year_to: Year | None = None,
    ) -> None:
        if year_from is not None and year_to is not None and year_from > year_to:
            raise BadInput("disclosures.errors.year_range", start=year_from, end=year_to)
        # Fuzzy title matches (typos, other scripts) join the full-text hits; until the index is built, the
        # full-text hits alone.
        fuzzy = tuple(m.record_id for m in self.index.search(text, limit=50, cutoff=80)) if text else None
        filters = Filters(
            text=text,
            medium=medium.value if medium else None,
            company=clean_input(company, one_line=True) if company else None,
            ai_use=ai_use.value if ai_use else None,
            status=status.value if status else None,
            year_from=year_from,
            year_to=year_to,
            record_ids=fuzzy,
        )
        rows = await self.bot.db.run(queries.search, filters, limit=MAX_RESULTS + 1)
        t = _text_for(interaction)
        if not rows:
            await replies.ephemeral(interaction, t("disclosures.search.empty"))
            return
        note = t("disclosures.search.truncated", count=MAX_RESULTS) if len(rows) > MAX_RESULTS else None
        rows = rows[:MAX_RESULTS]
        pages = result_pages(t("disclosures.search.title", count=len(rows)), rows, t, note=note)
        await Paginator(interaction.user.id, pages).start(interaction)

    @search.autocomplete("company")
    async def _search_company(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return await self.company_choices(current)

    async def company_choices(self, current: str) -> list[Choice[str]]:
        names = await self.bot.db.run(queries.company_names, current)
        return [Choice(name=clip(name, 100), value=clip(name, 100)) for name in names]

    @app_commands.command(name="company", description="Every record involving a company, grouped by role")
    @app_commands.rename(name=locale_str("name", key="cmd.disclosure.company.name_opt.name"))
    @app_commands.describe(
        name=locale_str(
            "Company name (start typing for suggestions)",
            key="cmd.disclosure.company.name_opt.description",
        )
    )
    async def company(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 120]) -> None:
        company, groups = await self.bot.db.run(queries.by_company, clean_input(name, one_line=True))
        if company is None:
            raise NotFound("disclosures.company.not_found", name=escape_markdown(clip(name, 120)))
        await replies.send(interaction, embed=company_embed(company, groups, _text_for(interaction)))

    @company.autocomplete("name")
    async def _company_name(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return await self.company_choices(current)

    @app_commands.command(name="recent", description="The newest records")
    async def recent(self, interaction: discord.Interaction) -> None:
        rows = await self.bot.db.run(queries.recent, limit=10)
        t = _text_for(interaction)
        if not rows:
            await replies.ephemeral(interaction, t("disclosures.recent.empty"))
            return
        await replies.send(interaction, embed=result_pages(t("disclosures.recent.title"), rows, t)[0])

    @app_commands.command(
        name="stats", description="Counts by disclosure status, medium and year, with charts"
    )
    async def stats(self, interaction: discord.Interaction) -> None:
        await replies.defer(interaction)
        counts = await self.bot.db.run(queries.stats)
        t = _text_for(interaction)
        sections = {
            "status": [(t(status_label_key(k)), v) for k, v in counts["status"]],
            "medium": [(t(f"disclosures.medium.{k}"), v) for k, v in counts["medium"]],
            "year": [(k if k != "None" else "?", v) for k, v in counts["year"]],
        }
        total = sum(v for _, v in counts["status"])
        titles = {name: t(f"disclosures.stats.by_{name}") for name in queries.STATS_SECTIONS}
        charts = await asyncio.to_thread(_render_charts, titles, sections)
        embeds, files = [], []
        for name, bars in sections.items():
            lines = [f"{label}: **{value}**" for label, value in bars]
            embed = discord.Embed(
                title=clip(titles[name], 256), description=clip("\n".join(lines), 4000) or "-"
            )
            if name in charts:
                files.append(discord.File(io.BytesIO(charts[name]), filename=f"{name}.png"))
                embed.set_image(url=f"attachment://{name}.png")
            embeds.append(embed)
        embeds[0].set_author(name=clip(t("disclosures.stats.title", count=total), 256))
        await replies.send(interaction, embeds=embeds, files=files)

    async def send_sources(self, interaction: discord.Interaction, record_id: str) -> None:
        record = await self.record_or_404(record_id)
        pages = source_pages(record, _text_for(interaction), language=language_of(interaction.locale))
        await Paginator(interaction.user.id, pages).start(interaction, ephemeral=True)

    # ----- public API for other cogs (alerts) -------------------------------------------
    async def records_mentioned(self, text: str) -> list[dict[str, Any]]:
        """Published records whose title or alternate title appears in ``text``."""
        await self.index_ready.wait()  # alerts can wait the seconds a big index takes to build
        ids = self.index.mentioned(text)
        rows = await self.bot.db.run(queries.summaries, ids)
        return [
            {
                "id": r["id"],
                "title": r["title"],
                "disclosure": r["disclosure"],
                "label_key": status_label_key(r["disclosure"]),
            }
            for r in rows
        ]

    async def show_record(self, interaction: discord.Interaction, record_id: str) -> None:
        """Answer ``interaction`` with the record's embed and buttons, privately."""
        await self.send_record(interaction, await self.record_or_404(record_id), ephemeral=True)

    async def about_counts(self) -> dict[str, int]:
        return {"disclosures.about.records": await self.bot.db.run(store.count_published)}


def _render_charts(titles: dict[str, str], sections: dict[str, list[tuple[str, int]]]) -> dict[str, bytes]:
    """One PNG bar chart per section (runs in a worker thread)."""
    from bot.charts import bar_chart_png

    return {
        name: bar_chart_png(titles[name], [(label, float(v)) for label, v in bars])
        for name, bars in sections.items()
        if bars
    }
