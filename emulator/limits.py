"""Discord's documented size limits for what a bot sends, reported in Discord's own 400 error shape.

Real Discord rejects oversize content with ``50035 Invalid Form Body`` and a nested ``errors`` object;
tests need the same rejection locally so a feature that would fail in production fails here too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

MAX_CONTENT = 2000
MAX_EMBEDS = 10
EMBED_TOTAL = 6000
MAX_ROWS = 5
MAX_BUTTONS_PER_ROW = 5
MAX_CUSTOM_ID = 100
MAX_CHOICES = 25
SELECT_TYPES = {3, 5, 6, 7, 8}


@dataclass
class Problem:
    """One violated limit: ``path`` like ``("embeds", 0, "title")``."""

    path: tuple[str | int, ...]
    reason: str
    code: str = "BASE_TYPE_MAX_LENGTH"


@dataclass
class LimitViolation:
    """A rejected request, kept on ``emulator.limit_violations`` so tests can assert none happened."""

    method: str
    route: str
    reason: str
    problems: list[Problem]


def _len(problems: list[Problem], path: tuple[str | int, ...], value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        problems.append(Problem(path, f"Must be {limit} or fewer in length. (got {len(value)})"))


def check_embeds(embeds: list[dict[str, Any]] | None, problems: list[Problem]) -> None:
    if not embeds:
        return
    if len(embeds) > MAX_EMBEDS:
        problems.append(
            Problem(("embeds",), f"Must be {MAX_EMBEDS} or fewer in length.", "BASE_TYPE_MAX_LENGTH")
        )
    total = 0
    for i, e in enumerate(embeds):
        p = ("embeds", i)
        _len(problems, (*p, "title"), e.get("title"), 256)
        _len(problems, (*p, "description"), e.get("description"), 4096)
        footer = e.get("footer") or {}
        author = e.get("author") or {}
        _len(problems, (*p, "footer", "text"), footer.get("text"), 2048)
        _len(problems, (*p, "author", "name"), author.get("name"), 256)
        fields = e.get("fields") or []
        if len(fields) > 25:
            problems.append(Problem((*p, "fields"), "Must be 25 or fewer in length."))
        for j, f in enumerate(fields):
            _len(problems, (*p, "fields", j, "name"), f.get("name"), 256)
            _len(problems, (*p, "fields", j, "value"), f.get("value"), 1024)
            if not str(f.get("name", "")).strip() or not str(f.get("value", "")).strip():
                problems.append(
                    Problem((*p, "fields", j), "Field name and value are required.", "BASE_TYPE_REQUIRED")
                )
            total += len(str(f.get("name", ""))) + len(str(f.get("value", "")))
        total += sum(len(str(x or "")) for x in (e.get("title"), e.get("description"), footer.get("text")))
        total += len(str(author.get("name") or ""))
    if total > EMBED_TOTAL:
        problems.append(
            Problem(("embeds",), f"Embed size exceeds maximum size of {EMBED_TOTAL} (got {total}).")
        )


def _check_select(comp: dict[str, Any], path: tuple[str | int, ...], problems: list[Problem]) -> None:
    options = comp.get("options") or []
    if comp.get("type") == 3:
        if not 1 <= len(options) <= 25:
            problems.append(Problem((*path, "options"), "Must be between 1 and 25 in length."))
        for k, opt in enumerate(options):
            _len(problems, (*path, "options", k, "label"), opt.get("label"), 100)
            _len(problems, (*path, "options", k, "value"), opt.get("value"), 100)
            _len(problems, (*path, "options", k, "description"), opt.get("description"), 100)
    lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
    cap = len(options) if comp.get("type") == 3 else 25
    if not (0 <= lo <= 25 and 1 <= hi <= 25 and lo <= hi and hi <= max(cap, 1)):
        problems.append(
            Problem((*path, "max_values"), f"Invalid min/max values {lo}/{hi}.", "NUMBER_TYPE_MAX")
        )
    _len(problems, (*path, "placeholder"), comp.get("placeholder"), 150)


def _check_component(comp: dict[str, Any], path: tuple[str | int, ...], problems: list[Problem]) -> None:
    ctype = comp.get("type")
    _len(problems, (*path, "custom_id"), comp.get("custom_id"), MAX_CUSTOM_ID)
    if ctype == 2:
        _len(problems, (*path, "label"), comp.get("label"), 80)
        if comp.get("style") == 5:
            if not comp.get("url"):
                problems.append(Problem((*path, "url"), "Link buttons need a url.", "BASE_TYPE_REQUIRED"))
        elif comp.get("style") != 6 and not comp.get("custom_id"):
            problems.append(Problem((*path, "custom_id"), "Buttons need a custom_id.", "BASE_TYPE_REQUIRED"))
    elif ctype in SELECT_TYPES:
        _check_select(comp, path, problems)
    for i, child in enumerate(comp.get("components") or []):
        _check_component(child, (*path, "components", i), problems)
    if isinstance(comp.get("accessory"), dict):
        _check_component(comp["accessory"], (*path, "accessory"), problems)


def check_components(components: list[dict[str, Any]] | None, problems: list[Problem]) -> None:
    if not components:
        return
    rows = [c for c in components if c.get("type") == 1]
    if len(rows) == len(components) and len(rows) > MAX_ROWS:
        problems.append(Problem(("components",), f"Must be {MAX_ROWS} or fewer in length."))
    for i, comp in enumerate(components):
        path: tuple[str | int, ...] = ("components", i)
        if comp.get("type") == 1:
            children = comp.get("components") or []
            selects = [c for c in children if c.get("type") in SELECT_TYPES]
            if not children:
                problems.append(Problem(path, "Action rows cannot be empty.", "BASE_TYPE_REQUIRED"))
            if len(children) > MAX_BUTTONS_PER_ROW:
                problems.append(Problem((*path, "components"), "Must be 5 or fewer in length."))
            if selects and len(children) > 1:
                problems.append(Problem((*path, "components"), "A select menu must be alone in its row."))
        _check_component(comp, path, problems)


def check_message(body: dict[str, Any], *, require_content: bool, attachments: int = 0) -> list[Problem]:
    """Validate a message create/edit body. ``require_content`` is the 50006 empty-message check."""
    problems: list[Problem] = []
    _len(problems, ("content",), body.get("content"), MAX_CONTENT)
    check_embeds(body.get("embeds"), problems)
    check_components(body.get("components"), problems)
    if require_content and not is_nonempty(body, attachments):
        problems.append(Problem((), "Cannot send an empty message", "EMPTY"))
    return problems


def is_nonempty(body: dict[str, Any], attachments: int = 0) -> bool:
    return bool(
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or attachments
        or body.get("attachments")
    )


def check_modal(body: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    _len(problems, ("title",), body.get("title"), 45)
    _len(problems, ("custom_id",), body.get("custom_id"), MAX_CUSTOM_ID)
    comps = body.get("components") or []
    if not 1 <= len(comps) <= 5:
        problems.append(Problem(("components",), "Must be between 1 and 5 in length."))
    for i, comp in enumerate(comps):
        path: tuple[str | int, ...] = ("components", i)
        inner = comp.get("components") or ([comp["component"]] if comp.get("component") else [])
        if comp.get("type") == 18:
            _len(problems, (*path, "label"), comp.get("label"), 45)
            _len(problems, (*path, "description"), comp.get("description"), 100)
        for j, c in enumerate(inner):
            cpath = (*path, "component" if comp.get("type") == 18 else "components", j)
            _len(problems, (*cpath, "custom_id"), c.get("custom_id"), MAX_CUSTOM_ID)
            if c.get("type") == 4:
                _len(problems, (*cpath, "label"), c.get("label"), 45)
                _len(problems, (*cpath, "placeholder"), c.get("placeholder"), 100)
                _len(problems, (*cpath, "value"), c.get("value"), 4000)
                if c.get("max_length", 4000) > 4000 or c.get("min_length", 0) > 4000:
                    problems.append(
                        Problem((*cpath, "max_length"), "Must be 4000 or less.", "NUMBER_TYPE_MAX")
                    )
            elif c.get("type") in SELECT_TYPES:
                _check_select(c, cpath, problems)
    return problems


def check_choices(body: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    choices = body.get("choices") or []
    if len(choices) > MAX_CHOICES:
        problems.append(Problem(("choices",), f"Must be {MAX_CHOICES} or fewer in length."))
    for i, ch in enumerate(choices):
        _len(problems, ("choices", i, "name"), ch.get("name"), 100)
        _len(problems, ("choices", i, "value"), ch.get("value"), 100)
    return problems


def error_body(problems: list[Problem]) -> dict[str, Any]:
    """Discord's nested ``Invalid Form Body`` JSON; the empty-message case has its own code 50006."""
    if any(p.code == "EMPTY" for p in problems):
        return {"message": "Cannot send an empty message", "code": 50006}
    errors: dict[str, Any] = {}
    for p in problems:
        node = errors
        for key in p.path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": p.code, "message": p.reason})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}


def describe(problems: list[Problem]) -> str:
    return "; ".join(f"{'.'.join(map(str, p.path)) or '<message>'}: {p.reason}" for p in problems)
