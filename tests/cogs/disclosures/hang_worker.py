"""A reader worker that never answers: it takes a request, then spins (CPU-bound, like a pathological regex).

Run by the pool tests as ``python -m tests.cogs.disclosures.hang_worker`` to check that a runaway worker is
killed at the time limit while the bot keeps working.
"""

from __future__ import annotations

import sys

from cogs.disclosures.reader_worker import REQUEST


def main() -> None:
    requests = sys.stdin.buffer
    mime_length, size = REQUEST.unpack(requests.read(REQUEST.size))
    requests.read(mime_length + size)
    while True:  # never answers; only SIGKILL ends it
        pass


if __name__ == "__main__":
    main()
