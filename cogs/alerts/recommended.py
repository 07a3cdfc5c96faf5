"""Read the recommended feed list shipped in data/feeds.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RecommendedFeed:
    name: str
    url: str
    language: str


def load(path: Path) -> tuple[RecommendedFeed, ...]:
    """Every ``[[feed]]`` entry, in file order (a relative path is taken from the project root)."""
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(
        RecommendedFeed(
            name=str(entry["name"]),
            url=str(entry["url"]),
            language=str(entry.get("language", "en")),
        )
        for entry in data.get("feed", [])
    )
