"""Poll voting under a burst, through the emulator: 2,000 members each vote once within a few seconds.

Scenario 1: the bot under test runs as its own process (the real `python -m bot` with DISCORD_API_BASE
pointing at the emulator), so the emulator + click driver and the bot each get their own core and event loop.
Each member clicks once; the clicks are paced evenly over BENCH_POLL_SPREAD seconds (default 3.5 s). Reported:
votes recorded vs sent, p50/p99 acknowledgement time, votes/s and poll-message edits. The ceiling is a bare bot,
also its own process (`python benchmarks/bench_polls.py --bare-bot`: the same Haikei client class with no cogs and
one persistent button whose handler only answers with a deferred update), driven by the same paced burst.
A second, unpaced burst (every click dispatched back to back) measures saturated votes/s for both.
Scenario 2: the bot runs as `python -m bot`; it is SIGKILLed mid-burst and restarted; every acknowledged vote
must be in the database afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parents[1]
sys.path.insert(0, str(ROOT))

from bot.client import Haikei  # noqa: E402
from bot.db import AsyncDatabase, open_database  # noqa: E402
from bot.sandbox.emulator import Emulator  # noqa: E402
from bot.settings import Settings  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_POLL_MEMBERS", "2000"))
SPREAD = float(os.environ.get("BENCH_POLL_SPREAD", "3.5"))  # seconds the paced burst's clicks are spread over
SECRET = "bench-secret-" + "x" * 32
log = logging.getLogger("bench_polls")


class BareButton(discord.ui.DynamicItem[discord.ui.Button], template=r"bare:(?P<n>\d+)"):
    """The ceiling: a persistent button whose handler only acknowledges (deferred update)."""

    def __init__(self, n: int = 0) -> None:
        super().__init__(discord.ui.Button(label="bare", custom_id=f"bare:{n}"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /
    ) -> BareButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer()  # type 6: deferred update of the clicked message


async def serve_bare_bot() -> int:
    """The ceiling bot process: settings from the environment (as `python -m bot`), no cogs, one button."""
    settings = Settings.from_env()
    bot = Haikei(settings, AsyncDatabase(open_database(settings.database_path)), extensions=())
    bot.add_dynamic_items(BareButton)
    bot._connection.guild_ready_timeout = 0.05  # the emulator sends every guild at once

    async def post_buttons() -> None:
        channel = discord.utils.get(bot.get_all_channels(), name="general")
        view = discord.ui.View(timeout=None)
        for n in range(3):
            view.add_item(BareButton(n))
        await channel.send("bare", view=view)  # type: ignore[union-attr]

    bot.add_listener(post_buttons, "on_ready")
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(bot.close()))
    async with bot:
        await bot.start(settings.discord_token or "")
    return 0


def add_members(emulator: Emulator, n: int) -> list[str]:
    names = [f"m{i}" for i in range(n)]
    for name in names:
        emulator.world.add_member(emulator.world.add_user(name), roles=["Member"])
    return names


async def burst(
    emulator: Emulator,
    message: dict[str, Any],
    custom_id_of: Callable[[int], str],
    names: list[str],
    spread: float,
) -> dict[str, Any]:
    """One click per member, evenly paced over ``spread`` seconds (0: back to back); figures once all answered."""
    start = time.perf_counter()
    results = []
    for i, name in enumerate(names):
        due = start + spread * i / len(names)
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        results.append(await emulator.driver.click(message, custom_id_of(i), user=name))
    dispatched = time.perf_counter() - start
    await asyncio.gather(*[r.wait(timeout=60) for r in results], return_exceptions=True)
    elapsed = time.perf_counter() - start
    latencies = sorted(r.ack_latency for r in results if r.ack_latency is not None)
    return {
        "sent": len(results),
        "acked": len(latencies),
        "dispatched": dispatched,
        "elapsed": elapsed,
        "per_second": len(latencies) / elapsed if elapsed else 0.0,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] if latencies else float("nan"),
        "results": results,
    }


def poll_edits(emulator: Emulator, message: dict[str, Any], since: int = 0) -> int:
    """PATCHes of the poll message itself (live-count edits) the emulator served since request #``since``."""
    path = f"/channels/{message['channel_id']}/messages/{message['id']}"
    return sum(
        1
        for r in emulator.requests[since:]
        if r.method == "PATCH" and r.path.endswith(path) and r.status < 300
    )


async def ceiling(names: list[str], tmp: Path, spreads: tuple[float, ...]) -> list[dict[str, Any]]:
    """The bare bot as its own process, one burst per entry of ``spreads`` (each member clicks once per burst)."""
    emulator = Emulator()
    await emulator.start(host="127.0.0.1", port=0)
    add_members(emulator, len(names))
    general = emulator.world.channel("general")

    def buttons() -> dict[str, Any] | None:
        return next((m for m in general.messages.values() if m.get("components")), None)

    proc = await start_process(
        emulator, tmp / "bare.db", tmp, args=(str(THIS_FILE), "--bare-bot"), ready=buttons
    )
    try:
        message = buttons()
        assert message is not None
        figures = []
        for spread in spreads:
            figures.append(await burst(emulator, message, lambda i: f"bare:{i % 3}", names, spread))
            await asyncio.sleep(0.5)
        return figures
    finally:
        await stop_process(proc)
        await emulator.stop()


async def polls_out_of_process(
    names: list[str], tmp: Path, spreads: tuple[float, ...], warmup: int
) -> list[dict[str, Any]]:
    """The real `python -m bot`; a small warm-up poll, then one fresh poll per entry of ``spreads``."""
    emulator = Emulator()
    await emulator.start(host="127.0.0.1", port=0)
    add_members(emulator, len(names))
    db_path = tmp / "bench.db"
    proc = await start_process(emulator, db_path, tmp)
    try:

        async def new_poll(n: int) -> dict[str, Any]:
            created = await emulator.driver.command(
                "poll create", options={"question": f"Bench {n}?", "options": "A|B|C"}, user="mod"
            )
            await created.wait_until(lambda r: r.content and f"#{n}" in r.content, timeout=20)
            return next(m for m in reversed(emulator.messages("general")) if m.get("components"))

        async def run(n: int, voters: list[str], spread: float) -> dict[str, Any]:
            message = await new_poll(n)
            requests_before = len(emulator.requests)
            misses_before = len(emulator.deadline_misses)
            figures = await burst(emulator, message, lambda i: f"poll:{n}:v:{i % 3}", voters, spread)
            # The live counts are coalesced (one edit per few seconds): wait for the edit that follows
            # the last acknowledged vote, so the trailing edit is counted too.
            after_acks = len(emulator.requests)
            with contextlib.suppress(TimeoutError):
                await emulator.wait_until(
                    lambda: poll_edits(emulator, message, after_acks) > 0, timeout=10, what="trailing edit"
                )
            figures["edits"] = poll_edits(emulator, message, requests_before)
            figures["deadline_misses"] = len(emulator.deadline_misses) - misses_before
            db = open_database(db_path)
            try:
                row = db.execute("SELECT count(*) FROM ballots WHERE poll_id = ?", [n]).fetchone()
            finally:
                db.close()
            figures["recorded"] = int(row[0])
            return figures

        await run(1, names[:warmup], 0.5)  # warm-up (first DB writes, first edits), not reported
        return [await run(2 + k, names, spread) for k, spread in enumerate(spreads)]
    finally:
        await stop_process(proc)
        await emulator.stop()


async def stop_process(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), timeout=10)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def start_process(
    emulator: Emulator,
    db_path: Path,
    tmp: Path,
    *,
    args: tuple[str, ...] = ("-m", "bot"),
    ready: Callable[[], Any] | None = None,
) -> asyncio.subprocess.Process:
    """Run a bot process against ``emulator`` (default: the real `python -m bot`); return once it is ready."""
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
        *args,
        cwd=tmp,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await emulator.wait_until(
        lambda: emulator.identify_count > identifies and (ready or emulator.registered_commands)(),
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
    spreads = (SPREAD, 0.0)  # paced (the reported scenario), then back to back (saturated throughput)
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        await ceiling(names[: len(names) // 4], tmp, (0.5,))  # warm-up (imports, first connections)
        bare, bare_max = await ceiling(names, tmp, spreads)
        polls, polls_max = await polls_out_of_process(names, tmp, spreads, warmup=len(names) // 10)
        killed = await kill_mid_burst(names, tmp)
    ratio = polls["per_second"] / bare["per_second"] if bare["per_second"] else 0.0
    ratio_max = polls_max["per_second"] / bare_max["per_second"] if bare_max["per_second"] else 0.0
    print(
        f"members: {MEMBERS}; bot under test and ceiling bot each in their own process (emulator + driver here)"
    )
    print(
        f"pacing: each member clicks once; the {MEMBERS} clicks are dispatched evenly over {SPREAD:.1f} s "
        f"(one every {SPREAD / MEMBERS * 1000:.2f} ms, offered load {MEMBERS / SPREAD:.0f} clicks/s); "
        "the saturation run dispatches them back to back"
    )

    def line(label: str, f: dict[str, Any]) -> str:
        return (
            f"{label}: acked {f['acked']}/{f['sent']}, {f['per_second']:.0f}/s over {f['elapsed']:.2f} s "
            f"(clicks dispatched in {f['dispatched']:.2f} s), p50 {f['p50'] * 1000:.0f} ms, p99 {f['p99'] * 1000:.0f} ms"
        )

    print(line("ceiling (bare deferred-update handler), paced", bare))
    print(line("ceiling (bare deferred-update handler), saturated", bare_max))
    for label, f, r in (("polls, paced", polls, ratio), ("polls, saturated", polls_max, ratio_max)):
        print(
            f"{line(label, f)}, recorded {f['recorded']}, {r:.0%} of ceiling, "
            f"poll-message edits {f['edits']}, deadline misses {f['deadline_misses']}"
        )
    print(
        f"SIGKILL mid-burst: sent {killed['sent']}, acknowledged before kill {killed['acked']}, "
        f"stored {killed['stored']}, acknowledged but missing {killed['missing']}"
    )
    checks = {
        "100% recorded": polls["recorded"] == polls["sent"],
        "p99 <= 1 s": polls["p99"] <= 1.0,
        ">= 80% of ceiling (paced)": ratio >= 0.8,
        "no acked vote lost on SIGKILL": killed["missing"] == 0,
    }
    for name, met in checks.items():
        print(f"  {name}: {'MET' if met else 'NOT MET'}")
    print(
        f"  (saturated throughput {ratio_max:.0%} of ceiling: {'MET' if ratio_max >= 0.8 else 'NOT MET'}; "
        "informational)"
    )
    print("targets (paced scenario):", "MET" if all(checks.values()) else "NOT MET")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--bare-bot"]:
        sys.exit(asyncio.run(serve_bare_bot()))
    sys.exit(asyncio.run(main()))
