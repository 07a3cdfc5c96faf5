"""Poll voting under a burst, through the emulator: 2,000 members each vote once within a few seconds.

Scenario 1 (in process): votes recorded vs sent, p50/p99 acknowledgement time, votes/s and poll-message edits,
next to the votes/s of a bare handler that only acknowledges (the ceiling), measured in the same run.
Scenario 2: the bot runs as `python -m bot`; it is SIGKILLed mid-burst and restarted; every acknowledged vote
must be in the database afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import discord

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.client import Haikei  # noqa: E402
from bot.db import AsyncDatabase, open_database  # noqa: E402
from bot.sandbox.emulator import Emulator  # noqa: E402
from bot.sandbox.harness import running  # noqa: E402
from bot.settings import Settings  # noqa: E402
from cogs.polls import store  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_POLL_MEMBERS", "2000"))
SECRET = "bench-secret-" + "x" * 32
log = logging.getLogger("bench_polls")


class BareButton(discord.ui.DynamicItem[discord.ui.Button], template=r"bare:(?P<n>\d+)"):
    """The ceiling: a persistent button whose handler only acknowledges."""

    def __init__(self, n: int = 0) -> None:
        super().__init__(discord.ui.Button(label="bare", custom_id=f"bare:{n}"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /
    ) -> BareButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)


def add_members(emulator: Emulator, n: int) -> list[str]:
    names = [f"m{i}" for i in range(n)]
    for name in names:
        emulator.world.add_member(emulator.world.add_user(name), roles=["Member"])
    return names


async def burst(
    emulator: Emulator, message: dict[str, Any], custom_id_of: Any, names: list[str]
) -> dict[str, Any]:
    """Click once per member as fast as the driver can; return timing figures once all are answered."""
    start = time.perf_counter()
    results = [
        await emulator.driver.click(message, custom_id_of(i), user=name) for i, name in enumerate(names)
    ]
    await asyncio.gather(*[r.wait(timeout=60) for r in results], return_exceptions=True)
    elapsed = time.perf_counter() - start
    latencies = sorted(r.ack_latency for r in results if r.ack_latency is not None)
    return {
        "sent": len(results),
        "acked": len(latencies),
        "elapsed": elapsed,
        "per_second": len(latencies) / elapsed if elapsed else 0.0,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan"),
        "results": results,
    }


async def ceiling(names: list[str], tmp: Path) -> dict[str, Any]:
    """The same client class and settings as the real bot, with no cogs and only the bare button."""
    emulator = Emulator()
    await emulator.start(host="127.0.0.1", port=0)
    add_members(emulator, len(names))
    settings = Settings(
        discord_token=emulator.token,
        discord_api_base=emulator.api_base,
        database_path=tmp / f"bare-{len(names)}.db",
        poll_secret=SECRET,
    )
    bot = Haikei(settings, AsyncDatabase(open_database(settings.database_path)), extensions=())
    bot.add_dynamic_items(BareButton)
    try:
        async with running(bot, emulator):
            channel = bot.get_channel(emulator.world.channel("general").id)
            view = discord.ui.View(timeout=None)
            for n in range(3):
                view.add_item(BareButton(n))
            sent = await channel.send("bare", view=view)  # type: ignore[union-attr]
            message = emulator.driver.message(sent.id)
            return await burst(emulator, message, lambda i: f"bare:{i % 3}", names)
    finally:
        await bot.close()
        await emulator.stop()


async def polls_in_process(names: list[str], tmp: Path) -> dict[str, Any]:
    emulator = Emulator()
    await emulator.start(host="127.0.0.1", port=0)
    add_members(emulator, len(names))
    settings = Settings(
        discord_token=emulator.token,
        discord_api_base=emulator.api_base,
        database_path=tmp / "bench.db",
        poll_secret=SECRET,
    )
    bot = Haikei(settings, AsyncDatabase(open_database(settings.database_path)))
    try:
        async with running(bot, emulator):
            cog: Any = bot.get_cog("Polls")
            created = await emulator.driver.command(
                "poll create", options={"question": "Bench?", "options": "A|B|C"}, user="mod"
            )
            await created.wait_until(lambda r: r.content and "#1" in r.content, timeout=10)
            message = next(m for m in reversed(emulator.messages("general")) if m.get("components"))
            edits_before = cog.publisher.edits
            figures = await burst(emulator, message, lambda i: f"poll:1:v:{i % 3}", names)
            await cog.live.flush()
            figures["recorded"] = await bot.db.run(store.ballot_count, 1)
            figures["edits"] = cog.publisher.edits - edits_before
            figures["deadline_misses"] = len(emulator.deadline_misses)
            return figures
    finally:
        await bot.close()
        await emulator.stop()


async def start_process(emulator: Emulator, db_path: Path, tmp: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "POLL_", "DATABASE_"))}
    env.update(
        DISCORD_TOKEN=emulator.token,
        DISCORD_API_BASE=emulator.api_base,
        DATABASE_PATH=str(db_path),
        POLL_SECRET=SECRET,
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    identifies = emulator.identify_count
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await emulator.wait_until(
        lambda: emulator.identify_count > identifies and emulator.registered_commands(),
        timeout=60,
        what="bot process",
    )
    await asyncio.sleep(0)  # READY is dispatched right after IDENTIFY
    return proc


async def kill_mid_burst(names: list[str], tmp: Path) -> dict[str, Any]:
    emulator = Emulator()
    await emulator.start(host="127.0.0.1", port=0)
    add_members(emulator, len(names))
    db_path = tmp / "killed.db"
    proc = await start_process(emulator, db_path, tmp)
    try:
        created = await emulator.driver.command(
            "poll create", options={"question": "Kill?", "options": "A|B|C"}, user="mod"
        )
        await created.wait_until(lambda r: r.content and "#1" in r.content, timeout=20)
        message = next(m for m in reversed(emulator.messages("general")) if m.get("components"))
        results = [
            await emulator.driver.click(message, f"poll:1:v:{i % 3}", user=n) for i, n in enumerate(names)
        ]
        target = len(names) // 10
        await emulator.wait_until(
            lambda: sum(r.acknowledged for r in results) >= target, timeout=30, what="a tenth acked"
        )
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
        acked = {names[i] for i, r in enumerate(results) if r.acknowledged}
        proc = await start_process(emulator, db_path, tmp)
        rows = open_database(db_path).execute("SELECT user_id FROM ballots WHERE poll_id = 1").fetchall()
        stored = {r[0] for r in rows}
        missing = [n for n in acked if emulator.world.user(n).id not in stored]
        return {"acked": len(acked), "stored": len(stored), "missing": len(missing), "sent": len(results)}
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await emulator.stop()


async def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    names = [f"m{i}" for i in range(MEMBERS)]
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        await ceiling(names[: len(names) // 4], tmp)  # warm-up (imports, first connections), not reported
        bare = await ceiling(names, tmp)
        polls = await polls_in_process(names, tmp)
        killed = await kill_mid_burst(names, tmp)
    ratio = polls["per_second"] / bare["per_second"] if bare["per_second"] else 0.0
    print(f"members: {MEMBERS}")
    print(
        f"ceiling (bare ack handler): {bare['per_second']:.0f} acks/s, p50 {bare['p50'] * 1000:.0f} ms, p99 {bare['p99'] * 1000:.0f} ms"
    )
    print(
        f"polls: sent {polls['sent']}, acked {polls['acked']}, recorded {polls['recorded']}, "
        f"{polls['per_second']:.0f} votes/s ({ratio:.0%} of ceiling), p50 {polls['p50'] * 1000:.0f} ms, "
        f"p99 {polls['p99'] * 1000:.0f} ms, poll-message edits {polls['edits']}, deadline misses {polls['deadline_misses']}"
    )
    print(
        f"SIGKILL mid-burst: sent {killed['sent']}, acknowledged before kill {killed['acked']}, "
        f"stored {killed['stored']}, acknowledged but missing {killed['missing']}"
    )
    ok = (
        polls["recorded"] == polls["sent"] and polls["p99"] <= 1.0 and ratio >= 0.8 and killed["missing"] == 0
    )
    print(
        "targets (100% recorded, p99 <= 1 s, >= 80% of ceiling, no acked vote lost):",
        "MET" if ok else "NOT MET",
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
