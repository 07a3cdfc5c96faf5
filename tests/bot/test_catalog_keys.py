"""Every catalog key the code builds from a value (``f"disclosures.status.{status}"``, ``P + kind``…) resolves
for every value it can take: ``FAMILIES`` (tests/bot/catalog_families.py) says where each family's values come
from in the code, and a family the source scan below finds that ``FAMILIES`` does not list fails the test.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from bot.errors import UserFacingError
from bot.i18n import LANGUAGES
from tests.bot.catalog_families import FAMILIES
from tests.bot.catalog_support import ROOT, Built, every_catalog, rel, report, resolves

# ------------------------------------------------------------------------------------------------------------
# 3. Dynamically built keys: the scan


# The first segment of every catalog key, and ``choice`` (bot.i18n's convention, even with no entry today).
NAMESPACES = frozenset(
    {key.split(".")[0] for lang in LANGUAGES for key in every_catalog().keys(lang)} | {"choice"}
)
SOURCES = sorted(p for top in ("bot", "cogs") for p in (ROOT / top).rglob("*.py"))
HOLE = "{}"


@dataclass(frozen=True)
class Site:
    where: str  # file:line
    pattern: str  # the key with {} for each computed part: "disclosures.status.{}"
    code: str


def module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level string constants (``P = "disclosures.provenance."``)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if isinstance(node.value.value, str):
                found.update({t.id: node.value.value for t in targets if isinstance(t, ast.Name)})
    return found


def key_pattern(node: ast.expr, constants: Mapping[str, str]) -> str | None:
    """``node`` as a key with ``{}`` holes, if it is a string; module constants are filled in."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif (
                isinstance(value, ast.FormattedValue) and value.conversion == -1 and value.format_spec is None
            ):
                parts.append(key_pattern(value.value, constants) or HOLE)
            else:
                parts.append(HOLE)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = key_pattern(node.left, constants), key_pattern(node.right, constants)
        if left is None and right is None:
            return None
        return (left if left is not None else HOLE) + (right if right is not None else HOLE)
    return None


def key_arguments(node: ast.Call) -> list[ast.expr]:
    """Where a call to a translation function takes its key: ``t``/``text``/``i18n.text``/``i18n.get`` (first
    argument), ``replies.text`` (second), a ``UserFacingError`` (``BadInput``, ``NotFound``…),
    ``locale_str``'s ``key=``."""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if name == "locale_str":
        return [k.value for k in node.keywords if k.arg == "key"]
    errors = {cls.__name__ for cls in subclasses(UserFacingError)}
    if name in {"t", "text", *errors} or (name == "get" and ast.unparse(func).endswith("i18n.get")):
        return node.args[:2]
    return []


def subclasses(cls: type) -> set[type]:
    return {cls} | {sub for child in cls.__subclasses__() for sub in subclasses(child)}


def dynamic_keys(source: str, where: str) -> list[Site]:
    """Every key built from a value: a string expression (f-string or ``+``) with a hole, whose literal start
    is a catalog namespace; and any dynamic key handed to a translation function, whatever it starts with."""
    tree = ast.parse(source)
    constants = module_strings(tree)
    inner = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp | ast.JoinedStr)
        for child in ast.iter_child_nodes(node)
    }
    candidates: list[ast.expr] = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp | ast.JoinedStr) and id(node) not in inner
    ]
    handed = [arg for node in ast.walk(tree) if isinstance(node, ast.Call) for arg in key_arguments(node)]
    found = {}
    for node in candidates + handed:
        pattern = key_pattern(node, constants)
        if pattern is None or HOLE not in pattern:
            continue
        if pattern.split(".")[0] in NAMESPACES or any(node is arg for arg in handed):
            found[(node.lineno, pattern)] = Site(f"{where}:{node.lineno}", pattern, ast.unparse(node))
    return [found[k] for k in sorted(found)]


@cache
def every_dynamic_key() -> list[Site]:
    return [site for path in SOURCES for site in dynamic_keys(path.read_text(encoding="utf-8"), rel(path))]


def test_the_scan_finds_keys_built_every_way_the_code_builds_them() -> None:
    source = """
P = "disclosures.provenance."
a = t(f"disclosures.status.{status}")
b = P + f"reason.{d.get('reason', 'other')}"
c = P + kind
d = f"{P}read_{error}"
e = "cmd." + command.qualified_name.replace(" ", ".") + ".description"
f = text(interaction, f"{prefix}.title")
g = BadInput(prefix + ".x")
h = f"poll:{poll_id}:vote"  # a custom id, not a key
i = t("polls.static.key")
"""
    assert [(s.where, s.pattern) for s in dynamic_keys(source, "x.py")] == [
        ("x.py:3", "disclosures.status.{}"),
        ("x.py:4", "disclosures.provenance.reason.{}"),
        ("x.py:5", "disclosures.provenance.{}"),
        ("x.py:6", "disclosures.provenance.read_{}"),
        ("x.py:7", "cmd.{}.description"),
        ("x.py:8", "{}.title"),
        ("x.py:9", "{}.x"),
    ]


def test_every_dynamic_key_family_is_in_the_table() -> None:
    sites = every_dynamic_key()
    unknown = [f"{s.where}: {s.pattern}  ← {s.code}" for s in sites if s.pattern not in FAMILIES]
    assert not unknown, report(
        "keys built from values that FAMILIES does not list (say where the values come from)", unknown
    )
    gone = set(FAMILIES) - {s.pattern for s in sites}
    assert not gone, report("FAMILIES lists keys the code no longer builds", gone)


async def test_every_value_of_every_family_resolves_in_both_languages(built: Built) -> None:
    catalogs = built.bot.i18n
    problems = []
    for pattern, family in FAMILIES.items():
        found = family.values(built)
        if not found and not family.empty_ok:
            problems.append(f"{pattern}: no values from {family.source}")
        for value in found:
            key = pattern.format(*value)
            missing = [lang for lang in LANGUAGES if not resolves(catalogs, key, lang)]
            if missing:
                sites = ", ".join([s.where for s in every_dynamic_key() if s.pattern == pattern][:3])
                problems.append(f"{key} missing from {'/'.join(missing)} ({family.source}; used at {sites})")
    assert not problems, report("dynamic keys that do not resolve", problems)
