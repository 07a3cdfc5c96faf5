"""Durations, closing times, options and the secret voter key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cogs.polls.durations import closing_time, parse_duration
from cogs.polls.options import (
    Option,
    check_max_choices,
    parse_options,
    reconcile,
    split_options,
    validate_question,
)
from cogs.polls.problems import InputProblem
from cogs.polls.voter_keys import (
    legacy_voter_key,
    new_poll_key,
    public_voter_key,
    sealed_key,
    secret_voter_key,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1d 12h", timedelta(days=1, hours=12)),
        ("1H30M", timedelta(hours=1, minutes=30)),
        ("1w", timedelta(weeks=1)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    assert closing_time(text, NOW) == NOW + expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("soon", "polls.errors.bad_duration"),
        ("", "polls.errors.bad_duration"),
        ("3x", "polls.errors.bad_duration"),
        ("2025-13-40", "polls.errors.bad_duration"),
        ("2020-01-01T00:00", "polls.errors.past_closing"),
        ("<t:1000>", "polls.errors.past_closing"),
        ("10s", "polls.errors.too_short"),
        ("200d", "polls.errors.too_long"),
        ("99999999999999999", "polls.errors.bad_duration"),
    ],
)
def test_bad_closing_times(text: str, key: str) -> None:
    with pytest.raises(InputProblem) as info:
        closing_time(text, NOW)
    assert info.value.key == key


def test_absolute_closing_times() -> None:
    assert closing_time("2025-06-02T09:30", NOW) == datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
    assert closing_time("2025-06-02T09:30+09:00", NOW) == datetime(2025, 6, 2, 0, 30, tzinfo=UTC)
    stamp = int((NOW + timedelta(hours=5)).timestamp())
    assert closing_time(f"<t:{stamp}:R>", NOW) == NOW + timedelta(hours=5)


def test_split_options_by_pipe_or_lines() -> None:
    assert split_options("Yes | No |  | Maybe") == ["Yes", "No", "Maybe"]
    assert split_options("Yes\nNo | really\n\n") == ["Yes", "No | really"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Only one", "polls.errors.too_few_options"),
        ("|".join(f"o{i}" for i in range(26)), "polls.errors.too_many_options"),
        ("Yes|yes", "polls.errors.duplicate_option"),
        ("Yes|" + "x" * 81, "polls.errors.option_too_long"),
    ],
)
def test_bad_options(text: str, key: str) -> None:
    with pytest.raises(InputProblem) as info:
        parse_options(text)
    assert info.value.key == key


def test_edit_keeps_ids_of_unchanged_options() -> None:
    old = parse_options("Red|Green|Blue")
    new = reconcile(old, "green|Blue|Purple")
    assert new == [Option(1, "green"), Option(2, "Blue"), Option(3, "Purple")]


def test_question_and_max_choices() -> None:
    assert validate_question("  Ban   AI art?  ") == "Ban AI art?"
    with pytest.raises(InputProblem):
        validate_question("   ")
    with pytest.raises(InputProblem):  # shows nothing: joiners and variation selectors only
        validate_question("\u200c\u200d\ufe0f")
    with pytest.raises(InputProblem):
        parse_options("\ufe0f|\U000e0100|\u17b4")
    with pytest.raises(InputProblem):
        validate_question("x" * 300)
    assert check_max_choices(None, 4) == 4
    with pytest.raises(InputProblem):
        check_max_choices(5, 4)


def test_voter_keys() -> None:
    poll_key = new_poll_key()
    assert len(poll_key) == 32 and poll_key != new_poll_key()
    key = secret_voter_key(poll_key, 1, 42)
    assert key == secret_voter_key(poll_key, 1, 42)  # the bot finds the member's ballot while it has the key
    assert key != secret_voter_key(poll_key, 2, 42)
    assert key != secret_voter_key(new_poll_key(), 1, 42)
    assert len(key) == 64 and int(key, 16) >= 0
    assert legacy_voter_key("s" * 32, 1, 42) != legacy_voter_key("t" * 32, 1, 42)
    sealed = {sealed_key() for _ in range(50)}
    assert len(sealed) == 50 and all(len(k) == 64 for k in sealed)  # random, the same shape as the others
    assert public_voter_key(42) == "u42"


def test_hidden_characters_never_reach_a_poll() -> None:
    from cogs.polls.options import split_options, validate_question

    assert validate_question("Ban\u202e AI art\u200b from #showcase?\u2066") == "Ban AI art from #showcase?"
    assert split_options("Yes\u200b|\u200b|No\u202e") == ["Yes", "No"]
