"""The script an import worker process runs (``import_slices``), by ``runpy.run_path`` with ``inbox`` and
``outbox`` among its globals.

A worker needs only the pure modules (records, rows, normalise…), not the package's ``__init__``, which sets up
the Discord cog and imports discord.py and the rest of the bot: a third of a second per worker process, at
the start of every big import. So this script stands in an empty package for ``cogs.disclosures`` (its
modules are found in this directory as usual) before importing what it needs.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

RUN_NAME = "__haikei_import_worker__"


def main(inbox: Any, outbox: Any) -> None:
    if "cogs.disclosures" not in sys.modules:
        package = types.ModuleType("cogs.disclosures")
        package.__path__ = [str(Path(__file__).resolve().parent)]
        sys.modules["cogs.disclosures"] = package
    from cogs.disclosures.import_slices import work

    work(inbox, outbox)


if __name__ == RUN_NAME:
    main(globals()["inbox"], globals()["outbox"])
