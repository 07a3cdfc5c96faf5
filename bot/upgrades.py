"""Every migration set the bot applies (the core's and each extension's), and where a database stands.

Migrations are forward-only and applied at start: the core set in ``setup_hook``, each cog's in its
``cog_load``. Offline commands (``doctor``, ``restore``) and the upgrade test need the same list without starting
the bot, so an extension declares its sets by convention, as it declares offline commands in ``<ext>.cli``:
any ``sqlite_utils.Migrations`` in ``<ext>.schema`` or ``<ext>.migrations``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database, Migrations

from bot.extensions import EXTENSIONS
from bot.migrations import core

MIGRATIONS_TABLE = Migrations.migrations_table
SCHEMA_MODULES = ("schema", "migrations")


def migration_sets(extensions: Iterable[str] = EXTENSIONS) -> list[Migrations]:
    """The core set, then each extension's sets, in the order the bot applies them."""
    found: list[Migrations] = [core]
    for extension in extensions:
        for name in SCHEMA_MODULES:
            try:
                module = importlib.import_module(f"{extension}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{extension}.{name}":
                    raise
                continue
            for value in vars(module).values():
                if isinstance(value, Migrations) and all(value is not m for m in found):
                    found.append(value)
    return found


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database stands against this code's migrations."""

    applied: int
    pending: list[str]  # "set:name" this code would apply at next start
    unknown: list[str]  # "set:name" recorded in the database but unknown to this code (a newer Haikei)

    @property
    def up_to_date(self) -> bool:
        return not self.pending and not self.unknown


def step_names(migrations: Migrations) -> list[str]:
    """The names of a set's steps, in order (sqlite-utils keeps them in ``_migrations``, with no accessor)."""
    return [step.name for step in migrations._migrations]


def schema_status(db: Database, sets: Iterable[Migrations] | None = None) -> SchemaStatus:
    """Compare what ``db`` recorded in ``_sqlite_migrations`` with this code's sets (read-only)."""
    sets = list(migration_sets() if sets is None else sets)
    known = [(m.name, name) for m in sets for name in step_names(m)]
    recorded: set[tuple[str, str]] = set()
    if MIGRATIONS_TABLE in db.table_names():
        rows = db.execute(f"SELECT migration_set, name FROM [{MIGRATIONS_TABLE}]").fetchall()
        recorded = {(row[0], row[1]) for row in rows}
    return SchemaStatus(
        applied=len(recorded.intersection(known)),
        pending=[f"{s}:{n}" for s, n in known if (s, n) not in recorded],
        unknown=sorted(f"{s}:{n}" for s, n in recorded.difference(known)),
    )
