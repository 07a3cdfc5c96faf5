"""Japanese command/option names follow Discord's naming rule (key and placeholder parity of every catalog:
tests/bot/test_catalogs.py)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot.i18n import flatten

LOCALES = Path(__file__).resolve().parents[3] / "cogs" / "disclosures" / "locales"
# Discord's rule, for the scripts we use: letters/digits of any script, dash, underscore, lowercase.
NAME = re.compile(r"^[-_\w]{1,32}$")


def load(lang: str) -> dict[str, str]:
    return flatten(tomllib.loads((LOCALES / f"{lang}.toml").read_text(encoding="utf-8")))


def test_japanese_command_names_are_valid() -> None:
    names = {k: v for k, v in load("ja").items() if k.startswith("cmd.") and k.endswith(".name")}
    assert names
    for key, name in names.items():
        assert NAME.match(name) and name == name.lower(), key
