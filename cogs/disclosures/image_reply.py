"""The image check's reply: one section per file, every piece of text from a file escaped, quoted and clipped.

Text read from a file (EXIF Software, prompts, the claim generator, the SDK's explanation…) is the poster's to
choose: it is always passed through ``quoted`` so it cannot write headings, spoilers, masked links or mentions
into the bot's answer. Catalog values (tag names, keys the reader itself chose) are not quoted.
"""

from __future__ import annotations

from collections.abc import Callable

import discord

from bot.text import clip_lines, untrusted
from cogs.disclosures.reader_pool import ReadResult
from cogs.disclosures.signals import Signal, SignalKind

Translate = Callable[..., str]
P = "disclosures.provenance."
LIMIT_KINDS = frozenset({"limit_text", "limit_chunks"})
# Kinds whose line reads otherwise when the value is an AI one (signal.ai), and the key of that line.
AI_VARIANTS: dict[SignalKind, str] = {
    "c2pa_source": "c2pa_ai_source",
    "digital_source_type": "ai_source_type",
}
SECTION_LIMIT = 900
DESCRIPTION_LIMIT = 3500
COLOUR = 0x5B7DB1
STATES = frozenset({"Valid", "Invalid", "Trusted", "Valid (untrusted signer)"})


def quoted(text: str, limit: int = 160) -> str:
    """Text from a file, safe to show (the core's ``untrusted``: one line, no invisible characters, formatting
    and mentions escaped, clipped with the escaping counted), in quotes."""
    return f"“{untrusted(text, limit, one_line=True)}”"


def _state(validation: str) -> str:
    """The SDK's validation state as it is when it is one of its known words, escaped otherwise."""
    return validation if validation in STATES else untrusted(validation, 40, one_line=True)


def _where(detail: dict[str, str], t: Translate) -> str:
    if detail.get("where") != "ingredient":
        return t(P + "where_active")
    title = detail.get("title") or ""
    return t(
        P + "where_ingredient",
        title=quoted(title, 80) if title else t(P + "untitled"),
        relationship=untrusted(detail.get("relationship") or "?", 40, one_line=True),
    )


def signal_lines(signal: Signal, t: Translate) -> list[str]:
    """The catalog lines describing one signal (an unknown kind shows nothing)."""
    d = signal.detail
    kind = signal.kind
    if kind == "c2pa":
        lines = [
            t(
                P + "c2pa",
                generator=quoted(d.get("generator", "?"), 120),
                validation=_state(d.get("validation", "?")),
            )
        ]
        if d.get("actions"):
            lines.append(t(P + "c2pa_actions", actions=quoted(d["actions"], 200)))
        return lines
    if kind == "c2pa_invalid":
        reason = t(P + f"reason.{d.get('reason', 'other')}")
        return [t(P + "c2pa_invalid", reason=reason, explanation=quoted(d.get("explanation", "")))]
    if kind == "c2pa_source":
        key = AI_VARIANTS[kind] if signal.ai else kind
        return [t(P + key, value=quoted(d.get("value", ""), 120), where=_where(d, t))]
    if kind in ("digital_source_type", "c2pa_remote", "c2pa_error", "exif_software"):
        key = AI_VARIANTS.get(kind, kind) if signal.ai else kind
        return [t(P + key, **{name: quoted(value, 160) for name, value in d.items()})]
    if kind in ("png_parameters", "exif_comment", "novelai"):
        return [t(P + kind, **{name: quoted(value, 300) for name, value in d.items()})]
    if kind in ("comfyui", "invokeai", "comfyui_exif", *LIMIT_KINDS):  # the reader's own fixed vocabulary
        return [t(P + kind, **d)]
    return []


def section(name: str, result: ReadResult, t: Translate, limit: int = SECTION_LIMIT) -> str:
    """One file's part of the reply, at most about ``limit`` characters; ``name`` is already escaped.

    Findings first, then context, clipped with a count of what did not fit; a note that reading stopped at a
    limit is always kept, so "nothing found" is never shown without it.
    """
    if result.error:
        return t(P + f"read_{result.error}", name=name)
    findings = [s for s in result.signals if not s.context and s.kind not in LIMIT_KINDS]
    lines = [f"• {line}" for s in findings for line in signal_lines(s, t)]
    lines += [
        f"◦ {t(P + 'context', what=line)}" for s in result.signals if s.context for line in signal_lines(s, t)
    ]
    notes = [f"ℹ️ {line}" for s in result.signals if s.kind in LIMIT_KINDS for line in signal_lines(s, t)]
    head = f"**{t(P + 'found', name=name)}**" if findings else t(P + "none_found", name=name)
    room = max(100, limit - len(head) - sum(len(note) + 1 for note in notes))
    body = [clip_lines(lines, room, lambda n: t(P + "more", count=n))] if lines else []
    return "\n".join([head, *body, *notes])


def reply_embed(sections: list[str], t: Translate) -> discord.Embed:
    embed = discord.Embed(
        title=t(P + "title"), description=clip_lines(sections, DESCRIPTION_LIMIT), colour=COLOUR
    )
    embed.add_field(name=t(P + "disclaimer_title"), value=t(P + "disclaimer"), inline=False)
    embed.add_field(name=t(P + "scope_title"), value=t(P + "scope"), inline=False)
    return embed


def section_limit(files: int) -> int:
    """Characters for each file's section so that every file of the message gets its say."""
    return max(300, min(SECTION_LIMIT, DESCRIPTION_LIMIT // max(files, 1) - 1))


def file_name(filename: str) -> str:
    """An attachment's file name, safe to show (it is the poster's to choose)."""
    return untrusted(filename, 100, one_line=True)
