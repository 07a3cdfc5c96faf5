"""What the image reader reports: ``Signal`` and the vocabulary shared by its parts (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

from bot.text import clip

SOURCE_TYPE_PREFIXES = (
    "http://cv.iptc.org/newscodes/digitalsourcetype/",
    "https://cv.iptc.org/newscodes/digitalsourcetype/",
    "http://c2pa.org/digitalsourcetype/",
    "https://c2pa.org/digitalsourcetype/",
)
AI_SOURCE_TYPES = frozenset(
    {
        "trainedAlgorithmicMedia",
        "compositeWithTrainedAlgorithmicMedia",
        "compositeSynthetic",
        "algorithmicMedia",
        "trainedAlgorithmicData",
    }
)
AI_SOFTWARE = re.compile(
    r"novelai|stable.?diffusion|midjourney|dall.?e|firefly|comfyui|automatic1111|invokeai|fooocus|leonardo|"
    r"openai|imagen|flux|niji",
    re.IGNORECASE,
)
EXCERPT = 300
# Every kind of signal the readers report (each a disclosures.provenance.* suffix: image_reply says it).
SignalKind = Literal[
    "c2pa",
    "c2pa_invalid",
    "c2pa_source",
    "c2pa_remote",
    "c2pa_error",
    "digital_source_type",
    "png_parameters",
    "comfyui",
    "novelai",
    "invokeai",
    "exif_software",
    "comfyui_exif",
    "exif_comment",
    "limit_chunks",  # reading stopped at a limit
    "limit_text",
]
SIGNAL_KINDS: tuple[SignalKind, ...] = get_args(SignalKind)


@dataclass(frozen=True)
class Signal:
    """One piece of provenance metadata.

    ``ai`` marks signals that claim or imply generation. ``context`` marks ordinary metadata (a photo editor in
    EXIF Software, a plain comment) that is shown for context but is not an AI-related finding. Detail values
    are text taken from the file: whoever renders them must escape them.
    """

    kind: SignalKind
    detail: dict[str, str] = field(default_factory=dict)
    ai: bool = False
    context: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "detail": self.detail, "ai": self.ai, "context": self.context}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Signal:
        detail = data.get("detail") or {}
        return cls(
            cast(SignalKind, str(data["kind"])),  # written by to_json in the reader worker
            {str(k): str(v) for k, v in detail.items()},
            ai=bool(data.get("ai")),
            context=bool(data.get("context")),
        )


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """``text`` on one line (whitespace collapsed) and at most ``limit`` characters."""
    return clip(" ".join(text.split()), limit)


def source_term(value: str) -> str:
    """A digital source type as its short term: ``trainedAlgorithmicMedia``, whatever prefix or padding it had."""
    term = value.strip()
    for prefix in SOURCE_TYPE_PREFIXES:
        if term.lower().startswith(prefix):
            return term[len(prefix) :].strip()
    return excerpt(term, 120)
