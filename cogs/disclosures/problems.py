"""What is wrong with a disclosure record or a form box: ``RecordError`` and its problem codes."""

from __future__ import annotations

from typing import Any, Literal, get_args

# Every kind of problem (a disclosures.problem.* suffix): a RecordError's ``code``.
ProblemCode = Literal[
    "invalid",
    "required",
    "not_text",
    "too_long",
    "not_allowed",
    "not_list",
    "too_many",
    "bad_entry",
    "no_role",
    "bad_url",
    "bad_date",
    "bad_id",
    "id_taken",  # a new record's id is already used
    "keep_new",  # the form's "keep" marker given for a new record
]
PROBLEM_CODES: tuple[ProblemCode, ...] = get_args(ProblemCode)


class RecordError(ValueError):
    """A record field is invalid.

    ``field`` names it and ``reason`` says why in plain English (logs, import reports); ``code`` and ``params``
    let a form say it in the reader's language (catalog ``disclosures.problem.<code>``); ``item`` is the
    entry (0-based) of a list field or the line of a text box. ``problems`` lists every problem found in the
    record, this one first: validation reports them all at once, not one per round trip.
    """

    def __init__(
        self,
        field: str,
        reason: str,
        *,
        code: ProblemCode = "invalid",
        item: int | None = None,
        **params: Any,
    ) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.code: ProblemCode = code
        self.item = item
        self.params = params
        self.problems: list[RecordError] = [self]

    @classmethod
    def of(cls, problems: list[RecordError]) -> RecordError:
        """One error carrying several problems (its field, reason and message are the first one's)."""
        first = problems[0]
        error = cls(first.field, first.reason, code=first.code, item=first.item, **first.params)
        error.problems = list(problems)
        return error
