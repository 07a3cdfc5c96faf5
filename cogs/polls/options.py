"""Validate a poll's question and options as typed by a moderator (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.text import clean_input, is_blank
from cogs.polls.problems import InputProblem

MIN_OPTIONS = 2
MAX_OPTIONS = 25
MAX_OPTION_LENGTH = 80  # a button label's limit (select labels allow 100): the tighter one for every method
MAX_QUESTION_LENGTH = 240  # the embed title allows 256; room for the "#id" prefix


@dataclass(frozen=True)
class Option:
    """One choice: a stable id (kept across edits) and its label."""

    id: int
    label: str


def split_options(text: str) -> list[str]:
    """Split on new lines, or on ``|`` when the text is one line; trim and drop empty entries."""
    text = clean_input(text)
    separator = "\n" if "\n" in text else "|"
    return [clean_input(part, one_line=True) for part in text.split(separator) if not is_blank(part)]


def validate_labels(labels: list[str]) -> list[str]:
    """Check 2–25 options, no duplicates (ignoring case), each short enough for a button."""
    if len(labels) < MIN_OPTIONS:
        raise InputProblem("polls.errors.too_few_options", {"count": MIN_OPTIONS, "got": len(labels)})
    if len(labels) > MAX_OPTIONS:
        raise InputProblem("polls.errors.too_many_options", {"count": MAX_OPTIONS, "got": len(labels)})
    seen: set[str] = set()
    for label in labels:
        if len(label) > MAX_OPTION_LENGTH:
            raise InputProblem(
                "polls.errors.option_too_long", {"option": label[:40] + "…", "count": MAX_OPTION_LENGTH}
            )
        folded = label.casefold()
        if folded in seen:
            raise InputProblem("polls.errors.duplicate_option", {"option": label})
        seen.add(folded)
    return labels


def validate_question(question: str) -> str:
    """A non-empty question that fits an embed title."""
    cleaned = clean_input(question or "", one_line=True)
    if is_blank(cleaned):
        raise InputProblem("polls.errors.empty_question", {})
    if len(cleaned) > MAX_QUESTION_LENGTH:
        raise InputProblem("polls.errors.question_too_long", {"count": MAX_QUESTION_LENGTH})
    return cleaned


def parse_options(text: str) -> list[Option]:
    """Options for a new poll: ids 0…n-1."""
    labels = validate_labels(split_options(text or ""))
    return [Option(i, label) for i, label in enumerate(labels)]


def reconcile(old: list[Option], text: str) -> list[Option]:
    """New options for an edit: unchanged labels keep their id (and votes), new labels get fresh ids."""
    labels = validate_labels(split_options(text or ""))
    by_label = {o.label.casefold(): o.id for o in old}
    next_id = max((o.id for o in old), default=-1) + 1
    result: list[Option] = []
    for label in labels:
        existing = by_label.get(label.casefold())
        if existing is None:
            existing, next_id = next_id, next_id + 1
        result.append(Option(existing, label))
    return result


def check_max_choices(max_choices: int | None, n_options: int) -> int:
    """The cap for multiple choice: 1…n_options (default: no cap beyond the number of options)."""
    if max_choices is None:
        return n_options
    if not 1 <= max_choices <= n_options:
        raise InputProblem("polls.errors.bad_max_choices", {"max": n_options})
    return max_choices
