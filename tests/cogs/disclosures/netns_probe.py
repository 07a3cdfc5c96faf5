"""Run inside ``unshare --net --mount`` by ``test_provenance_netns.py``: read one file, report connection attempts.

The caller bind-mounts an /etc/hosts that maps the file's ``did:web`` host to 127.0.0.1 and an /etc/resolv.conf
that points at 127.0.0.1. This process brings the namespace's loopback up and listens there on TCP 80 and 443
and UDP 53 *before* reading, so any lookup or connection the reader makes is seen, and nothing can reach any
other host: the namespace has no other interface. Prints JSON: signals and attempts.

``python -m tests.cogs.disclosures.netns_probe FILE pool`` reads through the production ``ReaderPool`` (its
worker process inherits the namespace); ``… FILE sdk-defaults`` reads in-process with the C2PA SDK's default
identity handling, the control that shows the probe sees a connection when one is made.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import select
import socket
import struct
import sys
import threading
from pathlib import Path

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


class Listeners:
    """TCP 80/443 and UDP 53 on the namespace's loopback. A TCP connection is recorded, then closed at once (so a
    client fails fast instead of waiting for a handshake); a datagram stays queued and is found by ``select``."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 53))
        for port in (80, 443):
            tcp = socket.socket()
            tcp.bind(("127.0.0.1", port))
            tcp.listen(8)
            threading.Thread(target=self._accept, args=(tcp, f"tcp/{port}"), daemon=True).start()

    def _accept(self, tcp: socket.socket, name: str) -> None:
        while True:
            connection, _ = tcp.accept()
            self.seen.append(name)  # recorded before the client can see the close
            connection.close()

    def attempts(self) -> list[str]:
        readable, _, _ = select.select([self.udp], [], [], 0)
        return sorted(self.seen + ["udp/53"] * len(readable))


def read(path: Path, mode: str) -> list[dict[str, object]]:
    data = path.read_bytes()
    if mode == "pool":
        from cogs.disclosures.reader_pool import ReaderPool

        async def through_pool() -> list[dict[str, object]]:
            pool = ReaderPool(workers=1, timeout=30)
            try:
                result = await pool.read(data, None)
            finally:
                pool.close()
            assert result.error is None, result.error
            return [s.to_json() for s in result.signals]

        return asyncio.run(through_pool())
    from cogs.disclosures import c2pa_reader
    from cogs.disclosures.provenance import read_signals

    c2pa_reader.SETTINGS = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
    return [s.to_json() for s in read_signals(data)]


def main() -> None:
    path, mode = Path(sys.argv[1]), sys.argv[2]
    loopback_up()
    listening = Listeners()
    signals = read(path, mode)
    print(json.dumps({"signals": signals, "attempts": listening.attempts()}))


if __name__ == "__main__":
    main()
