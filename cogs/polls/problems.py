"""The one error pure poll modules raise for bad input: a catalog key plus parameters (no Discord)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class InputProblem(ValueError):
    """Why a moderator's input was rejected; the cog turns it into an ephemeral ``BadInput``."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.key
