"""Fan-out: servers decided and posted to concurrently (bounded), edits coalesced and sent in the background."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.pacing import Lane, current_lane
from cogs.alerts.fanout import SERVERS_AT_ONCE, EditQueue, each
from tests.cogs.alerts.feedserver import FeedServer, rss
from tests.cogs.alerts.test_poller import FakePublisher, Harness, story


class Edits:
    """An edit function that records what it was given, in which lane, and can hold an alert's edit."""

    def __init__(self) -> None:
        self.done: list[tuple[int, Any]] = []
        self.lanes: set[Lane] = set()
        self.held: dict[int, asyncio.Event] = {}
        self.started: dict[int, asyncio.Event] = {}
        self.at_once: dict[int, int] = {}
        self.worst = 0
        self.fail: set[int] = set()
        self.finished: dict[int, asyncio.Event] = {}

    def finished_event(self, alert_id: int) -> asyncio.Event:
        return self.finished.setdefault(alert_id, asyncio.Event())

    async def __call__(self, alert: dict[str, Any]) -> None:
        alert_id = alert["id"]
        self.lanes.add(current_lane())
        self.at_once[alert_id] = self.at_once.get(alert_id, 0) + 1
        self.worst = max(self.worst, self.at_once[alert_id])
        self.started.setdefault(alert_id, asyncio.Event()).set()
        try:
            if alert_id in self.held:
                await self.held[alert_id].wait()
            if alert_id in self.fail:
                raise RuntimeError("Discord said no")
            self.done.append((alert_id, alert.get("members")))
        finally:
            self.at_once[alert_id] -= 1
            self.finished_event(alert_id).set()


async def test_edits_of_one_alert_queued_meanwhile_become_one_edit_with_the_newest_state() -> None:
    edits = Edits()
    queue = EditQueue(edits)
    queue.submit([{"id": 1, "members": ["B"]}, {"id": 2, "members": ["B"]}])
    queue.submit([{"id": 1, "members": ["B", "C"]}])  # before any edit went out
    await queue.join()
    assert sorted(edits.done) == [(1, ["B", "C"]), (2, ["B"])]
    assert (queue.submitted, queue.coalesced, queue.edited, queue.failed) == (3, 1, 2, 0)
    assert edits.lanes == {Lane.BACKGROUND}  # behind every post and command


async def test_an_alert_is_never_edited_twice_at_once_and_a_later_state_still_goes_out() -> None:
    edits = Edits()
    edits.held[1] = asyncio.Event()
    queue = EditQueue(edits, workers=3)
    queue.submit([{"id": 1, "members": ["B"]}])
    edits.started.setdefault(1, asyncio.Event())
    await edits.started[1].wait()
    queue.submit([{"id": 1, "members": ["B", "C"]}, {"id": 2, "members": ["B"]}])
    await asyncio.wait_for(edits.finished_event(2).wait(), 5)
    assert len(queue) == 2  # alert 1: one edit in flight, the newer one waiting for it
    edits.held[1].set()
    await queue.join()
    assert [e for e in edits.done if e[0] == 1] == [(1, ["B"]), (1, ["B", "C"])]
    assert edits.worst == 1 and len(queue) == 0


async def test_a_failed_edit_is_counted_and_the_others_go_out(caplog: pytest.LogCaptureFixture) -> None:
    edits = Edits()
    edits.fail.add(2)
    queue = EditQueue(edits)
    queue.submit([{"id": i} for i in (1, 2, 3)])
    await queue.join()
    assert sorted(i for i, _ in edits.done) == [1, 3]
    assert (queue.edited, queue.failed) == (2, 1)
    assert "Could not edit alert 2" in caplog.text


async def test_a_stopped_client_sends_nothing_more() -> None:
    edits = Edits()
    queue = EditQueue(edits, stopped=lambda: True)
    queue.submit([{"id": 1}])
    await queue.join()
    assert edits.done == []


async def test_each_runs_every_item_a_bounded_number_at_once(caplog: pytest.LogCaptureFixture) -> None:
    running, peak, seen = 0, 0, []

    async def work(item: int) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0)
        running -= 1
        if item == 7:
            raise ValueError("boom")
        seen.append(item)

    with caplog.at_level(logging.ERROR):
        await each(range(20), work, limit=4, what=lambda i: f"item {i}")
    assert sorted(seen) == [i for i in range(20) if i != 7]
    assert peak == 4
    assert "item 7 failed" in caplog.text


class GatedPublisher(FakePublisher):
    """Holds every post until SERVERS_AT_ONCE of them are in flight together."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = 0
        self.peak = 0
        self.gate = asyncio.Event()

    async def post_alert(self, guild: dict[str, Any], alert: dict[str, Any]) -> int | None:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        if self.in_flight >= SERVERS_AT_ONCE:
            self.gate.set()
        await self.gate.wait()
        self.in_flight -= 1
        return await super().post_alert(guild, alert)


async def test_the_poller_posts_to_many_servers_at_once(tmp_path: Path, feed_server: FeedServer) -> None:
    harness = Harness(tmp_path / "alerts.db", feed_server)
    harness.publisher = GatedPublisher()
    await harness.open()
    try:
        feed_server.documents["/rss"] = rss([])
        guilds = [5000 + i for i in range(SERVERS_AT_ONCE + 4)]
        for guild_id in guilds:
            await harness.setup_guild(guild_id)
            await harness.subscribe("/rss", "Local", guild_id)
        await harness.cycle()
        feed_server.documents["/rss"] = rss([story(1)])
        report = await asyncio.wait_for(
            harness.cycle(), 30
        )  # posting one server at a time never opens the gate
        assert report.posted == len(guilds)
        assert sorted(g for g, _ in harness.publisher.posts) == guilds
        assert harness.publisher.peak == SERVERS_AT_ONCE
    finally:
        await harness.close()
