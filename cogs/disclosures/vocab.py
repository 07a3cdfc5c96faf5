"""The controlled vocabularies of a disclosure record, and how each status looks, in one place."""

from __future__ import annotations

STATUSES: tuple[str, ...] = (
    "credited_upfront",
    "disclosed_in_announcement",
    "admitted_after_discovery",
    "denied_then_admitted",
    "denied",
    "unconfirmed_allegation",
)

# Statuses under which the AI use is NOT established: never shown as if it were.
UNCONFIRMED_STATUSES: frozenset[str] = frozenset({"denied", "unconfirmed_allegation"})

STATUS_COLOURS: dict[str, int] = {
    "credited_upfront": 0x2E7D32,  # green
    "disclosed_in_announcement": 0x1565C0,  # blue
    "admitted_after_discovery": 0xEF6C00,  # orange
    "denied_then_admitted": 0xC62828,  # red
    "denied": 0x616161,  # grey
    "unconfirmed_allegation": 0xF9A825,  # amber
}

STATUS_EMOJI: dict[str, str] = {
    "credited_upfront": "🟢",
    "disclosed_in_announcement": "🔵",
    "admitted_after_discovery": "🟠",
    "denied_then_admitted": "🔴",
    "denied": "⚪",
    "unconfirmed_allegation": "❔",
}

MEDIUMS: tuple[str, ...] = (
    "anime_short",
    "anime_series",
    "film",
    "tv_series",
    "game",
    "advertisement",
    "book_cover",
    "card_game",
    "comic",
    "music_video",
    "other",
)

ROLES: tuple[str, ...] = ("studio", "distributor", "publisher", "platform", "developer", "vendor")

AI_USES: tuple[str, ...] = (
    "backgrounds",
    "key_visual",
    "character_art",
    "animation",
    "in_betweening",
    "opening_credits",
    "subtitles_translation",
    "voice_dubbing",
    "music",
    "promotional_art",
    "script",
    "cover_art",
    "other",
)

CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")

# Record life cycle: only "published" records are ever shown to members.
STATES: tuple[str, ...] = ("published", "pending", "rejected")


def status_label_key(status: str) -> str:
    """The catalog key of a status's label (shown with its emoji and colour)."""
    return f"disclosures.status.{status}"
