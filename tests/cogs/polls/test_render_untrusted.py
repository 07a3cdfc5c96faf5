"""What members type into a poll (question, options, edit notes) reaches the public poll message and the results
as plain text: no heading, link, bold, spoiler or code of theirs, no mention syntax, clipped before escaping and
within Discord's limits. The chart's legend (an image) keeps the labels as typed."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import Catalogs
from bot.text import ZWSP
from cogs.polls.model import EditNote, Poll, State, tally
from cogs.polls.options import MAX_OPTION_LENGTH, MAX_QUESTION_LENGTH, Option, parse_options
from cogs.polls.render import note_line, poll_embed, results_embed
from cogs.polls.summary import outcome_line, round_lines
from cogs.polls.tally import Method, RunoffResult

ROOT = Path(__file__).resolve().parents[3]
NOW = 1_750_000_000.0

QUESTION = "# PROOF [official](https://evil.example) @everyone <@&1> <#1> ||s|| `x` **b** _i_ ~~s~~ > q"
OPTIONS = "**bold** [click](https://evil.example)\n@here <@123>\n||spoil|| `code`\n-# small"
NOTE = "[added C](https://evil.example) @everyone <#1> # hi **now**"
MARKS = set("\\*_~`|>[]()#:")  # what bot.text.escape_markdown escapes
MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>")


def live_marks(text: str) -> str:
    """The markdown characters of ``text`` that are not escaped with a backslash (a lone trailing backslash
    counts: a half escape)."""
    found = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            if i + 1 >= len(text) or text[i + 1] not in MARKS:
                found.append("\\")
            i += 2
            continue
        if text[i] in MARKS:
            found.append(text[i])
        i += 1
    return "".join(found)


def half_escapes(text: str) -> int:
    """How many backslashes in ``text`` escape nothing (the rest of an escape cut in two)."""
    return live_marks(text).count("\\")


def assert_inert(text: str) -> None:
    """Member text as shown: nothing formats, nothing reads as a mention."""
    assert live_marks(text) == "", text
    assert MENTION.search(text) is None, text
    assert "\n" not in text


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    catalogs = Catalogs()
    catalogs.load_dir(ROOT / "cogs" / "polls" / "locales")
    return catalogs


def translator(catalogs: Catalogs, lang: str = "en") -> Any:
    return lambda key, /, **params: catalogs.text(key, lang, **params)


def make_poll(**overrides: Any) -> Poll:
    fields: dict[str, Any] = {
        "guild_id": 1,
        "channel_id": 2,
        "question": QUESTION,
        "options": tuple(parse_options(OPTIONS)),
        "method": Method.SINGLE,
        "max_choices": 1,
        "secret": False,
        "hidden": False,
        "eligible_role_id": None,
        "ping_role_id": None,
        "closes_at": NOW + 3600,
        "created_by": 9,
        "id": 7,
        "message_id": 70,
        "state": State.OPEN,
        "created_at": NOW - 60,
    }
    fields.update(overrides)
    return Poll(**fields)


def bold_labels(description: str) -> list[str]:
    """The labels of the option lines ("• **label**" or "`bar` **label** — count"): what the bot put between
    its own ``**``."""
    found = []
    for line in description.split("\n"):
        if line.startswith(("• ", "`")):
            match = re.match(r"(?:• |`[░█]+` )\*\*(.*?)\*\*(?: — |$)", line)
            assert match, line
            found.append(match.group(1))
    return found


def test_the_question_in_the_title_is_plain_text(catalogs: Catalogs) -> None:
    embed = poll_embed(make_poll(), translator(catalogs), result=None, now=NOW)
    assert embed.title == (
        "\\# PROOF \\[official\\]\\(https\\://evil.example\\) @\u200beveryone <@\u200b&1\\> <\\#1\\> "
        "\\|\\|s\\|\\| \\`x\\` \\*\\*b\\*\\* \\_i\\_ \\~\\~s\\~\\~ \\> q"
    )
    assert_inert(embed.title)


def test_option_labels_are_plain_text_in_the_list_and_the_counts(catalogs: Catalogs) -> None:
    t = translator(catalogs)
    poll = make_poll()
    listed = bold_labels(poll_embed(poll, t, result=None, now=NOW).description or "")
    assert listed == [
        "\\*\\*bold\\*\\* \\[click\\]\\(https\\://evil.example\\)",
        "@\u200bhere <@\u200b123\\>",
        "\\|\\|spoil\\|\\| \\`code\\`",
        "-\\# small",
    ]
    counted = poll_embed(poll, t, result=tally(poll, [[0], [1], [1]]), now=NOW).description or ""
    assert bold_labels(counted) == listed
    assert f"`███████░░░` **{listed[1]}** — 2 (67%)" in counted.split("\n")
    for label in listed:
        assert_inert(label)
    assert "](" not in counted.replace("\\](", "").replace("\\]\\(", "")


def test_the_outcome_and_results_show_question_and_labels_as_plain_text(catalogs: Catalogs) -> None:
    t = translator(catalogs)
    closed = make_poll(state=State.CLOSED, closed_at=NOW)
    result = tally(closed, [[0], [1]])
    message = poll_embed(closed, t, result=result, now=NOW).description or ""
    tie = next(line for line in message.split("\n") if line.startswith("🤝"))
    assert tie.startswith(
        "🤝 Tie between **\\*\\*bold\\*\\* \\[click\\]\\(https\\://evil.example\\), @\u200bhere <@\u200b123\\>**"
    )
    results = results_embed(closed, result, t, final=True).description or ""
    question = results.split("\n")[0]
    assert question.startswith("**\\# PROOF \\[official\\]") and question.endswith("\\> q**")
    assert_inert(question[2:-2])
    assert tie in results.split("\n")
    for line in results.split("\n"):
        assert MENTION.search(line) is None
    assert results.count("https\\://evil.example") == 3 and "(https://" not in results


def test_instant_runoff_rounds_show_labels_as_plain_text(catalogs: Catalogs) -> None:
    t = translator(catalogs)
    poll = make_poll(method=Method.RANKED, max_choices=4, state=State.CLOSED, closed_at=NOW)
    result = tally(poll, [[0, 1], [1, 0], [2, 0], [0, 2], [3, 1]])
    assert isinstance(result, RunoffResult) and result.rounds
    lines = round_lines(poll, result, t)
    assert any("→ eliminated" in line for line in lines)
    for line in lines:
        assert MENTION.search(line) is None and "**" not in line
        assert "[click](" not in line and "||spoil||" not in line and "-# small" not in line
    results = results_embed(poll, result, t, final=True).description or ""
    assert all(line in results.split("\n") for line in lines)


def test_edit_notes_and_removed_labels_are_plain_text(catalogs: Catalogs) -> None:
    t = translator(catalogs)
    line = note_line(EditNote(NOTE, ("**bold** [click](https://evil.example)", "@here <@123>")), t)
    assert line == (
        "✏️ Edited: \\[added C\\]\\(https\\://evil.example\\) @\u200beveryone <\\#1\\> \\# hi \\*\\*now\\*\\*"
        " · Removed: \\*\\*bold\\*\\* \\[click\\]\\(https\\://evil.example\\), @\u200bhere <@\u200b123\\>;"
        " votes for them no longer count, so if you chose one, please vote again."
    )
    embed = poll_embed(make_poll(), t, result=None, notes=[EditNote(NOTE)], now=NOW)
    assert (embed.description or "").split("\n")[-1] == note_line(EditNote(NOTE), t)


def test_ordinary_text_is_shown_as_before(catalogs: Catalogs) -> None:
    t = translator(catalogs)
    poll = make_poll(question="Which app?", options=tuple(parse_options("Krita|Paper|Clip Studio")))
    embed = poll_embed(poll, t, result=None, notes=[EditNote("typo fixed")], now=NOW)
    assert embed.title == "Which app?"
    assert "• **Clip Studio**" in (embed.description or "")
    assert "✏️ Edited: typo fixed" in (embed.description or "")
    closed = replace(poll, state=State.CLOSED, closed_at=NOW)
    final = results_embed(closed, tally(closed, [[2]]), t, final=True).description or ""
    assert final.startswith("**Which app?**\n") and "🏆 Result: **Clip Studio**" in final


def test_long_text_is_clipped_before_it_is_escaped_and_fits(catalogs: Catalogs) -> None:
    t = translator(catalogs)
    question = "[" * MAX_QUESTION_LENGTH  # every character doubles when escaped
    note = "#" * 200
    options = tuple(Option(i, f"{i:02}" + "*" * (MAX_OPTION_LENGTH - 2)) for i in range(25))
    poll = make_poll(question=question, options=options, method=Method.MULTIPLE, max_choices=25)
    notes = [EditNote(note, tuple(o.label for o in options))] * 5
    for result in (None, tally(poll, [[0, 1], [2]])):
        embed = poll_embed(poll, t, result=result, notes=notes, now=NOW)
        assert embed.title is not None and len(embed.title) <= 256 and embed.title.endswith("…")
        assert live_marks(embed.title) == ""
        description = embed.description or ""
        assert len(description) <= 4000
        assert half_escapes(description) == 0
        labels = bold_labels(description)
        assert len(labels) == 25  # however escaped, every option keeps its line
        assert all(live_marks(label) == "" and label.endswith("…") for label in labels)
    note_shown = note_line(notes[0], t).split(" · ")[0].removeprefix("✏️ Edited: ")
    assert len(note_shown) <= 200 and note_shown.endswith("…") and live_marks(note_shown) == ""
    closed = replace(poll, state=State.CLOSED, closed_at=NOW)
    results = results_embed(closed, tally(closed, [[o.id for o in options]]), t, final=True)
    description = results.description or ""
    assert len(description) <= 4000
    assert half_escapes(description) == 0
    assert description.split("\n")[0] == "**" + "\\[" * MAX_QUESTION_LENGTH + "**"  # never cut when valid


def test_a_valid_label_is_never_cut_on_a_small_poll(catalogs: Catalogs) -> None:
    label = "*" * MAX_OPTION_LENGTH
    poll = make_poll(options=(Option(0, label), Option(1, "plain")))
    description = poll_embed(poll, translator(catalogs), result=None, now=NOW).description or ""
    escaped = "\\*" * MAX_OPTION_LENGTH
    assert f"• **{escaped}**" in description.split("\n")


def test_the_chart_legend_keeps_the_labels_as_typed(catalogs: Catalogs) -> None:
    """The legend is drawn in an image (``chart.result_chart`` strips only the bot's ``**``): no escapes."""
    t = translator(catalogs)
    closed = make_poll(state=State.CLOSED, closed_at=NOW)
    legend = outcome_line(closed, tally(closed, [[0], [1]]), t)
    assert "**bold** [click](https://evil.example), @here <@123>" in legend
    assert "\\" not in legend and ZWSP not in legend
