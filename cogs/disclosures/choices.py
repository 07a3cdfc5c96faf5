"""The English names of the search and edit options' choices, one per value of the vocabulary (``vocab.py``).

The catalogs translate them by key (``disclosures.choice.<kind>.<value>``); a test checks that each value of the
vocabulary has one, in order.
"""

from __future__ import annotations

MEDIUM_NAMES = {
    "anime_short": "Anime short",
    "anime_series": "Anime series",
    "film": "Film",
    "tv_series": "TV series",
    "game": "Game",
    "advertisement": "Advertisement",
    "book_cover": "Book cover",
    "card_game": "Card game",
    "comic": "Comic / manga",
    "music_video": "Music video",
    "other": "Other",
}
USE_NAMES = {
    "backgrounds": "Backgrounds",
    "key_visual": "Key visual",
    "character_art": "Character art",
    "animation": "Animation",
    "in_betweening": "In-betweening",
    "opening_credits": "Opening credits",
    "subtitles_translation": "Subtitles / translation",
    "voice_dubbing": "Voice / dubbing",
    "music": "Music",
    "promotional_art": "Promotional art",
    "script": "Script",
    "cover_art": "Cover art",
    "other": "Other",
}
STATUS_NAMES = {
    "credited_upfront": "Credited upfront",
    "disclosed_in_announcement": "Disclosed in an announcement",
    "admitted_after_discovery": "Admitted after discovery",
    "denied_then_admitted": "Denied, then admitted",
    "denied": "Denied (not confirmed)",
    "unconfirmed_allegation": "Unconfirmed allegation",
}
