"""Where the values of a family of dynamically built catalog keys come from: readers of the code's literals
(what a function returns, the arguments a callee is given, the strings a local is assigned…) and of its
constants, each a ``Values``: the built command tree in, the set of value tuples that fill the key's holes out.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from functools import cache
from types import ModuleType
from typing import Any

from cogs.alerts import failures as alert_failures
from tests.bot.catalog_support import ROOT, Built, rel
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


def union(*sources: Values) -> Values:
    return lambda built: set().union(*(source(built) for source in sources))


def minus(source: Values, *excluded: str) -> Values:
    return lambda built: source(built) - {(value,) for value in excluded}


@cache
def parsed(path: str) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"))


def module_of(path: str) -> ModuleType:
    return importlib.import_module(path.removesuffix(".py").replace("/", "."))


def function(path: str, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    node: Any = parsed(path)
    for name in qualname.split("."):
        node = next(
            (
                child
                for child in node.body
                if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                and child.name == name
            ),
            None,
        )
        assert node is not None, f"{path} has no {qualname}: update FAMILIES"
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    return node


class Literals:
    """The strings an expression of ``path`` can evaluate to, read from the code's literals: constants,
    ``a if c else b``, tuples, names assigned in ``scope`` (a function) or at module level."""

    def __init__(
        self, path: str, scope: ast.AST | None = None, names: Mapping[str, set[str]] | None = None
    ) -> None:
        self.path = path
        self.names = dict(names or {})
        self.assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(scope) if scope is not None else ():
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.assigned.setdefault(target.id, []).append(node.value)

    def of(self, node: ast.expr) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return self.of(node.body) | self.of(node.orelse)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return set().union(*(self.of(element) for element in node.elts))
        if isinstance(node, ast.Starred):
            return self.of(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            if node.id in self.assigned:
                return set().union(*(self.of(value) for value in self.assigned[node.id]))
            if hasattr(module := module_of(self.path), node.id):
                return {value for (value,) in values(getattr(module, node.id))}
        raise AssertionError(f"{self.path}:{node.lineno}: FAMILIES cannot enumerate {ast.unparse(node)}")


def returned(path: str, qualname: str, index: int | None = None) -> Values:
    """The strings ``qualname`` returns (item ``index`` of a returned tuple); ``return None`` is not one."""

    def read(_: Built) -> set[tuple[str, ...]]:
        scope = function(path, qualname)
        literals = Literals(path, scope)

        def picked(node: ast.expr) -> set[str]:
            if isinstance(node, ast.IfExp):
                return picked(node.body) | picked(node.orelse)
            if isinstance(node, ast.Constant) and node.value is None:
                return set()
            if index is not None:
                assert isinstance(node, ast.Tuple), f"{path}:{node.lineno}: not a tuple: {ast.unparse(node)}"
                return literals.of(node.elts[index])
            return literals.of(node)

        returns = [
            node.value for node in ast.walk(scope) if isinstance(node, ast.Return) and node.value is not None
        ]
        return {(value,) for node in returns for value in picked(node)}

    return read


def call_args(path: str, callee: str, arg: int | str, *, passed_on: Iterable[str] = ()) -> Values:
    """The strings given as argument ``arg`` (a position or a keyword) to every call of ``callee`` in ``path``
    (a file or a directory). ``passed_on``: arguments (as written) handing on a value enumerated elsewhere."""

    def read(_: Built) -> set[tuple[str, ...]]:
        files = sorted((ROOT / path).glob("*.py")) if (ROOT / path).is_dir() else [ROOT / path]
        found: set[tuple[str, ...]] = set()
        calls = 0
        for file in files:
            tree = parsed(rel(file))
            scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
            for scope in [tree, *scopes]:
                literals = Literals(rel(file), scope if scope is not tree else None)
                direct = scope.body if scope is tree else [scope]
                for node in (n for top in direct for n in ast.walk(top)):
                    if not isinstance(node, ast.Call) or not named(node.func, callee):
                        continue
                    if scope is tree and _inside_function(tree, node):
                        continue  # read with its function's names
                    if isinstance(arg, int):
                        given = node.args[arg] if len(node.args) > arg else None
                    else:
                        given = next((k.value for k in node.keywords if k.arg == arg), None)
                    if given is None or ast.unparse(given) in passed_on:
                        continue
                    calls += 1
                    found |= {(value,) for value in literals.of(given)}
        assert calls, f"no call of {callee} in {path}: update FAMILIES"
        return found

    return read


def named(func: ast.expr, name: str) -> bool:
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name
    )


@cache
def _function_nodes(tree: ast.Module) -> frozenset[int]:
    return frozenset(
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for inner in ast.walk(node)
    )


def _inside_function(tree: ast.Module, node: ast.AST) -> bool:
    return id(node) in _function_nodes(tree)


def local(path: str, qualname: str, name: str, **names: set[str]) -> Values:
    """The strings the local ``name`` of ``qualname`` is assigned (``kind = "rank" if … else "score"``)."""

    def read(_: Built) -> set[tuple[str, ...]]:
        literals = Literals(path, function(path, qualname), names)
        assert name in literals.assigned, f"{path}: {qualname} assigns no {name}: update FAMILIES"
        return {(value,) for value in literals.of(ast.Name(name, lineno=0))}

    return read


def dict_keys(path: str, qualname: str, name: str) -> Values:
    """The keys of the dict literal ``qualname`` assigns to ``name`` (``typed = {"title": title, …}``)."""

    def read(_: Built) -> set[tuple[str, ...]]:
        scope = function(path, qualname)
        literals = Literals(path, scope)
        dicts = [value for value in literals.assigned.get(name, []) if isinstance(value, ast.Dict)]
        assert dicts, f"{path}: {qualname} assigns no dict to {name}: update FAMILIES"
        return {(key,) for d in dicts for node in d.keys if node is not None for key in literals.of(node)}

    return read


def loop_items(path: str, qualname: str, name: str) -> Values:
    """The strings ``name`` takes in ``qualname``'s ``for … in (literal tuples)`` loops that bind it."""

    def read(_: Built) -> set[tuple[str, ...]]:
        scope = function(path, qualname)
        literals = Literals(path, scope)
        found: set[tuple[str, ...]] = set()
        for loop in (n for n in ast.walk(scope) if isinstance(n, ast.For)):
            bound = loop.target.elts if isinstance(loop.target, ast.Tuple) else [loop.target]
            names = [t.id if isinstance(t, ast.Name) else None for t in bound]
            if name not in names:
                continue
            position = names.index(name)
            assert isinstance(loop.iter, ast.Tuple | ast.List), f"{path}:{loop.lineno}: not a literal loop"
            for item in loop.iter.elts:
                if isinstance(loop.target, ast.Tuple):
                    assert isinstance(item, ast.Tuple), f"{path}:{item.lineno}: not a literal tuple"
                    item = item.elts[position]
                found |= {(value,) for value in literals.of(item)}
        assert found, f"{path}: {qualname} has no loop binding {name}: update FAMILIES"
        return found

    return read


def dict_values(path: str, key: str) -> Values:
    """The strings every dict literal of ``path`` gives ``key`` (``{"error": "memory"}``)."""

    def read(_: Built) -> set[tuple[str, ...]]:
        literals = Literals(path)
        found = {
            (value,)
            for node in ast.walk(parsed(path))
            if isinstance(node, ast.Dict)
            for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and k.value == key
            for value in literals.of(v)
        }
        assert found, f"{path}: no dict literal with {key!r}: update FAMILIES"
        return found

    return read


def default_of(callable_: Callable[..., Any], parameter: str) -> Values:
    return lambda _: {(str(inspect.signature(callable_).parameters[parameter].default),)}


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
