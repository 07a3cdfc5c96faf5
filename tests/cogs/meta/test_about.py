"""/about's gateway latency: one line per shard, in ms, and no number before the first heartbeat."""

from __future__ import annotations

import math

from cogs.meta.cog import latency_lines

PENDING = "waiting for a heartbeat"


def test_one_line_per_shard_in_milliseconds_by_shard_id() -> None:
    assert latency_lines([(1, 0.0421), (0, 0.0036)], PENDING) == "#0: 4 ms\n#1: 42 ms"
    assert latency_lines([(0, 1.5)], PENDING) == "#0: 1,500 ms"


def test_no_heartbeat_yet_reads_as_waiting() -> None:
    # discord.py reports inf before the first ACK, nan for an AutoShardedClient without shards
    lines = latency_lines([(0, math.inf), (1, math.nan), (2, 0.01)], PENDING)
    assert lines.splitlines() == [f"#0: {PENDING}", f"#1: {PENDING}", "#2: 10 ms"]
    assert latency_lines([], PENDING) == PENDING
