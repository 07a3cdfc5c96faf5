"""Parse how long a poll stays open (`30m`, `2h`, `1d12h`) or when it closes (ISO time, `<t:…>`) — pure.

Every problem carries an ``example`` closing time generated from ``now`` (tomorrow at the next full hour, UTC),
so no message ever suggests a date that has already passed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from cogs.polls.problems import InputProblem

MIN_DURATION = timedelta(minutes=1)
MAX_DURATION = timedelta(days=90)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
EXAMPLE_FORMAT = "%Y-%m-%dT%H:%M"
_PART = re.compile(r"(\d{1,6})\s*([smhdw])", re.IGNORECASE)
_DURATION = re.compile(r"^(?:\s*\d{1,6}\s*[smhdw]\s*)+$", re.IGNORECASE)
_NEGATIVE_DURATION = re.compile(r"^-\s*(?:\s*\d{1,6}\s*[smhdw]\s*)+$", re.IGNORECASE)
_DISCORD_TIMESTAMP = re.compile(r"^<t:(-?\d{1,12})(?::[tTdDfFR])?>$")


def example_closing_time(now: datetime) -> str:
    """A closing time to show as an example: one day after ``now``, at the next full hour, in UTC."""
    moment = now.astimezone(UTC) + timedelta(days=1)
    return (moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)).strftime(EXAMPLE_FORMAT)


def _problem(key: str, raw: str, now: datetime, **extra: object) -> InputProblem:
    return InputProblem(key, {"value": raw[:50], "example": example_closing_time(now), **extra})


def parse_duration(text: str, now: datetime | None = None) -> timedelta:
    """``30m``, ``2h``, ``3d``, ``1w``, ``1d 12h`` → a timedelta (no bounds check)."""
    if not _DURATION.match(text or ""):
        raise _problem("polls.errors.bad_duration", text or "", now or datetime.now(UTC))
    seconds = sum(int(n) * UNITS[unit.lower()] for n, unit in _PART.findall(text))
    return timedelta(seconds=seconds)


def parse_closing_time(text: str, now: datetime | None = None) -> datetime:
    """An absolute closing time: ``<t:unix>``, a unix number, or ISO 8601 (no zone means UTC)."""
    raw = text.strip()
    now = now or datetime.now(UTC)
    stamp = _DISCORD_TIMESTAMP.match(raw)
    if stamp or raw.isdigit():
        try:
            return datetime.fromtimestamp(int(stamp.group(1) if stamp else raw), UTC)
        except (OverflowError, OSError, ValueError):
            raise _problem("polls.errors.bad_duration", raw, now) from None
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise _problem("polls.errors.bad_duration", raw, now) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def closing_time(text: str, now: datetime) -> datetime:
    """When a poll given ``text`` (a duration or a closing time) closes, checked against sane bounds."""
    raw = (text or "").strip()
    if not raw:
        raise _problem("polls.errors.bad_duration", "", now)
    if _NEGATIVE_DURATION.match(raw):
        raise _problem("polls.errors.too_short", raw, now, count=_minutes(MIN_DURATION))
    if _DURATION.match(raw):
        length = parse_duration(raw, now)
        if length < MIN_DURATION:  # "0m", "30s": a length, never "in the past"
            raise _problem("polls.errors.too_short", raw, now, count=_minutes(MIN_DURATION))
        when = now + length
    else:
        when = parse_closing_time(raw, now)
        if when <= now:
            raise _problem("polls.errors.past_closing", raw, now)
        if when - now < MIN_DURATION:
            raise _problem("polls.errors.too_short", raw, now, count=_minutes(MIN_DURATION))
    if when - now > MAX_DURATION:
        raise _problem("polls.errors.too_long", raw, now, count=MAX_DURATION.days)
    return when


def extended_deadline(text: str, current: datetime, now: datetime) -> datetime:
    """A new deadline for ``extend``: a duration is added to the current deadline; a time replaces it."""
    raw = (text or "").strip()
    if _NEGATIVE_DURATION.match(raw):
        raise _problem("polls.errors.extend_too_short", raw, now, count=_minutes(MIN_DURATION))
    if _DURATION.match(raw):
        extra = parse_duration(raw, now)
        if extra < MIN_DURATION:
            raise _problem("polls.errors.extend_too_short", raw, now, count=_minutes(MIN_DURATION))
        when = max(current, now) + extra
        if when - now > MAX_DURATION:
            raise _problem("polls.errors.too_long", raw, now, count=MAX_DURATION.days)
        return when
    when = closing_time(raw, now)
    if when <= current:
        raise _problem("polls.errors.not_later", raw, now)
    return when
