"""Polls across restarts and under load: old buttons keep working, overdue polls close at start, bursts."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.settings import Settings
from cogs.polls import store
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import ballots, create, poll_message
from tests.e2e.helpers import answer_text, assert_clean, running_haikei

pytestmark = pytest.mark.e2e


async def test_old_buttons_work_after_a_restart(settings: Settings, emulator: Emulator) -> None:
    async with running_haikei(settings, emulator):
        poll_id, message = await create(emulator)
    async with running_haikei(settings, emulator) as bot:
        vote = await emulator.driver.click(message, f"poll:{poll_id}:v:2", user="alice")
        assert "Your vote: **Abstain**" in await answer_text(vote)
        assert await ballots(bot, poll_id) == [[2]]
    assert_clean(emulator)


async def test_overdue_poll_is_closed_at_start(settings: Settings, emulator: Emulator) -> None:
    async with running_haikei(settings, emulator) as bot:
        poll_id, message = await create(emulator)
        await answer_text(await emulator.driver.click(message, f"poll:{poll_id}:v:1", user="alice"))
        await bot.db.run(
            lambda db: db.execute("UPDATE polls SET closes_at = ? WHERE id = ?", [time.time() - 60, poll_id])
        )
        bot.get_cog("Polls").scheduler.stop()  # type: ignore[union-attr]  # "down" before the deadline passed
    async with running_haikei(settings, emulator) as bot:
        await emulator.wait_until(
            lambda: any(m.get("attachments") for m in emulator.messages("general")), timeout=5
        )
        poll = await bot.db.run(store.get_poll, poll_id)
        assert poll is not None and not poll.is_open
        result = emulator.messages("general")[-1]
        assert "🏆 Result: **No**" in result["embeds"][0]["description"]
        assert poll_message(emulator, poll_id)["components"] == []
    assert_clean(emulator)


async def test_scheduler_closes_at_the_deadline(settings: Settings, emulator: Emulator) -> None:
    async with running_haikei(settings, emulator) as bot:
        poll_id, _ = await create(emulator, method="ranked", options="A|B|C")
        await bot.db.run(
            lambda db: db.execute("UPDATE polls SET closes_at = ? WHERE id = ?", [time.time() + 0.3, poll_id])
        )
        bot.get_cog("Polls").scheduler.wake()  # type: ignore[union-attr]
        await emulator.wait_until(
            lambda: any(m.get("attachments") for m in emulator.messages("general")), timeout=5
        )
        assert "No votes were cast" in emulator.messages("general")[-1]["embeds"][0]["description"]


async def test_concurrent_clicks_leave_one_ballot_per_member(settings: Settings, emulator: Emulator) -> None:
    names = [f"member{i}" for i in range(60)]
    for name in names:
        emulator.world.add_member(emulator.world.add_user(name), roles=["Member"])
    async with running_haikei(settings, emulator) as bot:
        poll_id, message = await create(emulator)
        clicks = [
            await emulator.driver.click(message, f"poll:{poll_id}:v:{(i + n) % 3}", user=name)
            for n in range(3)
            for i, name in enumerate(names)
        ]
        await asyncio.gather(*[c.wait(timeout=10) for c in clicks])
        assert all(c.acknowledged for c in clicks)
        stored = await ballots(bot, poll_id)
        assert len(stored) == len(names)
        assert sorted(stored) == sorted(
            [[(i + 2) % 3] for i in range(len(names))]
        )  # each member's last click
    assert_clean(emulator)
