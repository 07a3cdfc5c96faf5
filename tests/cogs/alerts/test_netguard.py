"""The SSRF classification table: every non-public address refused, decided without any connection."""

from __future__ import annotations

import ipaddress

import pytest

from cogs.alerts.netguard import GuardError, check_address, check_url, refusal_reason

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.0.0.2", "loopback"),
    ("::1", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("169.254.169.254", "metadata"),
    ("fd00:ec2::254", "metadata"),
    ("169.254.1.1", "link_local"),
    ("fe80::1", "link_local"),
    ("100.64.0.1", "shared"),
    ("100.127.255.254", "shared"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "this_network"),
    ("::", "unspecified"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("::ffff:127.0.0.1", "ipv4_mapped"),
    ("::ffff:8.8.8.8", "ipv4_mapped"),
    ("64:ff9b::a00:1", "nat64"),
    ("64:ff9b:1::1", "nat64"),
    ("2002:7f00:1::1", "6to4"),
    ("2001:0:4136:e378::1", "teredo"),
    ("198.18.0.1", "benchmarking"),
    ("192.0.2.1", "documentation"),
    ("2001:db8::1", "documentation"),
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2001:4860:4860::8888"]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_non_public_addresses_are_refused_with_a_reason(address: str, reason: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) == reason
    with pytest.raises(GuardError) as info:
        check_address(address, "example.org", frozenset())
    assert info.value.reason == "refused_address"


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is None
    check_address(address, "example.org", frozenset())


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://[::1]:8080/feed",
        "http://169.254.169.254/latest/meta-data/",
        "https://10.1.2.3/rss",
        "http://[::ffff:10.0.0.1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2002:a00:1::]/",
        "http://0.0.0.0/",
    ],
)
def test_ip_literal_urls_are_refused_before_any_lookup(url: str) -> None:
    with pytest.raises(GuardError) as info:
        check_url(url, frozenset())
    assert info.value.reason == "refused_address"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "bad_scheme"),
        ("ftp://example.org/feed", "bad_scheme"),
        ("gopher://example.org/", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("example.org/feed", "bad_scheme"),
        ("http:///nohost", "bad_url"),
        ("http://user:pw@example.org/", "bad_url"),
        ("http://2130706433/", "bad_url"),
        ("http://0x7f.0.0.1/", "bad_url"),
        ("http://example.org:99999/", "bad_url"),
    ],
)
def test_bad_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(GuardError) as info:
        check_url(url, frozenset())
    assert info.value.reason == reason


def test_allow_list_admits_a_named_host_or_literal() -> None:
    assert check_url("http://127.0.0.1:8000/feed", frozenset({"127.0.0.1"})) == "127.0.0.1"
    check_address("10.0.0.5", "feeds.internal", frozenset({"feeds.internal"}))
    with pytest.raises(GuardError):
        check_url("http://127.0.0.2:8000/feed", frozenset({"127.0.0.1"}))


def test_public_names_pass_the_url_check_and_are_resolved_later() -> None:
    assert (
        check_url("https://www.animenewsnetwork.com/all/rss.xml", frozenset()) == "www.animenewsnetwork.com"
    )
