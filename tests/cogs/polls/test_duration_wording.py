"""Duration problems read right: a zero length is "too short", never "in the past"; examples are generated."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.i18n import Catalogs, flatten
from cogs.polls.durations import closing_time, example_closing_time, extended_deadline
from cogs.polls.problems import InputProblem

LOCALES = Path(__file__).resolve().parents[3] / "cogs" / "polls" / "locales"
NOW = datetime(2031, 3, 4, 5, 6, tzinfo=UTC)


def catalogs() -> Catalogs:
    found = Catalogs()
    found.load_dir(LOCALES)
    return found


def problem(text: str, now: datetime = NOW) -> InputProblem:
    with pytest.raises(InputProblem) as caught:
        closing_time(text, now)
    return caught.value


@pytest.mark.parametrize("text", ["0m", "0h", "0d 0m", "-5m", "- 2h", "30s"])
def test_a_zero_or_negative_length_is_too_short_not_in_the_past(text: str) -> None:
    found = problem(text)
    assert found.key == "polls.errors.too_short"
    english = catalogs().text(found.key, "en", **found.params)
    assert "at least 1 minute" in english and "minutes" not in english
    assert "past" not in english and "passed" not in english
    assert "1 分以上" in catalogs().text(found.key, "ja", **found.params)


def test_extending_by_nothing_is_refused() -> None:
    current = NOW + timedelta(hours=3)
    for text in ("0m", "-1h"):
        with pytest.raises(InputProblem) as caught:
            extended_deadline(text, current, NOW)
        assert caught.value.key == "polls.errors.extend_too_short"
        assert "at least 1 minute" in catalogs().text(caught.value.key, "en", **caught.value.params)
    assert extended_deadline("1m", current, NOW) == current + timedelta(minutes=1)


@pytest.mark.parametrize("key_text", [("2001-01-01T00:00", "polls.errors.past_closing"), ("soon", None)])
def test_examples_in_messages_are_later_than_now(key_text: tuple[str, str | None]) -> None:
    text, key = key_text
    for now in (NOW, datetime(2040, 12, 31, 23, 59, tzinfo=UTC)):
        found = problem(text, now)
        assert key is None or found.key == key
        for lang in ("en", "ja"):
            message = catalogs().text(found.key, lang, **found.params)
            stamps = re.findall(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", message.replace(f"`{text}`", ""))
            (example,) = stamps
            assert example == example_closing_time(now)
            assert closing_time(example, now) > now  # the example itself is accepted


def test_the_generated_example_is_tomorrow_at_a_full_hour() -> None:
    assert example_closing_time(NOW) == "2031-03-05T06:00"
    assert example_closing_time(datetime(2040, 12, 31, 23, 59, tzinfo=UTC)) == "2041-01-02T00:00"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_catalog_entry_hard_codes_a_date(lang: str) -> None:
    entries = flatten(tomllib.loads((LOCALES / f"{lang}.toml").read_text(encoding="utf-8")))
    dated = {key: value for key, value in entries.items() if re.search(r"\d{4}-\d{2}-\d{2}", value)}
    assert dated == {}
