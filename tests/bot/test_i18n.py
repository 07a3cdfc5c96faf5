import re
import string
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
def test_no_text_is_empty(directory: Path) -> None:  # same keys and placeholders: tests/bot/test_catalogs.py
    for lang in ("en", "ja"):
        assert [key for key, value in load(directory, lang).items() if not value.strip()] == [], lang


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


# Words that end in "s" but are not plural nouns, as they follow a number in our catalogs ("Poll #1 is …").
NOT_PLURALS = {"is", "was", "has", "does", "holds", "its", "this", "as", "us", "yes", "plus"}
# Counted texts whose callers belong to work in progress elsewhere; each names the constant it is given.
PENDING_CALLERS = {
    "disclosures.provenance.limit_chunks": "cogs/disclosures/png_text.py passes limit=MAX_CHUNKS (20000)",
}
ONE_THEN_PLURAL = re.compile(r"(?<![\d.,])1 (?:(?:more|new|recommended|[A-Z]\w*) )?([a-z]+s)\b")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def plural_bases(texts: dict[str, str]) -> set[str]:
    return {key.removesuffix(".one") for key in texts if key.endswith(".one")}


def every_catalog() -> Catalogs:
    catalogs = Catalogs()
    for directory in CATALOG_DIRS:
        catalogs.load_dir(directory)
    return catalogs


@pytest.mark.parametrize("directory", CATALOG_DIRS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_text_hedges_a_plural_with_s_in_brackets(directory: Path) -> None:
    for lang in ("en", "ja"):
        hedged = {k: v for k, v in load(directory, lang).items() if "(s)" in v.replace("http(s)", "")}
        assert hedged == {}, f"{lang}: use key.one / key.other instead of (s): {hedged}"


@pytest.mark.parametrize("directory", CATALOG_DIRS, ids=lambda p: str(p.relative_to(ROOT)))
def test_plural_entries_have_both_forms_and_read_right_for_one_and_two(directory: Path) -> None:
    catalogs = every_catalog()
    en = load(directory, "en")
    for base in sorted(plural_bases(en)):
        assert f"{base}.one" in en and f"{base}.other" in en, base
        params = dict.fromkeys(placeholders(en[f"{base}.one"]) | placeholders(en[f"{base}.other"]), "X")
        one = catalogs.text(base, "en", **{**params, "count": 1})
        two = catalogs.text(base, "en", **{**params, "count": 2})
        assert one == en[f"{base}.one"].format(**{**params, "count": 1}), base
        assert two == en[f"{base}.other"].format(**{**params, "count": 2}), base
        assert one.replace("1", "2") != two, (
            f"{base}: the forms for 1 and 2 read the same; a plain key will do"
        )
        assert not ONE_THEN_PLURAL.search(one), f"{base}: {one!r}"
        for lang in ("en", "ja"):  # every form of every language takes the same count
            for form in ("one", "other"):
                assert "{count}" in (catalogs.get(f"{base}.{form}", lang) or ""), f"{lang} {base}.{form}"


@pytest.mark.parametrize("directory", CATALOG_DIRS, ids=lambda p: str(p.relative_to(ROOT)))
def test_texts_with_a_counted_noun_are_plural_entries(directory: Path) -> None:
    """A plain text rendered with 1 for every number must not read "1 votes" or "1 new feeds"."""
    wrong = {}
    for key, template in load(directory, "en").items():
        if key.endswith((".one", ".other")) or key.startswith(("cmd.", "menu.")) or key in PENDING_CALLERS:
            continue
        rendered = template.format(**dict.fromkeys(placeholders(template), 1))
        found = [m.group(0) for m in ONE_THEN_PLURAL.finditer(rendered) if m.group(1) not in NOT_PLURALS]
        if found:
            wrong[key] = found
    assert wrong == {}


def test_one_vote_two_votes_in_the_shipped_catalogs() -> None:
    catalogs = every_catalog()
    assert catalogs.text("polls.message.footer", "en", id=3, count=1) == "Poll #3 · 1 vote"
    assert catalogs.text("polls.message.footer", "en", id=3, count=2) == "Poll #3 · 2 votes"
    assert catalogs.text("polls.message.footer", "ja", id=3, count=1) == "投票 #3 · 1 票"
    added = catalogs.text("alerts.channel.recommended_total", "en", count=1)
    assert catalogs.text("alerts.channel.subscribed", "en", count=1, recommended=added).startswith(
        "Subscribed to 1 new feed from the 1 recommended feed."
    )
