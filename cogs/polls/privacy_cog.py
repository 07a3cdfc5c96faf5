"""The polls' privacy hooks (read by the privacy cog). A cog of its own with no commands; it works with the
Polls cog's ballot keys and refreshes the messages of open polls a member's ballot left."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.retention import AUDIT_ID_DAYS
from bot.text import clip_lines, untrusted
from cogs.polls import privacy

if TYPE_CHECKING:
    from bot.client import Haikei
    from cogs.polls.cog import Polls

SHOWN = 10


class PollsPrivacy(commands.Cog):
    """Privacy hooks of member polls."""

    feature_key = "polls"

    def __init__(self, bot: Haikei, polls: Polls) -> None:
        self.bot = bot
        self.polls = polls

    async def personal_data(
        self, user_id: int, locale: discord.Locale | str | None = None
    ) -> list[tuple[str, str]]:
        found: dict[str, Any] = await self.bot.db.run(
            partial(privacy.summary, limit=SHOWN), self.polls.keys, user_id
        )

        def t(key: str, /, **params: Any) -> str:
            return self.bot.i18n.text(key, locale, **params)

        lines = [
            t("polls.privacy.open_line", id=poll_id, question=untrusted(question, 80, one_line=True))
            for poll_id, question in found["open"]
        ]
        public = [t("polls.privacy.public_counts", open=found["open_count"], closed=found["closed_count"])]
        if lines:
            public.append(clip_lines(lines, 600))
        public.append(t("polls.privacy.public_kept"))
        out = [
            ("polls.privacy.public_title", "\n".join(public)),
            ("polls.privacy.secret_title", t("polls.privacy.secret_body", count=found["secret_open"])),
        ]
        if found["managed"]:
            days = t("polls.privacy.days", count=AUDIT_ID_DAYS)
            body = t("polls.privacy.managed_body", count=found["managed"], days=days)
            out.append(("polls.privacy.managed_title", body))
        return out

    async def forget_user(self, user_id: int) -> dict[str, int]:
        done = await self.bot.db.run(privacy.forget_voter, self.polls.keys, user_id)
        for poll in await self.bot.db.run(privacy.open_polls, done.removed):
            self.polls.voting.changed(poll)  # the poll message's count (or turnout) follows
        return done.counts()

    async def forget_guild(self, guild_id: int) -> dict[str, int]:
        return await self.bot.db.run(privacy.forget_server, self.polls.keys, guild_id)

    async def stored_guilds(self) -> set[int]:
        return await self.bot.db.run(privacy.stored_servers)

    async def apply_retention(self, now: float) -> dict[str, int]:
        return await self.bot.db.run(privacy.apply_retention, now)
