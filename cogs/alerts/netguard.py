"""Decide, without connecting, whether a feed URL or address may be fetched (the SSRF guard's rules)."""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})

# Checked before the generic flags so the refusal names the most specific reason.
_NAMED_NETWORKS: tuple[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network], ...] = (
    ("metadata", ipaddress.ip_network("169.254.169.254/32")),
    ("metadata", ipaddress.ip_network("fd00:ec2::254/128")),
    ("shared", ipaddress.ip_network("100.64.0.0/10")),
    ("nat64", ipaddress.ip_network("64:ff9b::/96")),
    ("nat64", ipaddress.ip_network("64:ff9b:1::/48")),
    ("6to4", ipaddress.ip_network("2002::/16")),
    ("teredo", ipaddress.ip_network("2001::/32")),
    ("this_network", ipaddress.ip_network("0.0.0.0/8")),
    ("benchmarking", ipaddress.ip_network("198.18.0.0/15")),
    ("documentation", ipaddress.ip_network("192.0.2.0/24")),
    ("documentation", ipaddress.ip_network("198.51.100.0/24")),
    ("documentation", ipaddress.ip_network("203.0.113.0/24")),
    ("documentation", ipaddress.ip_network("2001:db8::/32")),
)


class GuardError(ValueError):
    """The URL or address must not be fetched; ``reason`` is a short machine-readable code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def refusal_reason(address: IPAddress) -> str | None:
    """Why ``address`` is not a public, globally routable address, or ``None`` when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return "ipv4_mapped"
        if address.scope_id:
            return "scoped"
    for reason, network in _NAMED_NETWORKS:
        if address.version == network.version and address in network:
            return reason
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link_local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("not_global", not address.is_global),
    )
    for reason, hit in checks:
        if hit:
            return reason
    return None


def parse_address(text: str) -> IPAddress | None:
    """``text`` as an IP address (brackets and an IPv6 zone allowed), or ``None`` when it is a name."""
    candidate = text.strip("[]")
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None


def check_address(address: str | IPAddress, host: str, allow_hosts: frozenset[str]) -> None:
    """Raise :class:`GuardError` unless ``address`` is public or ``host`` is explicitly allowed."""
    ip = parse_address(address) if isinstance(address, str) else address
    if ip is None:
        raise GuardError("bad_address", str(address))
    if is_allowed_host(host, allow_hosts) or is_allowed_host(str(ip), allow_hosts):
        return
    reason = refusal_reason(ip)
    if reason is not None:
        raise GuardError("refused_address", f"{host} -> {ip} ({reason})")


def is_allowed_host(host: str, allow_hosts: frozenset[str]) -> bool:
    """True when the operator listed ``host`` in FEED_ALLOW_HOSTS (names compared case-insensitively)."""
    return host.strip("[]").rstrip(".").lower() in allow_hosts


def check_url(url: str, allow_hosts: frozenset[str]) -> str:
    """Validate scheme and host of ``url`` (IP literals checked here; names when resolved); return the host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise GuardError("bad_url", str(exc)) from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise GuardError("bad_scheme", parts.scheme or "(none)")
    host = parts.hostname
    if not host:
        raise GuardError("bad_url", "no host")
    if parts.username is not None or parts.password is not None:
        raise GuardError("bad_url", "credentials in URL")
    if port == 0:
        raise GuardError("bad_url", "port 0")
    literal = parse_address(host)
    if literal is not None:
        check_address(literal, host, allow_hosts)
    elif _looks_numeric(host):
        # "2130706433", "0x7f.1" and friends: resolvers read them as IPv4, so refuse rather than guess.
        raise GuardError("bad_url", f"numeric host {host!r}")
    return host


def _looks_numeric(host: str) -> bool:
    labels = host.rstrip(".").split(".")
    return all(label.isdigit() or label.lower().startswith("0x") for label in labels if label)
