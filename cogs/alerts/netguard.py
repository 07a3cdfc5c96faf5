"""Decide, without connecting, whether a feed URL or address may be fetched (the SSRF guard's rules).

A URL is parsed once, by yarl, exactly as aiohttp parses it: the host goes through IDNA/UTS-46, so
``127。0。0。2`` becomes ``127.0.0.2``. The host classified is that URL's ``raw_host``, the very string aiohttp
connects to (IP literals, which never reach a resolver) or hands to the guarding resolver (names), and the
fetcher requests that same URL object.
"""

from __future__ import annotations

import ipaddress
import logging
import re

from yarl import URL

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})

# The IANA IPv4 and IPv6 special-purpose address registries, where Python's ``ipaddress`` flags (checked after
# this table: loopback, private, reserved, not global…) miss a range or give it a vaguer name. First match wins.
_NAMED_NETWORKS: tuple[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network], ...] = tuple(
    (reason, ipaddress.ip_network(network))
    for reason, network in (
        ("metadata", "169.254.169.254/32"),
        ("metadata", "fd00:ec2::254/128"),
        ("this_network", "0.0.0.0/8"),
        ("shared", "100.64.0.0/10"),
        ("ietf_protocol", "192.0.0.0/24"),  # whole /24: ipaddress (before 3.12.4) only knows parts of it
        ("6to4", "192.88.99.0/24"),  # the deprecated 6to4 relay anycast (RFC 7526)
        ("benchmarking", "198.18.0.0/15"),
        ("documentation", "192.0.2.0/24"),
        ("documentation", "198.51.100.0/24"),
        ("documentation", "203.0.113.0/24"),
        ("unspecified", "::/128"),
        ("loopback", "::1/128"),
        ("ipv4_compatible", "::/96"),  # deprecated IPv4-compatible addresses, e.g. ::127.0.0.2
        ("nat64", "64:ff9b::/96"),
        ("nat64", "64:ff9b:1::/48"),
        ("discard", "100::/64"),
        ("teredo", "2001::/32"),
        ("benchmarking", "2001:2::/48"),
        ("documentation", "2001:db8::/32"),
        ("ietf_protocol", "2001::/23"),
        ("6to4", "2002::/16"),
        ("documentation", "3fff::/20"),  # RFC 9637, unknown to ipaddress before 3.13
        ("srv6", "5f00::/16"),  # segment-routing SIDs (RFC 9602)
        ("site_local", "fec0::/10"),  # deprecated (RFC 3879) but still routed inside sites
    )
)

# What a resolver may be asked: letters, digits, "-" and "_" in dot-separated labels (after IDNA, so ASCII).
_HOST_NAME = re.compile(r"(?:[a-z0-9_-]+\.)*[a-z0-9_-]+\.?")


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


def normalise_host(host: str) -> str:
    """``host`` as yarl writes it into a URL (IDNA/UTS-46, lower case), for comparison with a URL's host."""
    text = host.strip().strip("[]").rstrip(".").lower()
    try:
        return URL.build(scheme="http", host=text).raw_host or text
    except (ValueError, UnicodeError):
        return text


def is_allowed_host(host: str, allow_hosts: frozenset[str]) -> bool:
    """True when the operator listed ``host`` in FEED_ALLOW_HOSTS (both sides normalised like a URL's host)."""
    return host.strip("[]").rstrip(".").lower() in allow_hosts


def check_url(url: str, allow_hosts: frozenset[str], *, base: URL | None = None) -> URL:
    """Validate ``url`` (a redirect's Location when ``base`` is the URL that sent it) and return it parsed as
    the URL to request. IP literals are classified here; names are checked again when resolved."""
    try:
        target = base.join(URL(url)) if base is not None else URL(url)
        written = URL(url, encoded=True).raw_authority  # the authority as typed, before IDNA
        port = target.port
    except (ValueError, UnicodeError) as exc:
        raise GuardError("bad_url", str(exc)[:200]) from None
    if target.scheme not in ALLOWED_SCHEMES:
        raise GuardError("bad_scheme", target.scheme or "(none)")
    host = target.raw_host
    if not host:
        raise GuardError("bad_url", "no host")
    if target.raw_user is not None or target.raw_password is not None:
        raise GuardError("bad_url", "credentials in URL")
    if port == 0:
        raise GuardError("bad_url", "port 0")
    if not host.isascii():  # only a URL built as pre-encoded skips IDNA; aiohttp would pass it on as is
        raise GuardError("bad_url", f"host {host!r} is not ASCII")
    name = host.rstrip(".")
    literal = parse_address(name)
    special = literal is not None or _looks_numeric(name) or _is_localhost(name)
    if special and not written.isascii():
        # Look-alike dots or digits that IDNA folds into an address: refused whatever the address.
        raise GuardError("disguised_address", host)
    if literal is not None:
        check_address(literal, host, allow_hosts)
    elif _looks_numeric(name):
        # "2130706433", "0x7f.1" and friends: resolvers read them as IPv4, so refuse rather than guess.
        raise GuardError("bad_url", f"numeric host {host!r}")
    elif not _HOST_NAME.fullmatch(host):
        raise GuardError("bad_url", f"host {host!r} is not a host name")  # "%31%32%37.0.0.1", "a b"…
    elif _is_localhost(name) and not is_allowed_host(name, allow_hosts):
        raise GuardError("refused_address", f"{host} (loopback name)")
    return target


def _looks_numeric(host: str) -> bool:
    labels = host.rstrip(".").split(".")
    return all(label.isdigit() or label.lower().startswith("0x") for label in labels if label)


def _is_localhost(name: str) -> bool:
    return name == "localhost" or name.endswith(".localhost")  # RFC 6761: always loopback
