"""The daily privacy job: purge the data of servers Haikei left 30 days ago, and apply every retention period.

It runs in one process at a time, under the ``privacy.daily`` lease (``bot.leases``), after the bot is ready
and then every ``interval`` seconds. The mark that a server removed Haikei is a row in the database
(``guild_removals``), so a restart neither loses nor restarts the count. A server Haikei is in again is
never purged: its mark is cleared when it adds Haikei back (``on_guild_join``), when it becomes available at a
start, and here, if this process sees it.

Each cog purges and prunes its own tables through its hooks (``forget_guild(guild_id)``,
``apply_retention(now)``); the core's own rows go through ``bot.guild_settings``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from bot import guild_settings
from bot.hooks import ApplyRetention, ForgetGuild, hook_name, hooks_of
from bot.leases import Lease
from bot.retention import DAY, GUILD_PURGE_DAYS, PRIVACY_LOG_DAYS, cutoff

if TYPE_CHECKING:
    from bot.client import Haikei

log = logging.getLogger(__name__)
H = TypeVar("H")

LEASE_NAME = "privacy.daily"
LEASE_TTL = 300.0


def add_counts(total: dict[str, int], more: Mapping[str, int]) -> dict[str, int]:
    """Sum counts by key (what each hook reports), leaving out zeros."""
    for key, value in more.items():
        if value:
            total[key] = total.get(key, 0) + int(value)
    return total


async def call_hooks(
    bot: Haikei, hook: type[H], call: Callable[[H], Awaitable[Mapping[str, int]]]
) -> dict[str, int]:
    """``call`` every cog that provides ``hook`` (a ``bot.hooks`` Protocol) and sum what they report. A hook that
    fails is logged and the others still run; the caller learns it from the exception group raised at the end."""
    total: dict[str, int] = {}
    failed: list[Exception] = []
    name = hook_name(hook)
    for cog in hooks_of(bot, hook):
        try:
            add_counts(total, await call(cog))
        except Exception as exc:
            log.exception("Privacy hook %s of %s failed", name, type(cog).__name__)
            failed.append(exc)
    if failed:
        raise ExceptionGroup(f"privacy hook {name} failed in {len(failed)} cog(s)", failed)
    return total


@dataclass
class DailyReport:
    purged: list[int] = field(default_factory=list)  # servers whose data was deleted
    kept: list[int] = field(default_factory=list)  # marked servers Haikei is in again (marks cleared)
    retention: dict[str, int] = field(default_factory=dict)


class DailyJob:
    """``await run_once(now)`` does one round (tests drive it with any clock); ``start()`` loops it daily."""

    def __init__(
        self,
        bot: Haikei,
        *,
        clock: Callable[[], float] = time.time,
        interval: float = DAY,
        lease: Lease | None = None,
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.interval = interval
        self.lease = lease or Lease(bot.db, LEASE_NAME, ttl=LEASE_TTL)
        self._task: asyncio.Task[None] | None = None
        self.rounds = 0

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="privacy-daily")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.lease.release()

    async def _loop(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            ran, _ = await self.lease.attempt(self.run_once, "the daily privacy round")
            if ran:
                self.rounds += 1
            await asyncio.sleep(self.interval)

    async def run_once(self, now: float | None = None) -> DailyReport:
        """Purge every server removed at least GUILD_PURGE_DAYS before ``now``, then apply retention."""
        now = self.clock() if now is None else now
        report = DailyReport()
        due = await self.bot.db.run(guild_settings.removed_before, cutoff(now, GUILD_PURGE_DAYS))
        for guild_id in due:
            if self.bot.get_guild(guild_id) is not None:  # added back while no event told us
                await self.bot.db.run(guild_settings.clear_removed, guild_id)
                report.kept.append(guild_id)
                continue
            try:
                await self.purge(guild_id, now)
            except Exception:  # its mark stays: the next round tries again
                log.exception("Deleting the data of server %s failed; retrying in the next round", guild_id)
                continue
            report.purged.append(guild_id)
        report.retention = await call_hooks(self.bot, ApplyRetention, lambda cog: cog.apply_retention(now))
        add_counts(report.retention, {"privacy_log": await self._prune_log(now)})
        if report.purged or report.retention:
            log.info(
                "Privacy round: purged %d server(s) Haikei left %d days ago; retention: %s",
                len(report.purged),
                GUILD_PURGE_DAYS,
                report.retention or "nothing due",
            )
        return report

    async def purge(self, guild_id: int, now: float) -> dict[str, int]:
        """Delete everything Haikei keeps about one server (each cog's part, then the core's)."""
        counts = await call_hooks(self.bot, ForgetGuild, lambda cog: cog.forget_guild(guild_id))
        add_counts(counts, await self.bot.db.run(guild_settings.forget_guild, guild_id))
        await self.bot.db.run(guild_settings.log_privacy, "server", counts, now, guild_id)
        log.info(
            "Deleted the data of server %s, which removed Haikei %d+ days ago: %s",
            guild_id,
            GUILD_PURGE_DAYS,
            counts,
        )
        return counts

    async def _prune_log(self, now: float) -> int:
        return int(await self.bot.db.run(guild_settings.prune_privacy_log, cutoff(now, PRIVACY_LOG_DAYS)))
