"""The message catalogs agree with each other and with the code.

1. Every catalog directory (the core's and each cog's): ``en`` and ``ja`` have the same keys and the same
   ``{placeholders}`` per key, plural tables have the forms ``Catalogs._plural_key`` needs, and no key is
   defined in two directories.
2. The ``en`` catalog repeats the English the code gives every command, group, option, choice and context
   menu (keys from ``bot.i18n.command_key``, as the bot's Translator computes them at sync), and ``ja`` has
   each key. The ``built`` fixture (tests/bot/conftest.py) builds the tree as the bot does.

That every key the code builds from a value resolves is tests/bot/test_catalog_keys.py.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Loc

from bot.extensions import EXTENSIONS
from bot.i18n import LANGUAGES
from tests.bot.catalog_support import (
    CATALOG_DIRS,
    CORE_LOCALES,
    ROOT,
    Built,
    every_catalog,
    load,
    rel,
    report,
)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


# ------------------------------------------------------------------------------------------------------------
# 1. Key parity per catalog directory


def test_the_catalog_directories_are_the_ones_the_bot_loads() -> None:
    loaded = {CORE_LOCALES} | {ROOT / Path(*name.split(".")) / "locales" for name in EXTENSIONS}
    assert set(CATALOG_DIRS) == loaded
    for directory in CATALOG_DIRS:
        assert all((directory / f"{lang}.toml").is_file() for lang in LANGUAGES), rel(directory)


@pytest.mark.parametrize("directory", CATALOG_DIRS, ids=rel)
def test_english_and_japanese_have_the_same_keys_and_placeholders(directory: Path) -> None:
    en, ja = load(directory, "en"), load(directory, "ja")
    problems = [f"only in en: {key}" for key in set(en) - set(ja)]
    problems += [f"only in ja: {key}" for key in set(ja) - set(en)]
    for key in set(en) & set(ja):
        try:
            theirs = {lang: placeholders(texts[key]) for lang, texts in (("en", en), ("ja", ja))}
        except ValueError as exc:  # a stray brace: str.format would fail on it too
            problems.append(f"{key}: unbalanced braces ({exc})")
            continue
        if theirs["en"] != theirs["ja"]:
            problems.append(f"{key}: en has {sorted(theirs['en'])}, ja has {sorted(theirs['ja'])}")
    assert not problems, report(f"{rel(directory)}: en and ja differ", problems)


@pytest.mark.parametrize("directory", CATALOG_DIRS, ids=rel)
def test_plural_tables_have_the_forms_the_lookup_needs(directory: Path) -> None:
    """``Catalogs._plural_key`` treats ``key`` as a table when ``en`` has ``key.other``, and picks ``key.one``
    for 1 in English; Japanese has no singular and always reads ``key.other``."""
    en, ja = load(directory, "en"), load(directory, "ja")
    tables = {key.removesuffix(".one") for key in (*en, *ja) if key.endswith(".one")}
    problems = [
        f"{base}: en needs .one and .other"
        for base in tables
        if not {f"{base}.one", f"{base}.other"} <= set(en)
    ]
    problems += [f"{base}: ja needs .other" for base in tables if f"{base}.other" not in ja]
    assert not problems, report(f"{rel(directory)}: incomplete plural tables", problems)


def test_no_key_is_defined_in_two_directories() -> None:
    for lang in LANGUAGES:
        owner: dict[str, Path] = {}
        clashes = []
        for directory in CATALOG_DIRS:
            for key in load(directory, lang):
                if key in owner:
                    clashes.append(f"{key}: {rel(owner[key])} and {rel(directory)}")
                owner.setdefault(key, directory)
        assert not clashes, report(f"{lang}: keys defined twice", clashes)
    every_catalog()  # the loader itself refuses a duplicate (ValueError)


# ------------------------------------------------------------------------------------------------------------
# 2. The en catalog repeats the code's English


async def test_the_english_catalog_repeats_the_english_of_the_command_tree(built: Built) -> None:
    i18n = built.bot.i18n
    problems = []
    for s in built.strings:
        if s.key is None:
            problems.append(f"{s.where}: bot.i18n.command_key gives no key")
            continue
        english = i18n.get(s.key, "en")
        if english is None:
            problems.append(f"{s.where}: {s.key} missing from en (code says {s.english!r})")
        elif english != s.english:
            problems.append(f"{s.where}: {s.key} is {english!r} in en, the code says {s.english!r}")
        if i18n.get(s.key, "ja") is None:
            problems.append(f"{s.where}: {s.key} missing from ja")
    assert not problems, report("command tree strings the catalogs do not repeat", problems)


async def test_the_walk_covers_every_cog_and_the_curators_server(built: Built) -> None:
    keys = {s.key for s in built.strings}
    locations = {s.where.rsplit("(", 1)[1].rstrip(")") for s in built.strings}
    assert {Loc.command_name.name, Loc.group_name.name, Loc.parameter_description.name} <= locations
    assert {Loc.choice_name.name} <= locations
    assert any(key and key.startswith("cmd.curate.") for key in keys), "the curators' /curate was not walked"
    assert any(key and key.startswith("menu.") for key in keys), "no context menu was walked"
    for cog in built.bot.cogs.values():
        for command in cog.get_app_commands():
            prefix = "menu." if isinstance(command, app_commands.ContextMenu) else "cmd."
            assert f"{prefix}{command.qualified_name.replace(' ', '.')}.name" in keys, command.qualified_name


async def test_every_command_key_in_the_catalogs_belongs_to_the_tree(built: Built) -> None:
    """A command, option or choice that was renamed or removed leaves no stale translation behind."""
    used = {s.key for s in built.strings}
    catalogs = every_catalog()
    stale = [
        f"{lang}: {key}"
        for lang in LANGUAGES
        for key in catalogs.keys(lang)
        if key.startswith(("cmd.", "menu.", "choice.")) and key not in used
    ]
    assert not stale, report("command keys no command, option or choice uses", stale)
