"""/alerts: moderators pick a channel and feeds; the poller posts relevant AI-in-anime stories there."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import Choice, locale_str
from discord.ext import commands

from bot.checks import guild_id_of, is_moderator, moderator_only, staff_group
from bot.errors import BadInput, NotFound, UserFacingError
from bot.options import parse_row_id
from bot.replies import ephemeral, text
from bot.text import clean_input, clip
from bot.ui.paginator import Paginator
from cogs.alerts import recommended, store, store_items
from cogs.alerts.embeds import INFO_COLOUR, feed_pages, why_embed
from cogs.alerts.failures import story_url_problem
from cogs.alerts.fetch import FeedFetcher
from cogs.alerts.identity import canonical_url
from cogs.alerts.migrations import alerts as alerts_migrations
from cogs.alerts.poller import Poller
from cogs.alerts.probe import probe
from cogs.alerts.publisher import DiscordPublisher
from cogs.alerts.relevance import MODES, Keywords, normalise
from cogs.alerts.render import public_address, safe_text
from cogs.alerts.rights import feed_label, require_ping_rights, require_posting_rights, stored_role
from cogs.alerts.views import DYNAMIC_ITEMS, SubscribeRecommendedButton

if TYPE_CHECKING:
    from bot.client import Haikei, Interaction

log = logging.getLogger(__name__)

KEYWORDS_PATH = Path(__file__).resolve().parents[2] / "data" / "keywords.toml"
NEEDED_PERMISSIONS = ("view_channel", "send_messages", "embed_links")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_TERM = 60
MAX_TERMS = 50
DIGEST_MODES = ("off", "daily")  # /alerts digest: each alert as it comes, or one digest a day


def _choices(values: tuple[str, ...]) -> list[Choice[str]]:
    return [Choice(name=locale_str(value, key=f"alerts.choice.{value}"), value=value) for value in values]


class Alerts(commands.Cog):
    """News alerts: feeds, relevance, clustering and the poller's lifecycle."""

    feature_key = "alerts"
    dynamic_items = DYNAMIC_ITEMS

    def __init__(self, bot: Haikei, *, keywords: Keywords | None = None) -> None:
        self.bot = bot
        self.keywords = keywords or Keywords.load(KEYWORDS_PATH)
        self.recommended = recommended.load(bot.settings.recommended_feeds_path)
        self.fetcher = FeedFetcher(bot.settings.feed_allow_hosts)
        self.publisher = DiscordPublisher(bot)
        self.poller = Poller(
            bot.db, self.fetcher, self.publisher, self.keywords, interval=bot.settings.feed_poll_seconds
        )

    async def cog_load(self) -> None:
        await self.bot.db.migrate(alerts_migrations)
        await self.bot.db.run(store_items.prune)
        self.poller.start()

    async def cog_unload(self) -> None:
        await self.poller.stop()
        await self.fetcher.close()

    # ------------------------------------------------------------ hooks read by the core

    async def about_counts(self) -> dict[str, int]:
        return {"alerts.about.feeds": await self.bot.db.run(store.count_feeds)}

    async def config_fields(
        self, guild_id: int, locale: discord.Locale | str | None = None
    ) -> list[tuple[str, str | None]]:
        """Shown by /config show, in ``locale`` (default: the server's language)."""
        row = await self.bot.db.run(store.get_guild, guild_id)
        if locale is None:
            guild = self.bot.get_guild(guild_id)
            locale = guild.preferred_locale if guild is not None else None
        channel = f"<#{row['channel_id']}>" if row["channel_id"] else None
        paused = "alerts.config.paused_yes" if row["paused"] else "alerts.config.paused_no"
        return [
            ("alerts.config.channel", channel),
            ("alerts.config.paused", self.bot.i18n.text(paused, locale)),
            ("alerts.config.relevance", self.bot.i18n.text(f"alerts.choice.{row['relevance']}", locale)),
        ]

    # ------------------------------------------------------------ helpers

    async def _guild_feed(self, interaction: Interaction, value: str) -> dict[str, Any]:
        try:
            feed_id = parse_row_id(value)
        except BadInput:
            raise NotFound("alerts.errors.feed_not_found", feed=safe_text(value, 100)) from None
        feed = await self.bot.db.run(store.guild_feed, guild_id_of(interaction), feed_id)
        if feed is None:
            raise NotFound("alerts.errors.feed_not_found", feed=safe_text(value, 100))
        return feed

    async def feed_autocomplete(self, interaction: Interaction, current: str) -> list[Choice[str]]:
        """This server's feeds, for its moderators only; what is typed is matched against what is shown (number
        and name), never against the address, whose query may hold a private feed's token."""
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []
        feeds = await self.bot.db.run(store.guild_feeds, interaction.guild_id)
        needle = normalise(current)
        out: list[Choice[str]] = []
        for feed in feeds:
            shown = f"#{feed['id']} {feed_label(feed)}"
            if needle and needle not in normalise(shown):
                continue
            out.append(Choice(name=clip(shown, 100), value=str(feed["id"])))
            if len(out) == 25:
                break
        return out

    async def keyword_autocomplete(self, interaction: Interaction, current: str) -> list[Choice[str]]:
        """This server's terms and exclusions, for its moderators only."""
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []
        words = await self.bot.db.run(store.list_keywords, interaction.guild_id)
        needle = normalise(current)
        return [
            Choice(name=clip(w["term"], 100), value=w["term"][:100])
            for w in words
            if needle in normalise(w["term"])
        ][:25]

    # ------------------------------------------------------------ commands

    group = staff_group("alerts", "News alerts about AI in anime, manga and art (moderators)")
    keywords_group = app_commands.Group(
        name="keywords", description="This server's extra terms and exclusions", parent=group
    )

    @group.command(name="channel", description="Set the channel alerts are posted in")
    @app_commands.describe(
        channel="Where alerts go (I need View Channel, Send Messages and Embed Links there)"
    )
    @moderator_only()
    async def channel(self, interaction: Interaction, channel: discord.TextChannel) -> None:
        settings = await self.bot.db.run(store.get_guild, guild_id_of(interaction))
        # The moderator's rights first: nothing is said about the bot's in a channel they cannot see.
        require_posting_rights(interaction, channel.id, stored_role(interaction, settings["mention_role_id"]))
        me = interaction.guild.me if interaction.guild else None
        if me is not None:
            perms = channel.permissions_for(me)
            missing = [p for p in NEEDED_PERMISSIONS if not getattr(perms, p)]
            if missing:
                names = ", ".join(text(interaction, f"alerts.permission.{p}") for p in missing)
                raise UserFacingError(
                    "alerts.errors.missing_permissions", channel=channel.mention, permissions=names
                )
        await self.bot.db.run(store.update_guild, guild_id_of(interaction), channel_id=channel.id)
        log.info("Guild %s set alert channel %s", interaction.guild_id, channel.id)
        view = discord.ui.View(timeout=None)
        view.add_item(SubscribeRecommendedButton(text(interaction, "alerts.channel.subscribe_button")))
        await ephemeral(
            interaction,
            text(interaction, "alerts.channel.done", channel=channel.mention, count=len(self.recommended)),
            view=view,
        )

    @group.command(name="add", description="Subscribe to a news feed (RSS or Atom)")
    @app_commands.describe(
        url="The feed's http(s) address", name="A short name shown on alerts (default: the feed's title)"
    )
    @moderator_only()
    async def add(self, interaction: Interaction, url: str, name: str | None = None) -> None:
        url, result, parsed, keys = await probe(self, interaction, url)
        label = (
            clean_input(name or "", one_line=True)[:100]
            or clean_input(parsed.title or "", one_line=True)
            or public_address(url)[:100]  # alerts show it as their source: never a private feed's token
        )
        seen = [(k, canonical_url(i.link), i.title) for k, i in zip(keys, parsed.items, strict=True)]
        added, feed_id = await self.bot.db.run(
            store_items.subscribe_after_probe,
            guild_id_of(interaction),
            url,
            label,
            title=parsed.title,
            seen=seen,
            etag=result.etag,
            last_modified=result.last_modified,
            next_due=self.poller.next_due(),
        )
        key = "alerts.add.done" if added else "alerts.add.already"
        await ephemeral(
            interaction,
            text(
                interaction,
                key,
                title=safe_text(parsed.title or label, 200),
                count=len(parsed.items),
                feed_id=feed_id,
            ),
        )

    @group.command(name="remove", description="Unsubscribe from a feed")
    @app_commands.describe(feed="The feed to remove")
    @app_commands.autocomplete(feed=feed_autocomplete)
    @moderator_only()
    async def remove(self, interaction: Interaction, feed: str) -> None:
        row = await self._guild_feed(interaction, feed)
        await self.bot.db.run(store.unsubscribe, guild_id_of(interaction), row["id"])
        await ephemeral(
            interaction,
            text(interaction, "alerts.remove.done", name=safe_text(row.get("name") or row["url"], 200)),
        )

    @group.command(name="enable", description="Re-enable a feed that was disabled after repeated failures")
    @app_commands.describe(feed="The feed to enable")
    @app_commands.autocomplete(feed=feed_autocomplete)
    @moderator_only()
    async def enable(self, interaction: Interaction, feed: str) -> None:
        row = await self._guild_feed(interaction, feed)
        await self.bot.db.run(store.enable_feed, row["id"])
        await ephemeral(
            interaction,
            text(interaction, "alerts.enable.done", name=safe_text(row.get("name") or row["url"], 200)),
        )

    @group.command(name="feeds", description="List this server's feeds and their health")
    @moderator_only()
    async def feeds(self, interaction: Interaction) -> None:
        rows = await self.bot.db.run(store.guild_feeds, guild_id_of(interaction))
        if not rows:
            await ephemeral(interaction, text(interaction, "alerts.feeds.empty"))
            return
        pages = feed_pages(rows, lambda key, **p: text(interaction, key, **p))
        await Paginator(interaction.user.id, pages).start(interaction, ephemeral=True)

    @keywords_group.command(
        name="add", description="Add a term alerts should match, or one that excludes a story"
    )
    @app_commands.describe(
        term="A word or phrase (English or Japanese)", exclude="True: stories with this term are never posted"
    )
    @moderator_only()
    async def keywords_add(self, interaction: Interaction, term: str, exclude: bool = False) -> None:
        clean = clean_input(term, one_line=True)
        if not clean or len(clean) > MAX_TERM:
            raise BadInput("alerts.errors.bad_term", count=MAX_TERM)
        existing = await self.bot.db.run(store.list_keywords, guild_id_of(interaction))
        if len(existing) >= MAX_TERMS and clean not in {w["term"] for w in existing}:
            raise BadInput("alerts.errors.too_many_terms", count=MAX_TERMS)
        changed = await self.bot.db.run(store.add_keyword, guild_id_of(interaction), clean, exclude)
        key = (
            ("alerts.keywords.excluded" if exclude else "alerts.keywords.added")
            if changed
            else "alerts.keywords.exists"
        )
        await ephemeral(interaction, text(interaction, key, term=safe_text(clean, 100)))

    @keywords_group.command(name="remove", description="Remove one of this server's terms")
    @app_commands.describe(term="The term to remove")
    @app_commands.autocomplete(term=keyword_autocomplete)
    @moderator_only()
    async def keywords_remove(self, interaction: Interaction, term: str) -> None:
        if not await self.bot.db.run(
            store.remove_keyword, guild_id_of(interaction), clean_input(term, one_line=True)
        ):
            raise NotFound("alerts.errors.term_not_found", term=safe_text(term, 100))
        await ephemeral(interaction, text(interaction, "alerts.keywords.removed", term=safe_text(term, 100)))

    @keywords_group.command(name="list", description="Show this server's extra terms and exclusions")
    @moderator_only()
    async def keywords_list(self, interaction: Interaction) -> None:
        words = await self.bot.db.run(store.list_keywords, guild_id_of(interaction))
        terms = ", ".join(safe_text(w["term"], 100) for w in words if not w["exclude"]) or "—"
        excluded = ", ".join(safe_text(w["term"], 100) for w in words if w["exclude"]) or "—"
        embed = discord.Embed(title=text(interaction, "alerts.keywords.title"), colour=INFO_COLOUR)
        embed.add_field(
            name=text(interaction, "alerts.keywords.terms"), value=clip(terms, 1024), inline=False
        )
        embed.add_field(
            name=text(interaction, "alerts.keywords.exclusions"), value=clip(excluded, 1024), inline=False
        )
        embed.set_footer(text=text(interaction, "alerts.keywords.curated"))
        await ephemeral(interaction, embed=embed)

    @group.command(name="relevance", description="How strict matching is: strict, broad or all")
    @app_commands.describe(mode="strict: AI + anime/art terms; broad: any AI term; all: every item")
    @app_commands.choices(mode=_choices(MODES))
    @moderator_only()
    async def relevance(self, interaction: Interaction, mode: str) -> None:
        if mode not in MODES:
            raise BadInput("alerts.errors.bad_mode")
        await self.bot.db.run(store.update_guild, guild_id_of(interaction), relevance=mode)
        await ephemeral(interaction, text(interaction, f"alerts.relevance.{mode}"))

    @group.command(name="mention", description="Ping a role with each alert, or nobody")
    @app_commands.describe(role="The role to ping; leave empty for no ping")
    @moderator_only()
    async def mention(self, interaction: Interaction, role: discord.Role | None = None) -> None:
        if role is not None and (role.is_default() or role.managed):
            raise BadInput("alerts.errors.bad_role")
        if role is not None:
            # Pinged in the alert channel (the one set, else this one, where it is likely to be set next).
            settings = await self.bot.db.run(store.get_guild, guild_id_of(interaction))
            require_ping_rights(interaction, settings["channel_id"] or interaction.channel_id or 0, role)
        await self.bot.db.run(
            store.update_guild, guild_id_of(interaction), mention_role_id=role.id if role else None
        )
        if role is None:
            await ephemeral(interaction, text(interaction, "alerts.mention.none"))
        else:
            await ephemeral(interaction, text(interaction, "alerts.mention.role", role=role.mention))

    @group.command(name="digest", description="Post alerts as they come, or once a day as a digest")
    @app_commands.describe(
        mode="off: post each alert; daily: one digest a day", time="For daily: the time in UTC, HH:MM"
    )
    @app_commands.choices(mode=_choices(DIGEST_MODES))
    @moderator_only()
    async def digest(self, interaction: Interaction, mode: str, time: str | None = None) -> None:
        if mode == "off":
            await self.bot.db.run(store.update_guild, guild_id_of(interaction), digest_time=None)
            await ephemeral(interaction, text(interaction, "alerts.digest.off"))
            return
        match = _HHMM.match((time or "").strip())
        if mode != "daily" or match is None:
            raise BadInput("alerts.errors.bad_time", value=clip(time or "", 20))
        hhmm = f"{int(match.group(1)):02d}:{match.group(2)}"
        await self.bot.db.run(store.update_guild, guild_id_of(interaction), digest_time=hhmm)
        await ephemeral(interaction, text(interaction, "alerts.digest.daily", time=hhmm))

    @group.command(name="pause", description="Stop posting alerts (feeds keep being read, nothing piles up)")
    @moderator_only()
    async def pause(self, interaction: Interaction) -> None:
        await self.bot.db.run(store.update_guild, guild_id_of(interaction), paused=1)
        await ephemeral(interaction, text(interaction, "alerts.pause.done"))

    @group.command(name="resume", description="Start posting alerts again")
    @moderator_only()
    async def resume(self, interaction: Interaction) -> None:
        await self.bot.db.run(store.update_guild, guild_id_of(interaction), paused=0)
        await ephemeral(interaction, text(interaction, "alerts.resume.done"))

    @group.command(name="test", description="Post a sample alert in the alert channel")
    @moderator_only()
    async def test(self, interaction: Interaction) -> None:
        guild = await self.bot.db.run(store.get_guild, guild_id_of(interaction))
        if not guild["channel_id"]:
            raise UserFacingError("alerts.errors.no_channel")
        require_posting_rights(
            interaction, guild["channel_id"], stored_role(interaction, guild["mention_role_id"])
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        public = self.publisher.text_for(guild["guild_id"])  # in the server's language, as real alerts are
        sample = {
            "guild_id": interaction.guild_id,
            "title": public("alerts.test.title"),
            "url": "https://example.com/haikei-sample-alert",
            "summary": public("alerts.test.summary"),
            "source": "Haikei",
            "published": discord.utils.utcnow().isoformat(),
            "members": [],
        }
        try:
            await self.publisher.post_alert(guild, sample)
        except discord.HTTPException as exc:
            raise UserFacingError("alerts.errors.post_failed", error=clip(str(exc), 200)) from None
        await ephemeral(
            interaction, text(interaction, "alerts.test.done", channel=f"<#{guild['channel_id']}>")
        )

    @group.command(name="why", description="Explain what happened to a story's link")
    @app_commands.describe(url="The story's link")
    @moderator_only()
    async def why(self, interaction: Interaction, url: str) -> None:
        problem = story_url_problem(url)
        canonical = canonical_url(url.strip()) if problem is None else None
        if canonical is None:
            code, params = problem or ("unreadable", {})
            safe = {name: safe_text(value, 300) for name, value in params.items()}
            reason = text(interaction, f"alerts.story_url.{code}", **safe)
            raise BadInput("alerts.errors.bad_story_url", reason=reason)
        info = await self.bot.db.run(store_items.why, guild_id_of(interaction), canonical)
        await ephemeral(
            interaction, embed=why_embed(canonical, info, lambda key, **p: text(interaction, key, **p))
        )
