"""The disclosures' privacy hooks (read by the privacy cog): what names a member, forgetting them, purging a
server, retention. A cog of its own with no commands, so the records' cogs stay as they are."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.retention import AUDIT_ID_DAYS, SUBMISSION_NOTES_DAYS
from bot.text import clip_lines, untrusted
from cogs.disclosures import privacy

if TYPE_CHECKING:
    from bot.client import Haikei

SHOWN = 10


class DisclosuresPrivacy(commands.Cog):
    """Privacy hooks of the AI-disclosure records."""

    feature_key = "disclosures"

    def __init__(self, bot: Haikei) -> None:
        self.bot = bot

    async def personal_data(
        self, user_id: int, locale: discord.Locale | str | None = None
    ) -> list[tuple[str, str]]:
        found: dict[str, Any] = await self.bot.db.run(partial(privacy.summary, limit=SHOWN), user_id)

        def t(key: str, /, **params: Any) -> str:
            return self.bot.i18n.text(key, locale, **params)

        lines = [
            t(
                "disclosures.mine.line",
                id=row["id"],
                kind=t(f"disclosures.mine.kind.{row['kind']}"),
                state=t(f"disclosures.mine.state.{row['state']}"),
                date=(row["created_at"] or "")[:10],
                title=untrusted(row["title"] or "", 80, one_line=True),
            )
            for row in found["submissions"]
        ]
        if found["total"] > len(lines):
            lines.append(t("disclosures.privacy.more", count=found["total"] - len(lines)))
        submitted = clip_lines(lines, 700) if lines else t("disclosures.privacy.none")
        notes = t("disclosures.privacy.days", count=SUBMISSION_NOTES_DAYS)
        out = [
            ("disclosures.privacy.submissions", submitted + "\n" + t("disclosures.privacy.kept", days=notes))
        ]
        audit = found["audit"]
        if audit or found["decided"]:
            roles = ", ".join(
                t("disclosures.privacy.as_role", role=t(f"disclosures.history.role.{role}"), count=n)
                for role, n in sorted(audit.items())
            )
            days = t("disclosures.privacy.days", count=AUDIT_ID_DAYS)
            body = t("disclosures.privacy.audit_body", roles=roles or "—", days=days)
            out.append(("disclosures.privacy.audit_title", body))
        return out

    async def forget_user(self, user_id: int) -> dict[str, int]:
        return await self.bot.db.run(privacy.forget_member, user_id)

    async def forget_guild(self, guild_id: int) -> dict[str, int]:
        return await self.bot.db.run(privacy.forget_server, guild_id)

    async def apply_retention(self, now: float) -> dict[str, int]:
        return await self.bot.db.run(privacy.apply_retention, now)
