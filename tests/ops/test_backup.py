"""`haikei backup` during a vote burst, then `haikei restore`, both as processes, against the real bot.

What "no acknowledged vote lost" can mean for a backup taken mid-burst: the copy is the database at one
instant inside the backup process, so every vote acknowledged before that process started must be in it;
votes acknowledged while it ran may or may not be; nothing else can be.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import time
from pathlib import Path

import pytest

from bot.db import open_database
from bot.settings import Settings
from bot.upgrades import migration_sets, schema_status, step_names
from emulator.emulator import Emulator
from emulator.interactions import InteractionResult
from tests.cogs.polls.e2e_support import create
from tests.e2e.helpers import answer_text, running_haikei
from tests.ops.support import env_for, haikei

pytestmark = pytest.mark.e2e
MAX_MEMBERS = 20_000
BATCH = 25  # clicks in flight at once


def ballot_user_ids(path: Path, poll_id: int) -> set[int]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT user_id FROM ballots WHERE poll_id = ?", [poll_id]).fetchall()
    finally:
        conn.close()
    return {row[0] for row in rows}


def kept_copies(directory: Path) -> list[Path]:
    """The databases restore set aside."""
    return sorted(directory.glob("haikei.before-restore-*.db"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Burst:
    """Members click a poll's buttons, ``BATCH`` at a time, until stopped; every click is kept with its user."""

    def __init__(self, emulator: Emulator, message: dict, poll_id: int) -> None:
        self.emulator, self.message, self.poll_id = emulator, message, poll_id
        self.clicks: list[tuple[int, InteractionResult]] = []
        self.stop = asyncio.Event()

    async def run(self) -> None:
        world = self.emulator.world
        for start in range(0, MAX_MEMBERS, BATCH):
            if self.stop.is_set():
                return
            batch = []
            for i in range(start, start + BATCH):  # a new member for each vote: one vote is one ballot
                user = world.add_user(f"b{i}")
                world.add_member(user, roles=["Member"])
                custom_id = f"poll:{self.poll_id}:v:{i % 3}"
                batch.append(
                    (user.id, await self.emulator.driver.click(self.message, custom_id, user=user.id))
                )
            self.clicks += batch
            await asyncio.gather(*(result.wait(timeout=20) for _, result in batch))
        raise AssertionError("the burst ran out of members before the test stopped it")

    def acked(self, before: float = float("inf"), after: float = 0.0) -> set[int]:
        return {
            user_id
            for user_id, r in self.clicks
            if r.acked_at is not None and after <= r.acked_at < before and "Your vote" in (r.content or "")
        }


async def test_backup_mid_burst_then_restore(emulator: Emulator, settings: Settings, tmp_path: Path) -> None:
    env = env_for(settings)
    backups = tmp_path / "backups"
    backups.mkdir()
    async with running_haikei(settings, emulator):
        poll_id, message = await create(emulator)
        burst = Burst(emulator, message, poll_id)
        voting = asyncio.create_task(burst.run())
        await emulator.wait_until(
            lambda: len(burst.acked()) >= 100, timeout=20, what="100 acknowledged votes"
        )
        began = time.monotonic()
        acked_before = burst.acked(before=began)
        saved = await haikei("backup", str(backups), cwd=tmp_path, env=env)
        ended = time.monotonic()
        await emulator.wait_until(
            lambda: len(burst.acked(after=ended)) >= 50, timeout=20, what="votes after the backup"
        )
        burst.stop.set()
        await voting
        refused = await haikei("restore", str(next(backups.iterdir())), cwd=tmp_path, env=env)
        live_before_stop = ballot_user_ids(settings.database_path, poll_id)
    assert saved.code == 0, saved.err
    assert "Not included: the ballot-key file" in saved.out
    # The bot kept acknowledging votes while the backup process ran.
    assert burst.acked(after=began, before=ended)
    # While the bot runs, restore refuses and changes nothing.
    assert refused.code == 1
    assert "in use" in refused.err and "stop the bot first" in refused.err
    assert not kept_copies(tmp_path)

    [backup] = backups.iterdir()
    in_backup = ballot_user_ids(backup, poll_id)
    all_acked = burst.acked()
    assert acked_before <= in_backup  # every vote acknowledged before the backup began
    assert in_backup <= all_acked
    assert live_before_stop == all_acked  # (and the live database, of course, has every one)
    # The migration sets `doctor`, `restore` and the upgrade test find are exactly those the bot applied.
    live = open_database(settings.database_path)
    status = schema_status(live)
    live.conn.close()
    assert status.up_to_date and status.applied == sum(len(step_names(m)) for m in migration_sets())

    keys = settings.ballot_keys_path
    keys_digest, keys_mtime = digest(keys), keys.stat().st_mtime_ns
    restored = await haikei("restore", str(backup), cwd=tmp_path, env=env)
    assert restored.code == 0, restored.err
    assert f"ballot-key file {keys} was not touched" in restored.out
    assert (digest(keys), keys.stat().st_mtime_ns) == (keys_digest, keys_mtime)
    assert ballot_user_ids(settings.database_path, poll_id) == in_backup
    [kept] = kept_copies(tmp_path)
    assert ballot_user_ids(kept, poll_id) == all_acked
    assert f"kept as {kept}" in restored.out

    # The restored database runs: a member whose vote came after the backup votes again, and it counts.
    lost = sorted(all_acked - in_backup)[0]
    async with running_haikei(settings, emulator):
        again = await emulator.driver.click(message, f"poll:{poll_id}:v:0", user=lost)
        assert "Your vote" in await answer_text(again)
    assert ballot_user_ids(settings.database_path, poll_id) == in_backup | {lost}
