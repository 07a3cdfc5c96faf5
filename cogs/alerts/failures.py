"""Why a feed could not be used, and what is wrong with a story link, as catalog keys — pure.

Every reason a fetch, the address guard or the parser can give maps to one translated sentence
(``alerts.reason.*``). Exception text (aiohttp's, the parser's) is for the log, never for users; only the
guard's own description of a refused address (``host -> address (range)``) is shown, as a parameter.
"""

from __future__ import annotations

import re
from typing import Literal, get_args
from urllib.parse import urlsplit

REASON_PREFIX = "alerts.reason."
UNKNOWN_REASON = "alerts.reason.unknown"
PARSE_REASONS = frozenset({"empty", "not_a_feed", "entities", "invalid"})
WITH_DETAIL = frozenset({"refused_address", "disguised_address"})  # the guard's own words, never exceptions
HTTP_KINDS = {
    304: "http_not_modified",
    401: "http_forbidden",
    403: "http_forbidden",
    404: "http_not_found",
    410: "http_not_found",
    429: "http_rate_limited",
}
MAX_STORY_URL = 2000
# What can be wrong with a story link (an alerts.story_url.* suffix): what story_url_problem returns.
StoryUrlProblem = Literal[
    "empty", "too_long", "spaces", "unreadable", "relative", "bad_scheme", "no_scheme", "no_host", "bad_port"
]
STORY_URL_PROBLEMS: tuple[StoryUrlProblem, ...] = get_args(StoryUrlProblem)


def http_kind(status: int) -> str:
    """The sentence for an HTTP status that is not a success."""
    if status in HTTP_KINDS:
        return HTTP_KINDS[status]
    return "http_server_error" if status >= 500 else "http_other"


# The guard's English classification at the end of a detail ("… (private)", "… (loopback name)"): logged, but
# the sentence it goes into, in the reader's language, already says what kind of address it is.
_ENGLISH_NOTE = re.compile(r"\s*\([a-z_ ]+\)$")


def reason_key(reason: str, detail: str = "", *, parse: bool = False) -> tuple[str, dict[str, str]]:
    """The catalog key and parameters for a failure ``reason`` (a FetchError/GuardError code, or a
    ParseError code when ``parse``). Unknown codes get a key the caller will not find: use ``UNKNOWN_REASON``."""
    code = reason.strip()
    if code.startswith("http_") and code[5:].isdigit():
        return REASON_PREFIX + http_kind(int(code[5:])), {"status": code[5:]}
    if parse or code.startswith("parse_"):
        return f"{REASON_PREFIX}parse_{code.removeprefix('parse_')}", {}
    params = {"detail": _ENGLISH_NOTE.sub("", detail)} if code in WITH_DETAIL else {}
    return REASON_PREFIX + code, params


def stored_reason_key(stored: str | None) -> tuple[str, dict[str, str]]:
    """The key for a feed's stored ``last_error`` (``"<reason>: <detail>"``, as the poller records it)."""
    code, _sep, detail = (stored or "").partition(":")
    code = code.strip()
    if not code or not code.replace("_", "").isalnum():
        return UNKNOWN_REASON, {}
    return reason_key(code, detail.strip(), parse=code in PARSE_REASONS)


def story_url_problem(url: str) -> tuple[StoryUrlProblem, dict[str, str]] | None:
    """What is wrong with a story link given to ``/alerts why``: an ``alerts.story_url.*`` suffix and its
    parameters, or None when it is a usable http(s) link."""
    text = url.strip()
    if not text:
        return "empty", {}
    if len(text) > MAX_STORY_URL:
        return "too_long", {"count": str(MAX_STORY_URL)}
    if any(ch.isspace() for ch in text):
        return "spaces", {}
    try:
        parts = urlsplit(text)
    except ValueError:
        return "unreadable", {}
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        if text.startswith("/") and not text.startswith("//"):
            return "relative", {}
        # "//news.example/s", "news.example/s/1", "localhost:8080/s": a link typed without its scheme
        bare = not scheme or (not parts.netloc and ("." in scheme or parts.path[:1].isdigit()))
        if not bare:
            return "bad_scheme", {"scheme": scheme}
        suggestion = "https:" + text if text.startswith("//") else "https://" + text
        return ("no_scheme", {"suggestion": suggestion}) if _has_host(suggestion) else ("unreadable", {})
    if not (parts.hostname or "").rstrip("."):
        return "no_host", {}
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        return "bad_port", {}
    return None


def _has_host(url: str) -> bool:
    try:
        return bool((urlsplit(url).hostname or "").rstrip("."))
    except ValueError:
        return False
