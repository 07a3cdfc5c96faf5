"""Memory and start-up of the whole bot process (`python -m bot run`) against the emulator, at 100,000 records.

The world: 1,000 servers, 1,000 members of the first one who vote, 500 feeds served from 127.0.0.1 by a separate
process (``bench_alerts``'s feed server: 20 % unchanged, 5 % failing), each server subscribed to 5 of them.
The database: the shipped records (the baseline), or those plus 100,000 synthetic records imported beforehand with
`python -m bot records import`. For each, in the same run:

1. start the process; READY is when the emulator's gateway answers IDENTIFY;
2. right after READY, `/disclosure lookup` by a record's title and an autocomplete: when each is answered;
3. the first poll cycle (every feed fetched once; a first fetch records the items without posting);
4. a vote burst: 1,000 members click a poll's buttons within 3 s;
5. the process's peak resident memory (VmHWM in /proc/<pid>/status), then SIGTERM.

Targets at 100,000 records: peak RSS <= 200 MB; lookup and autocomplete answered within 2 s of READY.
Exits 1 when one is missed.

    python benchmarks/bench_memory.py [--records 100000] [--guilds 1000] [--feeds 500] [--voters 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from bench_alerts import serve  # noqa: E402
from bench_disclosures import raw_records, seeded_database  # noqa: E402

from bot.db import apply_migrations, open_database  # noqa: E402
from cogs.alerts.migrations import alerts  # noqa: E402
from cogs.alerts.store import GUILD_DEFAULTS, now_iso  # noqa: E402
from cogs.disclosures.transfer import write_records  # noqa: E402
from emulator.emulator import Emulator  # noqa: E402

RSS_TARGET_MB = 200.0
ANSWER_TARGET_S = 2.0
FEEDS_PER_SERVER = 5
BURST_SECONDS = 3.0
SECRET = "bench-memory-secret-" + "x" * 16
INDEXED = re.compile(rb"(\d+) records indexed in ([\d.]+) s")
log = logging.getLogger("bench_memory")


def build_world(emulator: Emulator, guilds: int, voters: int) -> list[str]:
    world = emulator.world
    for n in range(guilds - len(world.guilds)):
        world.add_guild(f"Bench server {n}", "mod")
    names = [f"voter{i}" for i in range(voters)]
    for name in names:
        world.add_member(world.add_user(name), roles=["Member"])
    return names


def subscribe_servers(db_path: Path, emulator: Emulator, port: int, feeds: int) -> None:
    """Every server: alerts in its #alerts, subscribed to FEEDS_PER_SERVER of the feeds (one transaction)."""
    db = open_database(db_path)
    apply_migrations(db, alerts)
    world, now = emulator.world, now_iso()
    with db.conn:
        db.table("alerts_feeds").insert_all(
            {"id": i + 1, "url": f"http://127.0.0.1:{port}/feed/{i}", "title": f"Feed {i}", "created_at": now}
            for i in range(feeds)
        )
        servers, subscriptions = [], []
        for n, guild in enumerate(world.guilds.values()):
            alerts_channel = next(c for c in guild.channel_ids if world.channels[c].name == "alerts")
            servers.append(
                {"guild_id": guild.id, **GUILD_DEFAULTS, "channel_id": alerts_channel, "updated_at": now}
            )
            for k in range(FEEDS_PER_SERVER):
                feed = (n * FEEDS_PER_SERVER + k) % feeds + 1
                subscriptions.append({"guild_id": guild.id, "feed_id": feed, "name": None, "added_at": now})
        db.table("alerts_guilds").insert_all(servers, pk="guild_id")
        db.table("alerts_subscriptions").insert_all(subscriptions, pk=("guild_id", "feed_id"), ignore=True)
    db.conn.close()


def memory_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM:", "VmRSS:")):
            name, value = line.split(":")
            fields[name] = int(value.split()[0])
    return fields


def unfetched(db_path: Path) -> int:
    db = open_database(db_path)
    try:
        return int(db.execute("SELECT count(*) FROM alerts_feeds WHERE next_due = 0").fetchone()[0])
    finally:
        db.conn.close()


async def run_bot(
    label: str, records_db: Path, title: str, args: argparse.Namespace, port: int, tmp: Path
) -> dict[str, Any]:
    emulator = Emulator()
    await emulator.start(host="127.0.0.1", port=0)
    voters = build_world(emulator, args.guilds, args.voters)
    db_path = tmp / f"run-{label}.db"
    shutil.copyfile(records_db, db_path)
    subscribe_servers(db_path, emulator, port, args.feeds)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "POLL_", "DATABASE_", "FEED_"))
    }
    env.update(
        DISCORD_TOKEN=emulator.token,
        DISCORD_API_BASE=emulator.api_base,
        DATABASE_PATH=str(db_path),
        POLL_SECRET=SECRET,
        FEED_ALLOW_HOSTS="127.0.0.1",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="INFO",
    )
    log_path = tmp / f"{label}.log"
    figures: dict[str, Any] = {"label": label}
    with log_path.open("wb") as output:
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        while emulator.identify_count == 0:
            if proc.returncode is not None or time.perf_counter() - started > 120:
                raise RuntimeError(f"{label}: the bot never identified (see {log_path})")
            await asyncio.sleep(0.005)
        ready = time.perf_counter()
        figures["ready"] = ready - started
        lookup = await emulator.driver.command("disclosure lookup", {"query": title}, user="alice")
        await lookup.wait(30)
        figures["lookup"] = time.perf_counter() - ready
        figures["found"] = any(title in str(e.get("title")) for e in lookup.embeds or [])
        choices = await emulator.driver.autocomplete(
            "disclosure lookup", {"query": title[:12]}, "query", timeout=30
        )
        figures["autocomplete"] = time.perf_counter() - ready
        figures["choices"] = len(choices)
        left = await asyncio.to_thread(unfetched, db_path)
        for _ in range(600):  # at most 5 minutes
            if not left:
                break
            await asyncio.sleep(0.5)
            left = await asyncio.to_thread(unfetched, db_path)
        figures["cycle"] = time.perf_counter() - ready
        figures["unfetched"] = left
        for _ in range(600):  # the title index built (a big one after start): the process as it then runs
            if INDEXED.search(log_path.read_bytes()):
                break
            await asyncio.sleep(0.5)
        created = await emulator.driver.command(
            "poll create", options={"question": "Bench?", "options": "A|B|C"}, user="mod"
        )
        await created.wait_until(lambda r: r.content and "#1" in r.content, timeout=30)
        message = next(m for m in reversed(emulator.messages("general")) if m.get("components"))
        clicks, burst = [], time.perf_counter()
        for i, name in enumerate(voters):
            if (wait := burst + BURST_SECONDS * i / len(voters) - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            clicks.append(await emulator.driver.click(message, f"poll:1:v:{i % 3}", user=name))
        await asyncio.gather(*(c.wait(timeout=60) for c in clicks), return_exceptions=True)
        figures["acked"] = sum(c.acknowledged for c in clicks)
        figures["voters"] = len(clicks)
        figures.update(memory_kib(proc.pid))
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), timeout=30)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        await emulator.stop()
    built = INDEXED.search(log_path.read_bytes())
    figures["built"] = bool(built)
    figures["indexed"] = (
        f"title index of {int(built[1]):,} records ready {float(built[2]):.1f} s after start"
        if built
        else "title index NOT built"
    )
    return figures


def import_records(tmp: Path, records: int) -> Path:
    """The shipped records plus ``records`` synthetic ones, imported as the operator would."""
    path = tmp / "records.json"
    write_records(path, raw_records(records, random.Random(42)))
    seeded_database(tmp / "records.db").conn.close()
    env = {
        **os.environ,
        "DATABASE_PATH": str(tmp / "records.db"),
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "bot", "records", "import", str(path)],
        cwd=tmp,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
    )
    return tmp / "records.db"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--voters", type=int, default=1000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    queue: Any = multiprocessing.get_context("spawn").Queue()
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(queue, args.feeds, 50), daemon=True
    )
    server.start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        port = queue.get(timeout=30)
        shipped = tmp / "shipped.db"
        seeded_database(shipped).conn.close()
        big = await asyncio.to_thread(import_records, tmp, args.records)
        title = raw_records(1, random.Random(42))[0]["title"]  # synthetic-0, as imported
        baseline = await run_bot("shipped", shipped, "The Dog & The Boy", args, port, tmp)
        measured = await run_bot("records", big, title, args, port, tmp)
    finally:
        server.terminate()
        server.join(5)
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"the bot process (`python -m bot run`) against the emulator: {args.guilds:,} servers, {args.feeds} feeds"
        f" ({FEEDS_PER_SERVER} per server), one poll cycle, {args.voters:,} votes within {BURST_SECONDS:.0f} s"
    )
    for f in (baseline, measured):
        name = "61 shipped records (baseline)" if f is baseline else f"61 + {args.records:,} records"
        print(f"{name}:")
        print(f"  peak RSS {f['VmHWM'] / 1024:.0f} MB (RSS at the end {f['VmRSS'] / 1024:.0f} MB)")
        print(
            f"  READY {f['ready']:.1f} s after start; after READY: lookup answered in {f['lookup']:.2f} s"
            f" ({'found' if f['found'] else 'NOT found'}), autocomplete in {f['autocomplete']:.2f} s"
            f" ({f['choices']} choices); {f['indexed']}"
        )
        print(
            f"  poll cycle done {f['cycle']:.1f} s after READY ({f['unfetched']} feeds unfetched);"
            f" votes acknowledged {f['acked']}/{f['voters']}"
        )
    checks = {
        f"peak RSS <= {RSS_TARGET_MB:.0f} MB at {args.records:,} records": measured["VmHWM"] / 1024
        <= RSS_TARGET_MB,
        f"lookup answered <= {ANSWER_TARGET_S:.0f} s after READY": measured["lookup"] <= ANSWER_TARGET_S
        and measured["found"],
        f"autocomplete answered <= {ANSWER_TARGET_S:.0f} s after READY": measured["autocomplete"]
        <= ANSWER_TARGET_S
        and measured["choices"] > 0,
        "the poll cycle, the title index and the vote burst completed": all(
            f["unfetched"] == 0 and f["acked"] == f["voters"] and f["built"] for f in (baseline, measured)
        ),
    }
    for name, met in checks.items():
        print(f"  {name}: {'MET' if met else 'NOT MET'}")
    missed = [name for name, met in checks.items() if not met]
    if missed:
        print(f"MISSED: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(asyncio.run(main()))
