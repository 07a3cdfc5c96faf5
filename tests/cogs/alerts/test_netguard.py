"""The SSRF classification table: every non-public address refused, decided without any connection."""

from __future__ import annotations

import ipaddress

import pytest
from yarl import URL

from cogs.alerts.fetch import FeedFetcher
from cogs.alerts.netguard import GuardError, check_address, check_url, normalise_host, refusal_reason

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
    # Special-purpose ranges Python's ipaddress (3.11) calls global, or names vaguely: the table names them.
    ("192.0.0.9", "ietf_protocol"),
    ("192.0.0.170", "ietf_protocol"),
    ("192.0.0.255", "ietf_protocol"),
    ("192.88.99.1", "6to4"),
    ("fec0::1", "site_local"),
    ("feff:ffff::1", "site_local"),
    ("3fff::1", "documentation"),
    ("3fff:fff:ffff::1", "documentation"),
    ("5f00::1", "srv6"),
    ("::127.0.0.2", "ipv4_compatible"),
    ("::a00:1", "ipv4_compatible"),
    ("100::1", "discard"),
    ("2001:2::1", "benchmarking"),
    ("2001:1::1", "ietf_protocol"),
    ("2001:10::1", "ietf_protocol"),
    ("fe80::1%eth0", "scoped"),
]
PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    # Just outside the ranges added above.
    "192.0.1.255",
    "192.0.3.1",
    "192.88.98.255",
    "192.88.100.1",
    "3fff:1000::1",
    "2001:200::1",
]


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
    assert check_url("http://127.0.0.1:8000/feed", frozenset({"127.0.0.1"})).raw_host == "127.0.0.1"
    check_address("10.0.0.5", "feeds.internal", frozenset({"feeds.internal"}))
    with pytest.raises(GuardError):
        check_url("http://127.0.0.2:8000/feed", frozenset({"127.0.0.1"}))


def test_public_names_pass_the_url_check_and_are_resolved_later() -> None:
    url = "https://www.animenewsnetwork.com/all/rss.xml"
    assert check_url(url, frozenset()).raw_host == "www.animenewsnetwork.com"


# 127.0.0.2 (and friends) written so that a guard reading the text sees a name, while yarl's IDNA/UTS-46 step
# (which aiohttp uses) turns it into an address. Classified only: nothing here is ever contacted.
CONFUSABLE = [
    ("http://127\u30020\u30020\u30022:8000/feed", "127.0.0.2"),  # ideographic full stop 。
    ("http://127\uff0e0\uff0e0\uff0e2/feed", "127.0.0.2"),  # fullwidth full stop ．
    ("http://127\uff610\uff610\uff612/feed", "127.0.0.2"),  # halfwidth ideographic full stop ｡
    ("http://127\u30020.0\uff612/feed", "127.0.0.2"),  # mixed
    ("http://127\u30020\u30020\u30022\u3002/feed", "127.0.0.2."),  # trailing 。
    ("http://\uff11\uff12\uff17.\uff10.\uff10.\uff12/feed", "127.0.0.2"),  # fullwidth digits
    ("http://\u2460\u2461\u2466.0.0.2/feed", "127.0.0.2"),  # circled digits ①②⑦
    ("http://\uff11\uff12\uff17\u3002\uff10\u3002\uff10\u3002\uff11/feed", "127.0.0.1"),  # allow-listed
    ("http://\uff18\u3002\uff18\u3002\uff18\u3002\uff18/feed", "8.8.8.8"),  # public, still a disguise
    ("http://169\u3002254\u3002169\u3002254/latest/meta-data/", "169.254.169.254"),
    ("http://0x7f\u30020\u30020\u30021/", "0x7f.0.0.1"),
    ("http://\uff12\uff11\uff13\uff10\uff17\uff10\uff16\uff14\uff13\uff13/", "2130706433"),
    ("http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/", "localhost"),  # ｌｏｃａｌｈｏｓｔ
    ("http://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3./", "localhost."),  # ⓛⓞⓒⓐⓛⓗⓞⓢⓣ.
    ("http://LOCAL\u3002localhost/", "local.localhost"),
    ("HTTP://127\u30020\u30020\u30022/", "127.0.0.2"),
]


@pytest.mark.parametrize(("url", "client_host"), CONFUSABLE)
def test_look_alike_addresses_are_refused_as_disguised(url: str, client_host: str) -> None:
    assert URL(url).raw_host == client_host  # what aiohttp would connect to: the premise of the refusal
    with pytest.raises(GuardError) as info:
        check_url(url, frozenset({"127.0.0.1", "localhost"}))
    assert info.value.reason == "disguised_address"
    assert info.value.detail == client_host


@pytest.mark.parametrize(("location", "client_host"), CONFUSABLE)
def test_look_alike_addresses_are_refused_in_a_redirect(location: str, client_host: str) -> None:
    base = URL("http://127.0.0.1:8000/feed")
    scheme_relative = location.split(":", 1)[1]  # "//127。0。0。2:8000/feed"
    for written in (location, scheme_relative):
        with pytest.raises(GuardError) as info:
            check_url(written, frozenset({"127.0.0.1"}), base=base)
        assert info.value.reason == "disguised_address"


@pytest.mark.parametrize(
    ("url", "reason", "why"),
    [
        ("http://127.0.0.2./feed", "refused_address", "(loopback)"),  # trailing dot
        ("http://[::1]./", "bad_url", "Invalid IPv6"),
        ("http://LOCALHOST./", "refused_address", "loopback name"),  # mixed case, trailing dot
        ("http://localhost/", "refused_address", "loopback name"),
        ("http://feeds.localhost/", "refused_address", "loopback name"),
        ("http://[::ffff:127.0.0.2]/", "refused_address", "(ipv4_mapped)"),  # IPv4-mapped
        ("http://[::ffff:7f00:2]/", "refused_address", "(ipv4_mapped)"),
        ("http://[::127.0.0.2]/", "refused_address", "(ipv4_compatible)"),  # IPv4-compatible
        ("http://[fe80::1%25eth0]/", "refused_address", "(scoped)"),  # zone id
        ("http://[2001:db8::1%251]/", "refused_address", "(scoped)"),
        (
            "http://%31%32%37.0.0.2/",
            "bad_url",
            "not a host name",
        ),  # percent-encoded host: yarl keeps it as is
        ("http://127%2E0%2E0%2E2/", "bad_url", "not a host name"),
        ("http://127.0.0.2%00/", "bad_url", "not a host name"),
        ("http://a b/", "bad_url", "not a host name"),
        ("http://[v1.fe80::a+en1]/", "bad_url", "not a host name"),  # IPvFuture
        ("http://2130706433/", "bad_url", "numeric host"),  # decimal
        ("http://0x7f000001/", "bad_url", "numeric host"),  # hex
        ("http://0177.0.0.1/", "bad_url", "numeric host"),  # octal
        ("http://127.1/", "bad_url", "numeric host"),  # short form
        ("http://1.1.1.1\\@127.0.0.2/", "bad_url", "backslash"),  # backslash trick: yarl refuses it
        ("http://example.org@127.0.0.2/", "bad_url", "credentials"),  # credentials
        ("http://192.0.0.8/", "refused_address", "(ietf_protocol)"),
        ("http://[3fff::1]/", "refused_address", "(documentation)"),
        ("http://[fec0::1]/", "refused_address", "(site_local)"),
    ],
)
def test_tricky_ascii_forms_are_classified_by_the_host_the_client_uses(
    url: str, reason: str, why: str
) -> None:
    with pytest.raises(GuardError) as info:
        check_url(url, frozenset({"127.0.0.1"}))
    assert info.value.reason == reason and why in info.value.detail


@pytest.mark.parametrize(
    ("url", "client_host"),
    [
        ("HTTP://Example.ORG./feed", "example.org."),
        ("https://b\u00fccher.de/feed", "xn--bcher-kva.de"),
        ("https://\u65e5\u672c\u8a9e\u3002jp/rss", "xn--wgv71a119e.jp"),  # 日本語。jp: an IDN is fine
        (
            "https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\u3002org/rss",
            "example.org",
        ),  # ｅｘａｍｐｌｅ。org
        ("https://0xdeadbeef.example/rss", "0xdeadbeef.example"),
        ("https://feeds_1.example/rss", "feeds_1.example"),
    ],
)
def test_names_pass_and_the_url_returned_is_the_normalised_one(url: str, client_host: str) -> None:
    checked = check_url(url, frozenset())
    assert checked.raw_host == client_host
    assert checked is URL(checked)  # aiohttp's session takes a URL object as is: no re-parsing


def test_relative_redirects_keep_the_checked_host() -> None:
    base = URL("http://127.0.0.1:8000/a/b")
    assert (
        str(check_url("../rss?x=1", frozenset({"127.0.0.1"}), base=base)) == "http://127.0.0.1:8000/rss?x=1"
    )
    with pytest.raises(GuardError) as info:
        check_url("//127.0.0.2:8000/rss", frozenset({"127.0.0.1"}), base=base)
    assert info.value.reason == "refused_address"
    with pytest.raises(GuardError) as info:
        check_url("gopher://127.0.0.1/", frozenset({"127.0.0.1"}), base=base)
    assert info.value.reason == "bad_scheme"


def test_allow_list_entries_are_normalised_like_hosts() -> None:
    assert normalise_host("B\u00fccher.DE.") == "xn--bcher-kva.de"
    assert normalise_host("[::1]") == "::1"
    assert normalise_host(" Feeds.Example ") == "feeds.example"
    fetcher = FeedFetcher(frozenset({"B\u00fccher.DE", "127.0.0.1"}))
    assert fetcher.allow_hosts == {"xn--bcher-kva.de", "127.0.0.1"}
    check_address("10.0.0.5", "xn--bcher-kva.de", fetcher.allow_hosts)
