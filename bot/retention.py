"""How long Haikei keeps what it keeps: every retention period, in one place (PRIVACY.md states the same).

Each cog enforces its own periods in its ``apply_retention(now)`` hook, which the privacy cog's daily job calls
(under a lease, so once per bot); the alerts poller prunes seen items and decisions itself, with the same
numbers (a test keeps them in step). Log files are the operator's: the bot cannot delete them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DAY = 86_400.0  # seconds

GUILD_PURGE_DAYS = 30  # a server's data, after Haikei is removed from it (unless it is added back)
SEEN_ITEM_DAYS = 60  # feed items no feed has shown for this long (alerts)
ALERT_DECISION_DAYS = 30  # why a story was or wasn't posted (alerts, `/alerts why`)
POSTED_ALERT_DAYS = 90  # alerts posted in a server: the history behind "never twice" and "Also reported by"
AUDIT_ID_DAYS = (
    180  # member and server-moderator ids in audit logs (curators' ids stay: they answer for records)
)
SUBMISSION_NOTES_DAYS = 180  # a submission's private notes, counted from the curators' decision
PRIVACY_LOG_DAYS = 365  # the log of deletions (`/privacy delete` and server purges; it holds no member id)
LOG_DAYS = 14  # what operators are asked to keep of the bot's own log output (it holds user ids on errors)


def cutoff(now: float, days: float) -> float:
    """The moment ``days`` before ``now`` (both in seconds since the epoch)."""
    return now - days * DAY


def cutoff_iso(now: float, days: float) -> str:
    """:func:`cutoff` as the ISO text the stores write (UTC, to the second)."""
    return (datetime.fromtimestamp(now, UTC) - timedelta(days=days)).isoformat(timespec="seconds")
