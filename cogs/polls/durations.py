"""Parse how long a poll stays open (`30m`, `2h`, `1d12h`) or when it closes (ISO time, `<t:…>`) — pure."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from cogs.polls.problems import InputProblem

MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=90)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_PART = re.compile(r"(\d{1,6})\s*([smhdw])", re.IGNORECASE)
_DURATION = re.compile(r"^(?:\s*\d{1,6}\s*[smhdw]\s*)+$", re.IGNORECASE)
_DISCORD_TIMESTAMP = re.compile(r"^<t:(-?\d{1,12})(?::[tTdDfFR])?>$")


def parse_duration(text: str) -> timedelta:
    """``30m``, ``2h``, ``3d``, ``1w``, ``1d 12h`` → a timedelta (no bounds check)."""
    if not _DURATION.match(text or ""):
        raise InputProblem("polls.errors.bad_duration", {"value": (text or "")[:50]})
    seconds = sum(int(n) * UNITS[unit.lower()] for n, unit in _PART.findall(text))
    return timedelta(seconds=seconds)


def parse_closing_time(text: str) -> datetime:
    """An absolute closing time: ``<t:unix>``, a unix number, or ISO 8601 (no zone means UTC)."""
    raw = text.strip()
    stamp = _DISCORD_TIMESTAMP.match(raw)
    if stamp or raw.isdigit():
        try:
            return datetime.fromtimestamp(int(stamp.group(1) if stamp else raw), UTC)
        except (OverflowError, OSError, ValueError):
            raise InputProblem("polls.errors.bad_duration", {"value": raw[:50]}) from None
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InputProblem("polls.errors.bad_duration", {"value": raw[:50]}) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def closing_time(text: str, now: datetime) -> datetime:
    """When a poll given ``text`` (a duration or a closing time) closes, checked against sane bounds."""
    raw = (text or "").strip()
    if not raw:
        raise InputProblem("polls.errors.bad_duration", {"value": ""})
    when = now + parse_duration(raw) if _DURATION.match(raw) else parse_closing_time(raw)
    if when <= now:
        raise InputProblem("polls.errors.past_closing", {"value": raw[:50]})
    if when - now < MIN_DURATION:
        raise InputProblem("polls.errors.too_short", {"value": raw[:50]})
    if when - now > MAX_DURATION:
        raise InputProblem("polls.errors.too_long", {"value": raw[:50], "count": MAX_DURATION.days})
    return when


def extended_deadline(text: str, current: datetime, now: datetime) -> datetime:
    """A new deadline for ``extend``: a duration is added to the current deadline; a time replaces it."""
    raw = (text or "").strip()
    if _DURATION.match(raw):
        when = max(current, now) + parse_duration(raw)
        if when - now > MAX_DURATION:
            raise InputProblem("polls.errors.too_long", {"value": raw[:50], "count": MAX_DURATION.days})
        return when
    when = closing_time(raw, now)
    if when <= current:
        raise InputProblem("polls.errors.not_later", {"value": raw[:50]})
    return when
