"""Opt-in per-route rate limits that answer 429 exactly like Discord, so tests can prove the bot retries.

discord.py only treats a 429 as a rate limit (rather than a Cloudflare ban) when the response has a
``Via`` header and a JSON body, so both are always sent.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


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

    @property
    def bucket(self) -> str:
        return hashlib.sha1(f"{self.method} {self.pattern.pattern}".encode()).hexdigest()[:16]


@dataclass
class RateLimiter:
    rules: list[Rule] = field(default_factory=list)
    limited: list[tuple[str, str]] = field(default_factory=list)  # (method, path) of each 429 given

    def add(self, method: str, path_regex: str, limit: int, per: float, advertise: bool = True) -> Rule:
        rule = Rule(method.upper(), re.compile(path_regex), limit, per, advertise=advertise)
        self.rules.append(rule)
        return rule

    def check(self, method: str, path: str) -> tuple[bool, dict[str, str], float]:
        """Count the request; returns (allowed, headers, retry_after)."""
        now = time.monotonic()
        for rule in self.rules:
            if rule.method not in (method, "*") or not rule.pattern.search(path):
                continue
            if now - rule.window_start >= rule.per:
                rule.window_start, rule.count = now, 0
            reset_after = max(rule.per - (now - rule.window_start), 0.001)
            headers = {
                "X-RateLimit-Limit": str(rule.limit),
                "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": rule.bucket,
                "Via": "1.1 google",
            }
            if rule.count >= rule.limit:
                rule.hits += 1
                self.limited.append((method, path))
                headers["X-RateLimit-Remaining"] = "0"
                headers["X-RateLimit-Scope"] = "user"
                headers["Retry-After"] = str(math.ceil(reset_after))
                log.info("sandbox rate limit: 429 for %s %s (retry %.3fs)", method, path, reset_after)
                return False, headers, reset_after
            rule.count += 1
            headers["X-RateLimit-Remaining"] = str(rule.limit - rule.count)
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
                "Via": "1.1 google",
            },
            0.0,
        )
