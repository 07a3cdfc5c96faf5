"""The arrows of the architecture, checked on every module's imports (README: "Arrows point one way")."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports_of(path: Path) -> set[str]:
    """Every module name ``path`` imports, at any depth of the file (lazy imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def top(name: str, depth: int = 1) -> str:
    return ".".join(name.split(".")[:depth])


def test_the_core_never_imports_a_feature() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in imports_of(path) if top(n) == "cogs")
        for path in modules("bot")
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def test_no_cog_imports_another_cog() -> None:
    offenders = {}
    for path in modules("cogs"):
        own = ".".join(path.relative_to(ROOT).parts[:2])
        others = sorted(n for n in imports_of(path) if top(n) == "cogs" and n != "cogs" and top(n, 2) != own)
        if others:
            offenders[str(path.relative_to(ROOT))] = others
    assert offenders == {}


def test_the_emulator_imports_the_core_only_in_its_bootstrap() -> None:
    offenders = {}
    for path in modules("emulator"):
        found = sorted(n for n in imports_of(path) if top(n) in ("bot", "cogs"))
        if found and path != ROOT / "emulator" / "bootstrap.py":
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}
    assert any(top(n) == "bot" for n in imports_of(ROOT / "emulator" / "bootstrap.py"))


def test_the_core_reaches_the_emulator_only_to_start_the_sandbox() -> None:
    users = {
        str(p.relative_to(ROOT)) for p in modules("bot") if any(top(n) == "emulator" for n in imports_of(p))
    }
    assert users == {"bot/__main__.py"}
