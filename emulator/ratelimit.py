"""Discord's rate limits, answered with 429s exactly like Discord's, so tests and benchmarks can prove the bot
paces itself and retries.

- **Global**: at most ``global_limit`` requests per second per bot token (Discord: 50), counted over a sliding
  one-second window (stricter than any fixed window, so a client that passes here passes on Discord). Only
  requests authenticated with the bot token count: interaction callbacks and ``/webhooks/...`` (follow-ups with
  the interaction token) are exempt, as on Discord. A global 429 carries ``X-RateLimit-Global: true``,
  ``X-RateLimit-Scope: global`` and ``{"global": true}``, which makes discord.py pause every request.
- **Per route** (opt-in rules): ``limit`` requests per ``per`` seconds, either shared by every matching path or,
  with ``per_resource``, one bucket per top-level resource (channel, guild, webhook) like Discord's
  ``5 messages / 5 s`` per channel.
- **Invalid requests**: 401, 403 and 429 responses (not 429s of scope ``shared``) are counted; past
  ``invalid_limit`` within ten minutes the token is "banned": every request gets Cloudflare's 429 (no ``Via``
  header, a text body), which discord.py reports as an error rather than retrying.

discord.py only treats a 429 as a rate limit (rather than a Cloudflare ban) when the response has a
``Via`` header and a JSON body, so both are always sent for real rate limits.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

DISCORD_GLOBAL_LIMIT = 50  # requests per second per bot token
INVALID_LIMIT = 10_000  # invalid requests per INVALID_WINDOW before a temporary ban
INVALID_WINDOW = 600.0
INVALID_STATUSES = frozenset({401, 403, 429})
VIA = "1.1 google"
MAJOR = re.compile(r"^/(channels|guilds)/(\d+)|^/webhooks/(\d+)(?:/([^/]+))?")


def major_parameter(path: str) -> str:
    """The top-level resource a per-route bucket is counted for: ``channels/123``, ``webhooks/1/tok``..."""
    m = MAJOR.match(path)
    if m is None:
        return ""
    if m.group(1):
        return f"{m.group(1)}/{m.group(2)}"
    return f"webhooks/{m.group(3)}/{m.group(4) or ''}"


def _ceil_ms(seconds: float) -> float:
    """Round up to the millisecond, so a client that waits exactly this long is never early."""
    return max(math.ceil(seconds * 1000) / 1000, 0.001)


@dataclass
class Rule:
    method: str
    pattern: re.Pattern[str]
    limit: int
    per: float
    window_start: float = 0.0
    count: int = 0
    hits: int = 0  # how many 429s this rule produced
    advertise: bool = True  # False: successes don't reveal the bucket, so the client is surprised by 429s
    per_resource: bool = False  # one window per channel/guild/webhook instead of one for every match
    windows: dict[str, tuple[float, int]] = field(default_factory=dict)

    @property
    def bucket(self) -> str:
        return hashlib.sha1(f"{self.method} {self.pattern.pattern}".encode()).hexdigest()[:16]

    def take(self, path: str, now: float) -> tuple[bool, int, float]:
        """Count one request; returns (allowed, remaining, reset_after)."""
        key = major_parameter(path) if self.per_resource else ""
        start, count = self.windows.get(key, (self.window_start, self.count))
        if now - start >= self.per:
            start, count = now, 0
        reset_after = max(self.per - (now - start), 0.001)
        allowed = count < self.limit
        if allowed:
            count += 1
        self.windows[key] = (start, count)
        if not self.per_resource:
            self.window_start, self.count = start, count
        return allowed, self.limit - count, reset_after


@dataclass
class GlobalLimit:
    """At most ``limit`` admitted requests in any ``per``-second interval."""

    limit: int = DISCORD_GLOBAL_LIMIT
    per: float = 1.0
    admitted: deque[float] = field(default_factory=deque)

    def take(self, now: float) -> float:
        """Admit and record one request (returns 0.0), or return how long until one would be admitted."""
        while self.admitted and now - self.admitted[0] >= self.per:
            self.admitted.popleft()
        if len(self.admitted) >= self.limit:
            return _ceil_ms(self.admitted[0] + self.per - now)
        self.admitted.append(now)
        return 0.0


@dataclass
class InvalidRequests:
    """Discord's invalid-request counter (401/403/429 except scope ``shared``) over a ten-minute window."""

    limit: int | None = INVALID_LIMIT
    window: float = INVALID_WINDOW
    total: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    recent: deque[float] = field(default_factory=deque)

    def record(self, status: int, scope: str | None, now: float) -> None:
        if status not in INVALID_STATUSES or (status == 429 and scope == "shared"):
            return
        self.total += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1
        self.recent.append(now)
        if self.limit is not None and self.in_window(now) == self.limit:
            log.warning("sandbox: %d invalid requests in 10 minutes: the token is now banned", self.limit)

    def in_window(self, now: float) -> int:
        while self.recent and now - self.recent[0] >= self.window:
            self.recent.popleft()
        return len(self.recent)

    def banned(self, now: float) -> bool:
        return self.limit is not None and self.in_window(now) >= self.limit


@dataclass
class Refusal:
    """A 429 to send: its headers and Discord's JSON body."""

    headers: dict[str, str]
    body: dict[str, Any]
    scope: str

    @property
    def retry_after(self) -> float:
        return float(self.body["retry_after"])


@dataclass
class RateLimiter:
    rules: list[Rule] = field(default_factory=list)
    limited: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of each 429 given
    global_limit: GlobalLimit | None = field(default_factory=GlobalLimit)
    invalid: InvalidRequests = field(default_factory=InvalidRequests)
    global_hits: int = 0
    route_hits: int = 0

    def add(
        self,
        method: str,
        path_regex: str,
        limit: int,
        per: float,
        advertise: bool = True,
        *,
        per_resource: bool = False,
    ) -> Rule:
        rule = Rule(
            method.upper(), re.compile(path_regex), limit, per, advertise=advertise, per_resource=per_resource
        )
        self.rules.append(rule)
        return rule

    def add_discord_buckets(self) -> None:
        """Discord's documented per-channel message limit: 5 messages per 5 s in each channel."""
        self.add("POST", r"^/channels/\d+/messages$", 5, 5.0, per_resource=True)

    def check_global(self, method: str, path: str) -> Refusal | None:
        """Count an authenticated request against the global limit; a refusal when it is over."""
        if self.global_limit is None:
            return None
        retry_after = self.global_limit.take(time.monotonic())
        if not retry_after:
            return None
        self.global_hits += 1
        self.limited.append((method, path))
        log.info("sandbox global rate limit: 429 for %s %s (retry %.3fs)", method, path, retry_after)
        headers = {
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Global": "true",
            "X-RateLimit-Scope": "global",
            "Via": VIA,
        }
        body: dict[str, Any] = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": True,
        }
        return Refusal(headers, body, "global")

    def check(self, method: str, path: str) -> tuple[bool, dict[str, str], float]:
        """Count the request against the first matching route rule; returns (allowed, headers, retry_after)."""
        now = time.monotonic()
        for rule in self.rules:
            if rule.method not in (method, "*") or not rule.pattern.search(path):
                continue
            allowed, remaining, reset_after = rule.take(path, now)
            headers = {
                "X-RateLimit-Limit": str(rule.limit),
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": rule.bucket,
                "Via": VIA,
            }
            if not allowed:
                rule.hits += 1
                self.route_hits += 1
                self.limited.append((method, path))
                headers["X-RateLimit-Scope"] = "user"
                headers["Retry-After"] = str(math.ceil(reset_after))
                log.info("sandbox rate limit: 429 for %s %s (retry %.3fs)", method, path, reset_after)
                return False, headers, reset_after
            if rule.advertise:
                return True, headers, 0.0
            break
        bucket = hashlib.sha1(f"{method} {path}".encode()).hexdigest()[:16]
        return (
            True,
            {
                "X-RateLimit-Limit": "50",
                "X-RateLimit-Remaining": "49",
                "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
                "X-RateLimit-Reset-After": "1.000",
                "X-RateLimit-Bucket": bucket,
                "Via": VIA,
            },
            0.0,
        )
