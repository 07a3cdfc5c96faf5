"""The English catalog, read once: the source of command descriptions and choice names in code."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.i18n import flatten

ENGLISH = flatten(tomllib.loads((Path(__file__).parent / "locales" / "en.toml").read_text(encoding="utf-8")))
