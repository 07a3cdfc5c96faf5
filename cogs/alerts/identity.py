"""Stable identities for feed items: GUID when unique, else canonical URL, else a hash of title and date."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cogs.alerts.parse import FeedItem

_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref_src"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no default port, no ``utm_*``/``fbclid``/fragment, no trailing slash."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" if port in (None, _DEFAULT_PORTS[scheme]) else f"[{host}]:{port}"
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
        ]
    )
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def title_date_hash(title: str, published: str) -> str:
    return hashlib.sha256(f"{title.strip()}\x00{published}".encode()).hexdigest()[:32]


def item_keys(items: Sequence[FeedItem]) -> list[str]:
    """One key per item, in order: ``g:<guid>``, ``u:<canonical url>`` or ``h:<hash>``."""
    guid_counts = Counter(item.guid for item in items if _real_guid(item))
    keys: list[str] = []
    for item in items:
        if _real_guid(item) and guid_counts[item.guid] == 1:
            keys.append(f"g:{item.guid}")
            continue
        canonical = canonical_url(item.link)
        if canonical:
            keys.append(f"u:{canonical}")
            continue
        published = item.published.isoformat() if item.published else ""
        keys.append(f"h:{title_date_hash(item.title, published)}")
    return keys


def _real_guid(item: FeedItem) -> bool:
    # fastfeedparser fills a missing RSS <guid> with the link: that is a URL, not a GUID.
    return bool(item.guid) and item.guid != item.link
