"""bot.ui.confirm: a prompt given ``recheck`` runs the command's own check again on the confirming click; a click
that fails it confirms nothing, is answered with the check's error, and leaves nothing more to say (the
end-to-end side: tests/e2e/test_confirm_rechecks.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.errors import NotCurator
from bot.ui import confirm
from bot.ui.confirm import Confirm

OWNER = 42


class FakeResponse:
    def __init__(self) -> None:
        self.edits: list[dict[str, Any]] = []

    async def edit_message(self, **kwargs: Any) -> None:
        self.edits.append(kwargs)


def click(user_id: int = OWNER) -> Any:
    return SimpleNamespace(user=SimpleNamespace(id=user_id), response=FakeResponse())


def prompt(recheck: confirm.Recheck | None = None) -> Confirm:
    return Confirm(OWNER, confirm_label="Confirm", cancel_label="Cancel", timeout=60, recheck=recheck)


def buttons_disabled(view: Confirm) -> bool:
    return all(item.disabled for item in view.children if isinstance(item, discord.ui.Button))


@pytest.fixture
def reported(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Exception]]:
    """What the prompt reported, on which interaction (instead of answering through Discord)."""
    seen: list[tuple[Any, Exception]] = []

    async def report(interaction: Any, error: Exception, *, where: str | None = None) -> None:
        seen.append((interaction, error))

    monkeypatch.setattr(confirm, "report", report)
    return seen


async def test_a_click_that_passes_the_recheck_confirms(reported: list[tuple[Any, Exception]]) -> None:
    checked: list[Any] = []

    async def still_allowed(interaction: Any) -> None:
        checked.append(interaction)

    view = prompt(still_allowed)
    clicked = click()
    await view.confirm.callback(clicked)
    assert checked == [clicked]  # the check ran on the confirming click, not on the command
    assert view.value is True and view.clicked is clicked and view.refusal is None
    assert view.unconfirmed_key is None and view.is_finished() and buttons_disabled(view)
    assert clicked.response.edits == [{"view": view}] and reported == []


@pytest.mark.parametrize("error", [NotCurator(), RuntimeError("a bug in the check")])
async def test_a_click_that_fails_the_recheck_confirms_nothing_and_is_told_why(
    reported: list[tuple[Any, Exception]], error: Exception
) -> None:
    async def no_longer_allowed(_: Any) -> None:
        raise error

    view = prompt(no_longer_allowed)
    clicked = click()
    await view.confirm.callback(clicked)
    assert view.value is None and view.refusal is error  # never True: a caller acting on True does nothing
    assert view.unconfirmed_key is None  # the click was answered: no "Cancelled" or "No answer in time" too
    assert view.is_finished() and buttons_disabled(view) and clicked.response.edits == [{"view": view}]
    assert reported == [(clicked, error)]  # the check's own message, answering the click


async def test_cancel_and_timeout_never_run_the_recheck(reported: list[tuple[Any, Exception]]) -> None:
    async def must_not_run(_: Any) -> None:
        raise AssertionError("the recheck runs only on Confirm")

    cancelled = prompt(must_not_run)
    await cancelled.cancel.callback(click())
    assert cancelled.value is False and cancelled.unconfirmed_key == "ui.cancelled"
    unanswered = prompt(must_not_run)
    assert unanswered.value is None and unanswered.unconfirmed_key == "ui.timed_out"
    unanswered.stop()
    assert reported == []


async def test_without_a_recheck_confirm_is_as_before(reported: list[tuple[Any, Exception]]) -> None:
    view = prompt()
    await view.confirm.callback(click())
    assert view.value is True and view.unconfirmed_key is None and reported == []
    assert "recheck" in confirm.ask.__kwdefaults__ and confirm.ask.__kwdefaults__["recheck"] is None
