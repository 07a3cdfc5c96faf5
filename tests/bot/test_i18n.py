import tomllib
import unicodedata
from pathlib import Path

import discord
import pytest

from bot.i18n import Catalogs, flatten, language_of

ROOT = Path(__file__).resolve().parents[2]
CATALOG_DIRS = [ROOT / "bot" / "locales", *sorted((ROOT / "cogs").glob("*/locales"))]


def is_valid_command_name(name: str) -> bool:
    """Discord's rule: ^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$, lower case where the script has case."""
    if not 1 <= len(name) <= 32 or name != name.lower():
        return False
    for ch in name:
        category = unicodedata.category(ch)
        script_ok = "DEVANAGARI" in unicodedata.name(ch, "") or "THAI" in unicodedata.name(ch, "")
        if ch not in "-_" and category[0] not in "LN" and not script_ok:
            return False
    return True


def load(directory: Path, lang: str) -> dict[str, str]:
    return flatten(tomllib.loads((directory / f"{lang}.toml").read_text(encoding="utf-8")))


@pytest.mark.parametrize("directory", CATALOG_DIRS, ids=lambda p: str(p.relative_to(ROOT)))
def test_english_and_japanese_have_the_same_keys(directory: Path) -> None:
    en, ja = load(directory, "en"), load(directory, "ja")
    assert sorted(set(en) - set(ja)) == []
    assert sorted(set(ja) - set(en)) == []
    assert all(value.strip() for value in ja.values())


@pytest.mark.parametrize("directory", CATALOG_DIRS, ids=lambda p: str(p.relative_to(ROOT)))
def test_command_names_follow_discord_rules(directory: Path) -> None:
    for lang in ("en", "ja"):
        names = {
            k: v
            for k, v in load(directory, lang).items()
            if k.startswith(("cmd.", "menu.")) and k.endswith(".name")
        }
        bad = {k: v for k, v in names.items() if not k.startswith("menu.") and not is_valid_command_name(v)}
        assert bad == {}, f"{lang}: invalid command names {bad}"


def test_name_rule_examples() -> None:
    assert is_valid_command_name("投票")
    assert is_valid_command_name("ai-開示")
    assert not is_valid_command_name("Help")
    assert not is_valid_command_name("two words")
    assert not is_valid_command_name("x" * 33)


def test_catalog_lookup_falls_back_to_english() -> None:
    catalogs = Catalogs()
    catalogs.add("en", {"greet": "Hello {name}", "only.en": "English"})
    catalogs.add("ja", {"greet": "こんにちは {name}"})
    assert catalogs.text("greet", discord.Locale.japanese, name="A") == "こんにちは A"
    assert catalogs.text("greet", discord.Locale.american_english, name="A") == "Hello A"
    assert catalogs.text("only.en", "ja") == "English"
    assert catalogs.text("greet", discord.Locale.french, name="A") == "Hello A"


def test_duplicate_keys_are_refused() -> None:
    catalogs = Catalogs()
    catalogs.add("en", {"a": "1"})
    with pytest.raises(ValueError, match="duplicate"):
        catalogs.add("en", {"a": "2"})


def test_language_of() -> None:
    assert language_of(discord.Locale.japanese) == "ja"
    assert language_of("en-GB") == "en"
    assert language_of(None) == "en"


def test_plural_entries_pick_the_form_for_the_count() -> None:
    from bot.i18n import Catalogs

    catalogs = Catalogs()
    catalogs.add("en", {"x.votes.one": "{count} vote", "x.votes.other": "{count} votes"})
    catalogs.add("ja", {"x.votes.one": "{count} 票", "x.votes.other": "{count} 票"})
    assert [catalogs.text("x.votes", "en-US", count=n) for n in (0, 1, 2)] == ["0 votes", "1 vote", "2 votes"]
    assert catalogs.text("x.votes", "en-US", count="1,000") == "1,000 votes"
    assert catalogs.text("x.votes", "ja", count=1) == "1 票"
