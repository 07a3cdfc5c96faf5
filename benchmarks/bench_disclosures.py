"""Disclosures benchmark: 100,000 synthetic records beside the seed.

Prints autocomplete p50/p99 (in-memory index) and search p99 (FTS5 + filters), each next to the same queries
through a naive ``LIKE`` scan measured in the same run; then lookup latency through the emulator (interaction
dispatched → callback received). Targets: autocomplete p99 <= 5 ms, lookup p99 <= 100 ms.

    python benchmarks/bench_disclosures.py [--records 100000] [--queries 300]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.db import apply_migrations, open_database
from cogs.disclosures import queries, seed, store
from cogs.disclosures.queries import Filters
from cogs.disclosures.records import validate_record
from cogs.disclosures.schema import migrations
from cogs.disclosures.search import TitleIndex
from cogs.disclosures.vocab import AI_USES, MEDIUMS, ROLES, STATUSES

log = logging.getLogger(__name__)

WORDS = [
    "shadow",
    "dragon",
    "academy",
    "star",
    "moon",
    "blade",
    "chronicle",
    "princess",
    "knight",
    "ocean",
    "dream",
    "eternal",
    "spirit",
    "tokyo",
    "city",
    "summer",
    "winter",
    "garden",
    "demon",
    "angel",
    "robot",
    "school",
    "love",
    "war",
    "sword",
    "magic",
    "quest",
    "legend",
    "hero",
    "rising",
    "fallen",
    "crimson",
    "silver",
    "golden",
    "hidden",
    "last",
    "first",
    "night",
    "dawn",
    "storm",
    "fire",
    "ice",
    "sky",
    "world",
    "saga",
    "tale",
    "song",
    "voice",
    "echo",
]
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわん"


def synthetic(n: int, rng: random.Random) -> list[dict]:
    records = []
    for i in range(n):
        words = [*rng.sample(WORDS, rng.randint(2, 5)), f"{rng.choice(WORDS)}{i}"]
        title = " ".join(w.capitalize() for w in words)
        alt = "".join(rng.choice(KANA) for _ in range(rng.randint(3, 7))) + str(i)
        year = rng.randint(2015, 2026)
        records.append(
            validate_record(
                {
                    "id": f"synthetic-{i}",
                    "title": title,
                    "alt_titles": [{"title": alt, "language": "ja"}],
                    "medium": rng.choice(MEDIUMS),
                    "companies": [{"name": f"Studio {rng.randint(1, 3000)}", "role": rng.choice(ROLES)}],
                    "date": f"{year}-{rng.randint(1, 12):02d}",
                    "ai_uses": [rng.choice(AI_USES)],
                    "disclosure": rng.choice(STATUSES),
                    "summary": " ".join(rng.choices(WORDS, k=30)),
                    "sources": [{"url": f"https://news.example/{i}", "publisher": "Example"}],
                    "confidence": "medium",
                }
            )
        )
    return records


def typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(max(1, len(text) - 1))
    return text[:i] + text[i + 1 : i + 2] + text[i : i + 1] + text[i + 2 :]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def timed(fn: Callable[[str], object], inputs: list[str]) -> list[float]:
    out = []
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - start)
    return out


def like_titles(db, text: str) -> list:  # the baseline: what a naive implementation would do
    return db.execute(
        "SELECT DISTINCT record_id FROM disclosure_titles WHERE title LIKE ? LIMIT 25", [f"%{text}%"]
    ).fetchall()


def like_search(db, text: str) -> list:
    pattern = f"%{text}%"
    return db.execute(
        "SELECT r.id FROM disclosure_records r WHERE r.state = 'published' AND (r.summary LIKE ? OR r.id IN"
        " (SELECT record_id FROM disclosure_titles WHERE title LIKE ?)) AND r.year >= 2020"
        " ORDER BY r.date DESC LIMIT 251",
        [pattern, pattern],
    ).fetchall()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--lookups", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(42)
    tmp = Path(tempfile.mkdtemp(prefix="bench-disclosures-"))
    db = open_database(tmp / "bench.db")
    apply_migrations(db, migrations)
    seed.import_seed(db)
    start = time.perf_counter()
    records = synthetic(args.records, rng)
    store.import_records(db, enumerate(records))
    print(f"records: {store.count_published(db):,} (import {time.perf_counter() - start:.1f} s)")
    start = time.perf_counter()
    index = TitleIndex.build(store.index_rows(db))
    print(f"index build: {time.perf_counter() - start:.2f} s for {len(index):,} records")

    sample = rng.sample(records, args.queries)
    typed: list[str] = []
    for i, record in enumerate(sample):
        title = record["title"]
        kind = i % 4
        if kind == 0:
            typed.append(title[: rng.randint(3, len(title))])  # prefix while typing
        elif kind == 1:
            typed.append(typo(title, rng))  # a typo
        elif kind == 2:
            typed.append(record["alt_titles"][0]["title"][:4])  # kana
        else:
            typed.append(" ".join(title.split()[1:3]).lower())  # words from the middle
    typed += ["Dog and teh Boy", "inu to shounen", "犬と少年"]

    index.search("warm up", limit=25)  # the first call initialises rapidfuzz's scorers
    gc.collect()  # start from a settled heap, as a bot that has been up for a while would
    index_times = timed(lambda q: index.search(q, limit=25), typed)
    like_times = timed(lambda q: like_titles(db, q), typed)
    print("autocomplete (in-process, 25 choices)")
    print("  index        p50 {:.2f} ms  p99 {:.2f} ms".format(*percentiles(index_times)))
    print("  LIKE scan    p50 {:.2f} ms  p99 {:.2f} ms   (baseline)".format(*percentiles(like_times)))
    hits = sum(index.search(q, limit=25)[:1] != [] for q in typed)
    print(f"  index found something for {hits}/{len(typed)} queries")

    broad = [" ".join(rng.sample(WORDS, 2)) for _ in range(args.queries // 3)]
    specific = [record["title"].split()[-1].lower() for record in sample[: args.queries // 3]]
    for label, words in (
        ("specific words (one record's word)", specific),
        ("broad words (thousands match)", broad),
    ):
        search_times = timed(lambda q: queries.search(db, Filters(text=q, year_from=2020), limit=251), words)
        like_search_times = timed(lambda q: like_search(db, q), words)
        print(f"search: {label} + year filter, up to 251 rows")
        print("  FTS5         p50 {:.2f} ms  p99 {:.2f} ms".format(*percentiles(search_times)))
        print(
            "  LIKE scan    p50 {:.2f} ms  p99 {:.2f} ms   (baseline)".format(*percentiles(like_search_times))
        )
    db.conn.close()

    try:
        lookup_p50, lookup_p99 = asyncio.run(emulator_lookups(tmp / "bench.db", args.lookups, sample))
    except Exception as exc:  # the emulator is optional for the in-process figures
        print(f"lookup through the emulator: skipped ({type(exc).__name__}: {exc})")
    else:
        print(
            f"lookup through the emulator (dispatch → callback): p50 {lookup_p50:.1f} ms  p99 {lookup_p99:.1f} ms"
        )
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


async def emulator_lookups(db_path: Path, count: int, sample: list[dict]) -> tuple[float, float]:
    from bot.client import Haikei
    from bot.db import AsyncDatabase
    from bot.sandbox.emulator import Emulator
    from bot.sandbox.harness import running
    from bot.settings import Settings

    emulator = Emulator()
    await emulator.start(host="127.0.0.1", port=0)
    try:
        settings = Settings(
            discord_token=emulator.token, discord_api_base=emulator.api_base, database_path=db_path
        )
        bot = Haikei(settings, AsyncDatabase(open_database(db_path)), extensions=("cogs.disclosures",))
        async with running(bot, emulator, ready_timeout=120):
            latencies = []
            for i in range(count):
                record = sample[i % len(sample)]
                query = record["id"] if i % 2 else record["title"]
                result = await emulator.driver.command("disclosure lookup", {"query": query})
                await result.wait(10)
                latencies.append(result.ack_latency or 0.0)
    finally:
        await emulator.stop()
    p50, p99 = percentiles(latencies)
    return p50, p99


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
