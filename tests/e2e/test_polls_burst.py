"""Votes under load: nobody is told their vote before it is committed, and a slow database never costs a click
its 3-second deadline (the click is acknowledged first, then the receipt replaces the "thinking" response)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot.client import Haikei
from bot.settings import Settings
from cogs.polls import store
from cogs.polls.model import encode_choices
from emulator.emulator import Emulator, SandboxEvent
from tests.cogs.polls.e2e_support import ballots, create
from tests.e2e.helpers import answer_text, assert_clean, custom_ids

pytestmark = pytest.mark.e2e


@asynccontextmanager
async def database_busy(bot: Haikei) -> AsyncIterator[None]:
    """Hold the database thread (as a long query would) until the block ends."""
    release = threading.Event()
    holding = asyncio.ensure_future(bot.db.run(lambda _db: release.wait()))
    try:
        yield
    finally:
        release.set()
        await holding


async def test_a_busy_database_gets_the_click_acknowledged_first(haikei: Haikei, emulator: Emulator) -> None:
    voting = haikei.get_cog("Polls").voting  # type: ignore[union-attr]
    voting.ack_budget = 0.0  # acknowledge as soon as the ballot is not committed at once
    poll_id, message = await create(emulator)
    async with database_busy(haikei):
        click = await emulator.driver.click(message, f"poll:{poll_id}:v:0", user="alice")
        await click.wait()
        assert click.response_type == 5 and click.ephemeral and click.loading  # "thinking…", nothing said yet
    assert (await answer_text(click)).startswith("Your vote: **Yes**")
    assert click.followups == []  # the receipt replaced the deferred response
    assert await ballots(haikei, poll_id) == [[0]]
    assert voting.deferred == 1
    assert_clean(emulator)


async def test_a_ballot_flow_confirmed_while_the_database_is_busy(haikei: Haikei, emulator: Emulator) -> None:
    haikei.get_cog("Polls").voting.ack_budget = 0.0  # type: ignore[union-attr]
    poll_id, message = await create(emulator, options="Red|Green|Blue", method="ranked")
    flow = await emulator.driver.click(message, f"poll:{poll_id}:rank", user="alice")
    await flow.wait()
    await (await emulator.driver.select(flow, custom_ids(flow)[0], ["1"], user="alice")).wait()
    async with database_busy(haikei):
        confirm = await emulator.driver.click(flow, custom_ids(flow)[1], user="alice")
        await confirm.wait()
        assert confirm.response_type == 6 and "Your vote" not in (flow.content or "")  # deferred update
    await flow.wait_until(lambda r: "Your vote" in (r.content or ""))
    assert "1. Green" in (flow.content or "") and flow.components == []
    assert await ballots(haikei, poll_id) == [[1]]
    assert_clean(emulator)


async def test_a_refusal_after_the_acknowledgement_fills_in_the_response(
    haikei: Haikei, emulator: Emulator
) -> None:
    voting = haikei.get_cog("Polls").voting  # type: ignore[union-attr]
    voting.ack_budget = 0.0
    poll_id, message = await create(emulator)
    assert await haikei.db.run(store.close_poll, voting.keys, poll_id, None)
    async with database_busy(haikei):
        click = await emulator.driver.click(message, f"poll:{poll_id}:v:1", user="bob")
        await click.wait()
    assert await answer_text(click) == "This poll is closed; votes are no longer accepted."
    assert click.ephemeral
    assert await ballots(haikei, poll_id) == []
    assert_clean(emulator)


async def test_nobody_is_told_their_vote_before_it_is_committed(
    haikei: Haikei, emulator: Emulator, settings: Settings
) -> None:
    names = [f"burst{i}" for i in range(40)]
    for name in names:
        emulator.world.add_member(emulator.world.add_user(name), roles=["Member"])
    poll_id, message = await create(emulator)
    reader = sqlite3.connect(settings.database_path)  # another connection sees committed rows only
    told_early: list[int] = []
    told: set[int] = set()

    def on_receipt(event: SandboxEvent) -> None:
        """Whenever a member sees "Your vote", their ballot must already be in the database."""
        if event.kind == "interaction_response":
            ids = [int(event.data["interaction_id"])]
        elif event.kind == "message_update":
            ids = list(emulator.message_owners.get(int(event.data["id"]), ()))
        else:
            return
        for interaction_id in ids:
            result = emulator.interactions[interaction_id]
            user_id = int(result.payload["member"]["user"]["id"])
            if "Your vote" not in (result.content or "") or user_id in told:
                continue
            told.add(user_id)
            row = reader.execute(
                "SELECT 1 FROM ballots WHERE poll_id = ? AND user_id = ? AND choices = ?",
                [poll_id, user_id, encode_choices([int(result.label.rsplit(":", 1)[1])])],
            ).fetchone()
            if row is None:
                told_early.append(user_id)

    emulator.subscribe(on_receipt)
    voting = haikei.get_cog("Polls").voting  # type: ignore[union-attr]
    voting.ack_budget = 0.0
    try:
        async with database_busy(haikei):  # nothing can commit: every click is acknowledged, nobody told
            clicks = [
                await emulator.driver.click(message, f"poll:{poll_id}:v:{i % 3}", user=name)
                for i, name in enumerate(names)
            ]
            await emulator.wait_until(lambda: all(c.acknowledged for c in clicks), timeout=10)
            assert told == set()
        answers = await asyncio.gather(*[answer_text(c) for c in clicks])
        assert all(a.startswith("Your vote: **") for a in answers)
        voting.ack_budget = 1.5  # then everyone changes their vote with the database free: one answer each
        told.clear()
        changes = [
            await emulator.driver.click(message, f"poll:{poll_id}:v:{(i + 1) % 3}", user=name)
            for i, name in enumerate(names)
        ]
        answers = await asyncio.gather(*[answer_text(c) for c in changes])
    finally:
        reader.close()
    assert all(a.startswith("Your vote: **") for a in answers)
    assert len(told) == len(names) and told_early == []
    assert sorted(await ballots(haikei, poll_id)) == sorted([[(i + 1) % 3] for i in range(len(names))])
    assert_clean(emulator)
