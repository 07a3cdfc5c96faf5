"""Poll voting under a burst, through the emulator: 2,000 members each vote once, paced or all at once.

The bot under test is the real `python -m bot` in its own process (DISCORD_API_BASE pointing at the emulator),
so the emulator + click driver and the bot each get their own core and event loop. Two bursts: the clicks
paced evenly over BENCH_POLL_SPREAD seconds (default 3.5 s), then all dispatched back to back ("at once").

A vote counts once its member is *told* "Your vote: …" (after the commit): votes/s is told votes over the
time until the last was told; "ack" is the click's first answer (Discord's 3-second deadline), "told" the
receipt.
The ceiling, measured in the same run, is a bare bot in its own process (`--bare-bot`: the same Haikei client
class with no cogs and one persistent button whose handler only acknowledges, with a deferred update). Shown
beside it: the same handler with its answers bounded like the polls cog's (`REPLIES_IN_FLIGHT` in flight).
SIGKILL: the bot is killed from the emulator's event feed the moment half of the clicks are acknowledged, then
restarted; every member who was told their vote must find it in the database. Exits 1 when a target is missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import discord

THIS_FILE = Path(__file__).resolve()
ROOT = THIS_FILE.parents[1]
sys.path.insert(0, str(ROOT))

from bot.client import Haikei  # noqa: E402
from bot.db import AsyncDatabase, open_database  # noqa: E402
from bot.settings import Settings  # noqa: E402
from cogs.polls.voting import REPLIES_IN_FLIGHT  # noqa: E402
from emulator.emulator import Emulator, SandboxEvent  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_POLL_MEMBERS", "2000"))
SPREAD = float(os.environ.get("BENCH_POLL_SPREAD", "3.5"))  # seconds the paced burst's clicks are spread over
SECRET = "bench-secret-" + "x" * 32
RECEIPT = "Your vote:"


class BareButton(discord.ui.DynamicItem[discord.ui.Button], template=r"bare:(?P<n>\d+)"):
    """The ceiling: a persistent button whose handler only acknowledges (deferred update)."""

    slots: asyncio.Semaphore | None = None  # the polls cog's bound on answers in flight (None: stock)

    def __init__(self, n: int = 0) -> None:
        super().__init__(discord.ui.Button(label="bare", custom_id=f"bare:{n}"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /
    ) -> BareButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        async with self.slots or contextlib.nullcontext():
            await interaction.response.defer()  # type 6: deferred update of the clicked message


async def serve_bare_bot(bounded: bool) -> int:
    """The ceiling bot process: settings from the environment (as `python -m bot`), no cogs, one button."""
    settings = Settings.from_env()
    bot = Haikei(settings, AsyncDatabase(open_database(settings.database_path)), extensions=())
    BareButton.slots = asyncio.Semaphore(REPLIES_IN_FLIGHT) if bounded else None
    bot.add_dynamic_items(BareButton)
    bot._connection.guild_ready_timeout = 0.05  # the emulator sends every guild at once

    async def post_buttons() -> None:
        channel = discord.utils.get(bot.get_all_channels(), name="general")
        assert isinstance(channel, discord.TextChannel)
        view = discord.ui.View(timeout=None)
        for n in range(3):
            view.add_item(BareButton(n))
        await channel.send("bare", view=view)

    bot.add_listener(post_buttons, "on_ready")
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(bot.close()))
    async with bot:
        await bot.start(settings.discord_token or "")
    return 0


class Told:
    """When each click's member was told their vote, from the emulator's events (``marker`` None: acked)."""

    def __init__(self, emulator: Emulator, marker: str | None) -> None:
        self.emulator, self.marker = emulator, marker
        self.at: dict[int, float] = {}
        self._awaited: set[int] = set()
        self._all_told = asyncio.Event()
        emulator.subscribe(self.seen)

    def seen(self, event: SandboxEvent) -> None:
        if event.kind in ("interaction_response", "interaction_followup"):
            ids: Any = [int(event.data["interaction_id"])]
        elif event.kind == "message_update":
            ids = self.emulator.message_owners.get(int(event.data["id"]), ())
        else:
            return
        for i in ids:
            res = self.emulator.interactions.get(i)
            if i in self.at or res is None or not res.acknowledged:
                continue
            shown = [res.content or ""] + [m.get("content") or "" for m in res.followups]
            if self.marker is None or any(self.marker in s for s in shown):
                self.at[i] = time.monotonic()
                self._awaited.discard(i)
                if not self._awaited:
                    self._all_told.set()

    async def wait_all(self, ids: list[int], timeout: float) -> None:
        """Until every interaction of ``ids`` was told (or ``timeout``)."""
        self._awaited = {i for i in ids if i not in self.at}
        self._all_told.clear()
        if self._awaited:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._all_told.wait(), timeout)


@contextlib.asynccontextmanager
async def emulated(names: list[str], marker: str | None) -> AsyncIterator[Told]:
    """A fresh emulator with ``names`` as members, watched by a :class:`Told`."""
    emulator = Emulator()
    await emulator.start(host="127.0.0.1", port=0)
    for name in names:
        emulator.world.add_member(emulator.world.add_user(name), roles=["Member"])
    try:
        yield Told(emulator, marker)
    finally:
        await emulator.stop()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q) - 1)] if ordered else float("nan")


async def burst(
    told: Told, message: dict[str, Any], custom_id_of: Callable[[int], str], names: list[str], spread: float
) -> dict[str, Any]:
    """One click per member, evenly paced over ``spread`` seconds (0: back to back); figures once answered."""
    emulator = told.emulator
    misses = len(emulator.deadline_misses)
    start = time.monotonic()
    results = []
    for i, name in enumerate(names):
        due = start + spread * i / len(names)
        if (wait := due - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        results.append(await emulator.driver.click(message, custom_id_of(i), user=name))
    dispatched = time.monotonic() - start
    await told.wait_all([r.id for r in results], timeout=60)
    acks = [r.ack_latency for r in results if r.ack_latency is not None]
    tolds = [told.at[r.id] - r.dispatched_at for r in results if r.id in told.at]
    last = max((told.at[r.id] for r in results if r.id in told.at), default=start)
    return {
        "sent": len(results),
        "acked": len(acks),
        "told": len(tolds),
        "misses": len(emulator.deadline_misses) - misses,
        "deferred": sum(
            r.response_type == 5 for r in results
        ),  # acknowledged before the ballot was committed
        "dispatched": dispatched,
        "elapsed": last - start,
        "per_second": len(tolds) / (last - start) if last > start else 0.0,
        **{f"ack_p{q}": pct(acks, q / 100) for q in (50, 99)},
        **{f"told_p{q}": pct(tolds, q / 100) for q in (50, 99)},
    }


def poll_edits(emulator: Emulator, message: dict[str, Any], since: int = 0) -> int:
    """PATCHes of the poll message itself (live-count edits) the emulator served since request #``since``."""
    path = f"/channels/{message['channel_id']}/messages/{message['id']}"
    return sum(
        r.method == "PATCH" and r.path.endswith(path) and r.status < 300 for r in emulator.requests[since:]
    )


async def ceiling(names: list[str], tmp: Path, spreads: tuple[float, ...], mode: str) -> list[dict[str, Any]]:
    """The bare bot (``mode`` bounded or stock) as its own process, one burst per entry of ``spreads``."""
    async with emulated(names, None) as told:
        general = told.emulator.world.channel("general")

        def buttons() -> dict[str, Any] | None:
            return next((m for m in general.messages.values() if m.get("components")), None)

        args = (str(THIS_FILE), "--bare-bot", mode)
        proc = await start_process(told.emulator, tmp / f"bare-{mode}.db", tmp, args=args, ready=buttons)
        try:
            figures = []
            for spread in spreads:
                figures.append(await burst(told, buttons() or {}, lambda i: f"bare:{i % 3}", names, spread))
                await asyncio.sleep(0.5)
            return figures
        finally:
            await stop_process(proc)


async def new_poll(emulator: Emulator, n: int) -> dict[str, Any]:
    created = await emulator.driver.command(
        "poll create", options={"question": f"Bench {n}?", "options": "A|B|C"}, user="mod"
    )
    await created.wait_until(lambda r: r.content and f"#{n}" in r.content, timeout=20)
    return next(m for m in reversed(emulator.messages("general")) if m.get("components"))


async def polls_out_of_process(
    names: list[str], tmp: Path, spreads: tuple[float, ...], warmup: int
) -> list[dict[str, Any]]:
    """The real `python -m bot`; a small warm-up poll, then one fresh poll per entry of ``spreads``."""
    db_path = tmp / "bench.db"
    async with emulated(names, RECEIPT) as told:
        emulator = told.emulator
        proc = await start_process(emulator, db_path, tmp)

        async def run(n: int, voters: list[str], spread: float) -> dict[str, Any]:
            message = await new_poll(emulator, n)
            requests_before = len(emulator.requests)
            figures = await burst(told, message, lambda i: f"poll:{n}:v:{i % 3}", voters, spread)
            # Live counts are coalesced (one edit per few seconds): wait for the edit after the last vote.
            after = len(emulator.requests)
            with contextlib.suppress(TimeoutError):
                await emulator.wait_until(lambda: poll_edits(emulator, message, after) > 0, timeout=10)
            figures["edits"] = poll_edits(emulator, message, requests_before)
            figures["recorded"] = len(stored_voters(db_path, n))
            return figures

        try:
            await run(1, names[:warmup], 0.5)  # warm-up (first DB writes, first edits), not reported
            return [await run(2 + k, names, spread) for k, spread in enumerate(spreads)]
        finally:
            await stop_process(proc)


def stored_voters(db_path: Path, poll_id: int) -> set[int]:
    db = open_database(db_path)
    try:
        return {r[0] for r in db.execute("SELECT user_id FROM ballots WHERE poll_id = ?", [poll_id])}
    finally:
        db.conn.close()


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
    quiet = asyncio.subprocess.DEVNULL
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=tmp, env=env, stdout=quiet, stderr=quiet
    )
    await emulator.wait_until(
        lambda: emulator.identify_count > identifies and (ready or emulator.registered_commands)(),
        timeout=60,
        what="bot process",
    )
    await asyncio.sleep(0)  # READY is dispatched right after IDENTIFY
    return proc


async def kill_mid_burst(names: list[str], tmp: Path) -> dict[str, Any]:
    """Every click at once; SIGKILL when half are acknowledged; restart; every vote told must be stored."""
    async with emulated(names, RECEIPT) as told:
        return await killed_and_restarted(told, names, tmp / "killed.db", tmp)


async def killed_and_restarted(told: Told, names: list[str], db_path: Path, tmp: Path) -> dict[str, Any]:
    emulator = told.emulator
    proc = await start_process(emulator, db_path, tmp)
    landed: dict[str, int] = {}  # acks_at_kill and told_at_kill, then the final counts
    acks = 0

    def kill_at_half(event: SandboxEvent) -> None:
        nonlocal acks
        if (
            event.kind != "interaction_response"
            or not event.data["label"].startswith("poll:1:v:")
            or "acks_at_kill" in landed
        ):
            return
        acks += 1
        if acks >= len(names) // 2:
            os.kill(proc.pid, signal.SIGKILL)  # here, inside the event: nothing more is answered meanwhile
            landed.update(acks_at_kill=acks, told_at_kill=len(told.at))

    try:
        message = await new_poll(emulator, 1)
        emulator.subscribe(kill_at_half)
        results = [
            await emulator.driver.click(message, f"poll:1:v:{i % 3}", user=n) for i, n in enumerate(names)
        ]
        try:
            await asyncio.wait_for(proc.wait(), timeout=20)
        except TimeoutError:  # fewer than half were ever acknowledged: kill now, and say where it landed
            landed.update(acks_at_kill=acks, told_at_kill=len(told.at))
            proc.kill()
            await proc.wait()
        await asyncio.sleep(1.0)  # answers the bot sent before it died still reach the emulator
        told_members = {names[i] for i, r in enumerate(results) if r.id in told.at}
        acked = {names[i] for i, r in enumerate(results) if r.acknowledged}
        proc = await start_process(emulator, db_path, tmp)
        stored = stored_voters(db_path, 1)
        lost = {n for n in names if emulator.world.user(n).id not in stored}
        landed.update(sent=len(results), acked=len(acked), told=len(told_members), stored=len(stored))
        return {**landed, "missing": len(lost & told_members), "acked_missing": len(lost & acked)}
    finally:
        await stop_process(proc)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def describe(label: str, f: dict[str, Any]) -> str:
    text = (
        f"{label}: {f['told']}/{f['sent']} answered in {f['elapsed']:.2f} s (clicks dispatched in "
        f"{f['dispatched']:.2f} s), {f['per_second']:.0f}/s; ack p50 {ms(f['ack_p50'])} p99 {ms(f['ack_p99'])}"
    )
    if "recorded" in f:
        text += f"; told p50 {ms(f['told_p50'])} p99 {ms(f['told_p99'])}; recorded {f['recorded']}"
        text += f"; poll-message edits {f['edits']}; acknowledged before their commit {f['deferred']}"
    return text


async def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("emulator").setLevel(logging.ERROR)  # deadline misses are counted, not printed
    names = [f"m{i}" for i in range(MEMBERS)]
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        await ceiling(names[: len(names) // 4], tmp, (0.5,), "stock")  # warm-up (imports, connections)
        bare, bare_max = await ceiling(names, tmp, (SPREAD, 0.0), "stock")
        (bounded_max,) = await ceiling(names, tmp, (0.0,), "bounded")
        polls, polls_max = await polls_out_of_process(names, tmp, (SPREAD, 0.0), warmup=len(names) // 10)
        killed = await kill_mid_burst(names, tmp)
    print(
        f"{MEMBERS} members, one click each per burst; paced over {SPREAD:.1f} s, then at once (back to back)"
    )
    print(describe("ceiling (bare acknowledging handler), paced", bare))
    print(describe("ceiling (bare acknowledging handler), at once", bare_max))
    print(describe(f"bare handler, answers bounded like votes ({REPLIES_IN_FLIGHT}), at once", bounded_max))
    print(describe("polls, paced", polls))
    print(describe("polls, at once", polls_max))
    print(
        f"SIGKILL: killed when {killed['acks_at_kill']} of {killed['sent']} clicks were acknowledged "
        f"({killed['told_at_kill']} told); answers that left the bot before it died: {killed['acked']} acks, "
        f"{killed['told']} told; stored after restart {killed['stored']}; told but missing {killed['missing']}"
        f" (acknowledged but missing {killed['acked_missing']})"
    )
    ratio = polls["per_second"] / bare["per_second"]
    ratio_max = polls_max["per_second"] / bare_max["per_second"]
    misses, bare_misses = polls["misses"] + polls_max["misses"], bare["misses"] + bare_max["misses"]
    recorded = polls["recorded"] + polls_max["recorded"]
    ceiling_max = f"{bare_max['per_second']:.0f}/s (bounded {bounded_max['per_second']:.0f}/s)"
    ceiling_p99 = f"{ms(bare_max['ack_p99'])} (bounded {ms(bounded_max['ack_p99'])})"
    rows = [  # figure, target, measured, ceiling or baseline from this run, met
        ("paced: votes/s", ">= 80% of ceiling", f"{polls['per_second']:.0f}/s ({ratio:.0%})",
         f"{bare['per_second']:.0f}/s", ratio >= 0.8),
        ("paced: ack p99", "<= 1 s", ms(polls["ack_p99"]), ms(bare["ack_p99"]), polls["ack_p99"] <= 1.0),
        ("at once: votes/s", ">= 90% of ceiling", f"{polls_max['per_second']:.0f}/s ({ratio_max:.0%})",
         ceiling_max, ratio_max >= 0.9),
        ("at once: ack p99", "<= 1.5 s", ms(polls_max["ack_p99"]), ceiling_p99, polls_max["ack_p99"] <= 1.5),
        ("at once: told p99", "<= 1.5 s", ms(polls_max["told_p99"]), ceiling_p99,
         polls_max["told_p99"] <= 1.5),
        ("deadline misses, both bursts", "0", str(misses), str(bare_misses), misses == 0),
        ("recorded, both bursts", "100%", f"{recorded / (2 * MEMBERS):.0%}", "—", recorded == 2 * MEMBERS),
        ("SIGKILL: told but lost", "0", str(killed["missing"]), "—", killed["missing"] == 0),
        ("SIGKILL: kill lands mid-burst", f"at {MEMBERS // 2} acks", f"at {killed['acks_at_kill']} acks",
         f"{killed['acked']} acks in all", killed["acks_at_kill"] == MEMBERS // 2 and killed["acked"] < MEMBERS),
    ]  # fmt: skip
    print(f"\n{'figure':30} {'target':19} {'measured':17} {'ceiling/baseline, same run':32} result")
    for figure, target, measured, baseline, met in rows:
        print(f"{figure:30} {target:19} {measured:17} {baseline:32} {'met' if met else 'MISSED'}")
    missed = [row[0] for row in rows if not row[4]]
    print("targets:", f"MISSED {', '.join(missed)}" if missed else "all met")
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--bare-bot"]:
        sys.exit(asyncio.run(serve_bare_bot(sys.argv[2:] != ["stock"])))
    sys.exit(asyncio.run(main()))
