"""Where the values of a family of dynamically built catalog keys come from, each a ``Values`` (the built command
tree in, the set of value tuples that fill the key's holes out): the code's constants (an Enum, a mapping, a
tuple…), the command tree itself, the reasons the alerts code raises its failures with.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, Mapping
from enum import Enum
from functools import cache
from types import ModuleType
from typing import Any

from cogs.alerts import failures as alert_failures
from tests.bot.catalog_support import ROOT, Built
from tests.cogs.alerts.test_failure_wording import raised_reasons

Values = Callable[[Built], set[tuple[str, ...]]]


def values(*found: Any) -> set[tuple[str, ...]]:
    """An Enum's values, a mapping's keys, or the items of a tuple/frozenset, as 1-tuples."""
    out: set[tuple[str, ...]] = set()
    for thing in found:
        if isinstance(thing, type) and issubclass(thing, Enum):
            out |= {(str(member.value),) for member in thing}
        elif isinstance(thing, Mapping):
            out |= {(str(key),) for key in thing}
        elif isinstance(thing, Enum):
            out.add((str(thing.value),))
        elif isinstance(thing, str):
            out.add((thing,))
        else:
            out |= values(*thing)
    return out


def const(*found: Any) -> Values:
    return lambda _: values(*found)


def minus(source: Values, *excluded: str) -> Values:
    return lambda built: source(built) - {(value,) for value in excluded}


@cache
def parsed(path: str) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"))


def module_of(path: str) -> ModuleType:
    return importlib.import_module(path.removesuffix(".py").replace("/", "."))


def named(func: ast.expr, name: str) -> bool:
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name
    )


def tree_keys(prefix: str) -> Values:
    """The keys ``bot.i18n.command_key`` gives the built command tree, after ``prefix``."""
    return lambda built: {
        (s.key.removeprefix(prefix),) for s in built.strings if s.key and s.key.startswith(prefix)
    }


def alert_reason_keys(parse: bool) -> Values:
    """``failures.reason_key`` of every reason the alerts code raises a FetchError, GuardError (fetch side) or
    ParseError with, as enumerated from the code by tests/cogs/alerts/test_failure_wording.py."""

    def read(_: Built) -> set[tuple[str, ...]]:
        found = raised_reasons()
        reasons = found["ParseError"] if parse else found["FetchError"] | found["GuardError"]
        keys = {alert_failures.reason_key(reason, parse=parse)[0] for reason in reasons}
        prefix = alert_failures.REASON_PREFIX + ("parse_" if parse else "")
        return {(key.removeprefix(prefix),) for key in keys if key.startswith(prefix)}

    return read
