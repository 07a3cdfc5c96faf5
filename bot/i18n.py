"""Message catalogs (English, Japanese) and the app_commands Translator that reads them.

Command, group and option names/descriptions are looked up by keys derived from the command tree:
``cmd.<qualified.name>.name`` / ``.description``, ``cmd.<qualified.name>.<param>.name`` / ``.description``,
``menu.<Context menu name>.name`` and ``choice.<value>``. A ``locale_str(..., key=...)`` overrides the key.
English strings in code are the source; the ``en`` catalog repeats them so both catalogs have the same keys.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Loc

log = logging.getLogger(__name__)

LANGUAGES = ("en", "ja")
DEFAULT_LANGUAGE = "en"


def language_of(locale: discord.Locale | str | None) -> str:
    """Map a Discord locale (``ja``, ``en-US``…) to a catalog language, English when we have none."""
    value = str(locale.value if isinstance(locale, discord.Locale) else locale or "")
    lang = value.split("-")[0].lower()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


class Catalogs:
    """Key → text per language, merged from the core's and each cog's ``locales/<lang>.toml``."""

    def __init__(self) -> None:
        self._texts: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}

    def add(self, lang: str, texts: Mapping[str, str]) -> None:
        """Merge ``texts`` into ``lang``; a key defined twice is a bug and raises."""
        target = self._texts[lang]
        clash = set(target) & set(texts)
        if clash:
            raise ValueError(f"duplicate catalog keys for {lang}: {sorted(clash)[:5]}")
        target.update(texts)

    def load_dir(self, directory: Path) -> None:
        """Load ``en.toml`` / ``ja.toml`` from ``directory`` (flat tables of dotted keys)."""
        for lang in LANGUAGES:
            path = directory / f"{lang}.toml"
            if path.is_file():
                self.add(lang, flatten(tomllib.loads(path.read_text(encoding="utf-8"))))

    def _plural_key(self, key: str, lang: str, count: Any) -> str:
        """``key.one`` or ``key.other`` when ``key`` is a plural table, else ``key`` itself."""
        if key in self._texts[lang] or key in self._texts[DEFAULT_LANGUAGE]:
            return key
        if count is None or f"{key}.other" not in self._texts[DEFAULT_LANGUAGE]:
            return key
        form = f"{key}.{_plural_of(count, lang)}"
        return form if form in self._texts[lang] or form in self._texts[DEFAULT_LANGUAGE] else f"{key}.other"

    def keys(self, lang: str) -> set[str]:
        return set(self._texts[lang])

    def get(self, key: str, lang: str) -> str | None:
        return self._texts[lang].get(key)

    def text(self, key: str, locale: discord.Locale | str | None = None, /, **params: Any) -> str:
        """The text for ``key`` in ``locale``'s language (English fallback), formatted with ``params``.

        A plural-aware entry is a table ``key.one`` / ``key.other``: ``count`` picks the form (``one`` only for
        exactly 1 in English; Japanese has no plural, so ``other`` serves every count).
        """
        lang = language_of(locale)
        key = self._plural_key(key, lang, params.get("count"))
        template = self._texts[lang].get(key) or self._texts[DEFAULT_LANGUAGE].get(key)
        if template is None:
            log.error("Missing catalog key %r", key)
            return key
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            log.exception("Bad parameters for catalog key %r", key)
            return template


PLURAL_ONE = {"en": lambda n: n == 1, "ja": lambda n: False}


def _plural_of(count: Any, lang: str) -> str:
    try:
        number = float(str(count).replace(",", ""))
    except ValueError:
        return "other"
    return "one" if PLURAL_ONE.get(lang, PLURAL_ONE[DEFAULT_LANGUAGE])(number) else "other"


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Turn nested TOML tables into dotted keys."""
    flat: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{full}."))
        else:
            flat[full] = str(value)
    return flat


def command_key(string: app_commands.locale_str, context: app_commands.TranslationContextTypes) -> str | None:
    """The catalog key for a string of the command tree (see the module docstring)."""
    if "key" in string.extras:
        return str(string.extras["key"])
    data = context.data
    loc = context.location
    if loc in (Loc.command_name, Loc.group_name):
        return _command_prefix(data) + ".name"
    if loc in (Loc.command_description, Loc.group_description):
        return _command_prefix(data) + ".description"
    if loc in (Loc.parameter_name, Loc.parameter_description) and isinstance(data, app_commands.Parameter):
        suffix = "name" if loc is Loc.parameter_name else "description"
        return f"{_command_prefix(data.command)}.{data.name}.{suffix}"
    if loc is Loc.choice_name and isinstance(data, app_commands.Choice):
        return f"choice.{data.value}"
    return None


def _command_prefix(command: Any) -> str:
    if isinstance(command, app_commands.ContextMenu):
        return f"menu.{command.name}"
    return "cmd." + command.qualified_name.replace(" ", ".")


class Translator(app_commands.Translator):
    """Serves Japanese (and any later language) names and descriptions to Discord at sync time."""

    def __init__(self, catalogs: Catalogs) -> None:
        self.catalogs = catalogs

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        lang = language_of(locale)
        if lang == DEFAULT_LANGUAGE or not locale.value.startswith(lang):
            return None
        key = command_key(string, context)
        return self.catalogs.get(key, lang) if key else None
