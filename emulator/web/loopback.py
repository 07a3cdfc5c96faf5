"""Refuse to bind anything but the loopback interface: the sandbox is for this machine only."""

from __future__ import annotations

import ipaddress
import logging

log = logging.getLogger(__name__)


def require_loopback(host: str) -> str:
    """Return ``host`` if it is a loopback address (or ``localhost``); raise ValueError otherwise."""
    literal = "127.0.0.1" if host == "localhost" else host.strip("[]")
    try:
        address = ipaddress.ip_address(literal)
    except ValueError:
        raise ValueError(f"the sandbox only listens on loopback (127.0.0.1), not {host!r}") from None
    if not address.is_loopback:
        raise ValueError(f"the sandbox only listens on loopback (127.0.0.1), not {host!r}")
    return host
