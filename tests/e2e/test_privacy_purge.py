"""A server that removes Haikei: its data is deleted 30 days later (a controllable clock, no waiting), unless
Haikei is added back — also across restarts, and while the bot was not running."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot import guild_settings
from bot.client import Haikei
from bot.retention import DAY, GUILD_PURGE_DAYS
from bot.settings import Settings
from cogs.alerts import store as alerts
from cogs.alerts import store_items
from cogs.polls import store as polls
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import create
from tests.cogs.privacy.scan import traces
from tests.e2e.helpers import answer_text, assert_clean, custom_ids, running_haikei

pytestmark = pytest.mark.e2e

# What stays of a purged server: where its members' submissions came from (they stay with their members and
# the records' history), and the deletion log's entry naming the server.
KEPT = {("disclosure_submissions", "guild_id"), ("disclosure_audit", "guild_id"), ("privacy_log", "guild_id")}
T0 = time.time()


def job(bot: Haikei) -> Any:
    cog: Any = bot.get_cog("Privacy")
    cog.job.clock = lambda: T0
    return cog.job


def general(emulator: Emulator, guild: Any) -> Any:
    return emulator.world.channel("general", guild=guild)


async def fill(bot: Haikei, emulator: Emulator, guild: Any) -> int:
    """Settings, alerts, and a secret poll with a ballot in ``guild``; returns the poll's id."""
    channel = general(emulator, guild)
    moderators = emulator.world.role("Moderator", guild)
    done = await emulator.driver.command(
        "config modrole", {"role": moderators.id}, user="mod", channel=channel
    )
    await done.wait()
    feed = await bot.db.run(alerts.ensure_feed, "http://127.0.0.1:9/rss")
    await bot.db.run(alerts.subscribe, guild.id, feed, None)
    await bot.db.run(alerts.update_guild, guild.id, channel_id=channel.id)
    await bot.db.run(store_items.insert_alert, {"guild_id": guild.id, "item_key": "k", "title": "A story"})
    poll_id, message = await create(emulator, channel=channel, secret=True)
    voted = await emulator.driver.click(message, f"poll:{poll_id}:v:0", user="alice")
    assert "Your vote" in await answer_text(voted)
    return poll_id


async def removed(bot: Haikei, emulator: Emulator, guild: Any) -> None:
    emulator.gateway.remove_bot(guild)
    cog: Any = bot.get_cog("Privacy")
    await emulator.wait_until(lambda: guild.id in cog._marked and bot.get_guild(guild.id) is None)
    assert await bot.db.run(guild_settings.removed_guilds) == {guild.id: T0}


async def leftovers(bot: Haikei, guild_id: int) -> set[tuple[str, str]]:
    return {(table, column) for table, column, _ in await bot.db.run(lambda db: traces(db.conn, guild_id))}


def leaving_world(emulator: Emulator) -> Any:
    guild = emulator.world.add_guild("Leaving Server", "mod")
    emulator.world.add_member("alice", roles=["Member"], guild=guild)
    return guild


async def test_a_removed_server_is_purged_after_30_days_and_others_are_untouched(
    settings: Settings, emulator: Emulator
) -> None:
    leaving = leaving_world(emulator)
    async with running_haikei(settings, emulator) as bot:
        daily = job(bot)
        gone_poll = await fill(bot, emulator, leaving)
        kept_poll = await fill(bot, emulator, emulator.world.guild)
        opened = await (
            await emulator.driver.command("disclosure submit", channel=general(emulator, leaving))
        ).wait()
        typed = ("Quiet Meadow", "", "Backgrounds", "https://news.example/q", "")
        sent = await emulator.driver.submit_modal(
            opened, dict(zip(custom_ids(opened.modal), typed, strict=True))
        )
        assert "Submission **#1**" in await answer_text(sent)
        polls_cog: Any = bot.get_cog("Polls")
        assert polls_cog.keys.get(gone_poll) is not None
        await removed(bot, emulator, leaving)

        early = await daily.run_once(T0 + GUILD_PURGE_DAYS * DAY - 60)
        assert early.purged == [] and await bot.db.run(polls.get_poll, gone_poll) is not None
        report = await daily.run_once(T0 + GUILD_PURGE_DAYS * DAY)

        assert report.purged == [leaving.id]
        assert await leftovers(bot, leaving.id) == KEPT
        assert polls_cog.keys.get(gone_poll) is None  # the secret poll's key is destroyed with it
        assert await bot.db.run(guild_settings.removed_guilds) == {}
        # the other server keeps everything
        stays = emulator.world.guild.id
        assert (await bot.db.run(guild_settings.get, stays))["mod_role_id"] is not None
        assert (
            await bot.db.run(polls.ballot_count, kept_poll) == 1 and polls_cog.keys.get(kept_poll) is not None
        )
        assert (
            await bot.db.run(alerts.guild_feeds, stays)
            and await bot.db.run(lambda db: db.table("alerts_posted").count_where("guild_id = ?", [stays]))
            == 1
        )
        log = await bot.db.run(lambda db: list(db["privacy_log"].rows))
        assert [(r["subject"], r["guild_id"]) for r in log] == [("server", leaving.id)]
        assert (await daily.run_once(T0 + 40 * DAY)).purged == []  # once only
    assert_clean(emulator)


async def test_a_server_that_adds_haikei_back_keeps_its_data(settings: Settings, emulator: Emulator) -> None:
    leaving = leaving_world(emulator)
    async with running_haikei(settings, emulator) as bot:
        daily = job(bot)
        poll_id = await fill(bot, emulator, leaving)
        await removed(bot, emulator, leaving)
        emulator.gateway.add_bot(leaving)
        await emulator.wait_until(lambda: bot.get_guild(leaving.id) is not None)
        cog: Any = bot.get_cog("Privacy")
        await emulator.wait_until(lambda: leaving.id not in cog._marked)
        assert await bot.db.run(guild_settings.removed_guilds) == {}
        assert (await daily.run_once(T0 + 60 * DAY)).purged == []
        assert await bot.db.run(polls.ballot_count, poll_id) == 1


async def test_the_purge_survives_restarts_and_sees_what_happened_while_offline(
    settings: Settings, emulator: Emulator
) -> None:
    leaving = leaving_world(emulator)
    returning = emulator.world.add_guild("Returning Server", "mod")
    offline = emulator.world.add_guild("Offline Server", "mod")
    for guild in (returning, offline):
        emulator.world.add_member("alice", roles=["Member"], guild=guild)
    async with running_haikei(settings, emulator) as bot:
        job(bot)
        await fill(bot, emulator, leaving)
        returning_poll = await fill(bot, emulator, returning)
        await fill(bot, emulator, offline)
        await removed(bot, emulator, leaving)
        emulator.gateway.remove_bot(returning)
        await emulator.wait_until(lambda: bot.get_guild(returning.id) is None)
    # While Haikei is not running, one server adds it back and another removes it: no event tells it.
    emulator.world.add_bot(returning)
    emulator.world.remove_bot(offline)
    async with running_haikei(settings, emulator) as bot:
        daily = job(bot)
        cog: Any = bot.get_cog("Privacy")
        assert bot.get_guild(leaving.id) is None and bot.get_guild(returning.id) is not None
        await emulator.wait_until(lambda: returning.id not in cog._marked and offline.id in cog._marked)
        assert set(await bot.db.run(guild_settings.removed_guilds)) == {leaving.id, offline.id}
        report = await daily.run_once(T0 + 31 * DAY)
        assert report.purged == [leaving.id, offline.id]
        for gone in (leaving.id, offline.id):
            assert await leftovers(bot, gone) <= KEPT
        assert await bot.db.run(polls.ballot_count, returning_poll) == 1
    assert_clean(emulator)
