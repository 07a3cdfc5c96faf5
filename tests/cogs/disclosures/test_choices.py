"""The lookup/edit commands offer one choice per value the records may hold, each with an English name."""

from __future__ import annotations

from cogs.disclosures.choices import MEDIUM_NAMES, STATUS_NAMES, USE_NAMES
from cogs.disclosures.vocab import AI_USES, MEDIUMS, STATUSES


def test_every_value_has_a_choice_in_schema_order() -> None:
    assert tuple(MEDIUM_NAMES) == MEDIUMS
    assert tuple(USE_NAMES) == AI_USES
    assert tuple(STATUS_NAMES) == STATUSES


def test_choice_names_fit_discord() -> None:
    for names in (MEDIUM_NAMES, USE_NAMES, STATUS_NAMES):
        assert all(0 < len(name) <= 100 for name in names.values())
