"""Buttons, selects and forms nothing handles any more — after a restart, or once their view timed out — get a
clear private "expired" answer instead of Discord's "This interaction failed"; views that time out disable their
components on their message; and nothing a view, a persistent item or a form handles is ever answered twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import discord
import pytest

import cogs.polls.flows as flows
from bot.client import Haikei
from bot.errors import ErrorReportingView
from bot.settings import Settings
from bot.ui import confirm
from bot.ui.paginator import Paginator
from emulator.driver import iter_components
from emulator.emulator import Emulator
from emulator.interactions import InteractionResult
from tests.cogs.polls.e2e_support import create
from tests.e2e.helpers import answer_text, assert_clean, custom_ids, running_haikei

pytestmark = pytest.mark.e2e

EXPIRED = "This has expired — run the command again."
EXPIRED_JA = "有効期限が切れています。もう一度コマンドを実行してください。"
SHORT = 0.3  # seconds: a view's timeout in these tests
CLICKED_IN_TIME = 1.5  # … and of one the test clicks first (from its message's arrival: a margin under load)


def assert_answered_once(emulator: Emulator) -> None:
    """No interaction got a second answer (the emulator refuses it with 40060) or a late one."""
    assert [(r.label, r.rejected) for r in emulator.interactions.values() if r.rejected] == []
    assert_clean(emulator)


async def expired_answer(result: InteractionResult) -> str:
    await result.wait()
    assert result.ephemeral and result.response_type == 4, result
    return str(result.content)


def buttons_and_selects(message: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (
        c for c in iter_components(message.get("components") or []) if c.get("type") in (2, 3, 5, 6, 7, 8)
    )


def all_disabled(message: dict[str, Any] | None) -> bool:
    found = list(buttons_and_selects(message or {}))
    return bool(found) and all(c.get("disabled") for c in found)


async def test_after_a_restart_page_buttons_ballots_and_forms_say_they_expired(
    settings: Settings, emulator: Emulator
) -> None:
    """The audit's scenario: the public search pages and a ranked ballot, used after the bot restarted."""
    driver = emulator.driver
    async with running_haikei(settings, emulator):
        search = await driver.command("disclosure search", {}, user="alice")
        await search.wait()
        assert not search.ephemeral
        poll_id, poll = await create(emulator, options="a|b|c", method="ranked")
        flow = await driver.click(poll, f"poll:{poll_id}:rank", user="alice")
        await flow.wait()
        form = await driver.command("disclosure submit", user="bob")
        await form.wait()
        assert form.modal is not None
    async with running_haikei(settings, emulator):
        _previous, next_page = custom_ids(search)
        assert await expired_answer(await driver.click(search, next_page, user="alice")) == EXPIRED
        in_japanese = await driver.click(search, next_page, user="carol", locale="ja")
        assert await expired_answer(in_japanese) == EXPIRED_JA
        restart = custom_ids(flow)[-1]
        assert await expired_answer(await driver.click(flow, restart, user="alice")) == EXPIRED
        inputs = [c["custom_id"] for c in iter_components(form.modal["components"]) if c.get("type") == 4]
        values = ["Some Work", "", "backgrounds", "https://news.example/x", ""]
        typed = await driver.submit_modal(form, dict(zip(inputs, values, strict=True)))
        assert await expired_answer(typed) == EXPIRED
        # persistent components keep working, and are answered by their item only
        vote = await driver.click(poll, f"poll:{poll_id}:rank", user="bob")
        await vote.wait()
        assert vote.ephemeral and "Rank the options" in (vote.content or "")
        assert EXPIRED not in (search.content or "")  # the page itself is left as it was
    assert_answered_once(emulator)


async def test_timed_out_views_disable_their_components(
    haikei: Haikei, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sent through the shared paths (Paginator, confirm.ask), or clicked once (a ballot flow): each view's
    components are disabled on its message when it times out."""
    monkeypatch.setattr(flows, "FLOW_TIMEOUT", CLICKED_IN_TIME)
    monkeypatch.setitem(Paginator.__init__.__kwdefaults__, "timeout", SHORT)
    monkeypatch.setitem(confirm.ask.__kwdefaults__, "timeout", SHORT)
    driver = emulator.driver
    pages = await driver.command("disclosure search", {}, user="alice")  # public, sent as the response
    poll_id, poll = await create(emulator, options="a|b|c", method="ranked")
    flow = await driver.click(poll, f"poll:{poll_id}:rank", user="alice")
    await flow.wait()
    await (await driver.select(flow, custom_ids(flow)[0], ["1"], user="alice")).wait()  # answered by an edit
    deleting = await driver.command("curate delete", {"id": "dog-and-the-boy-2023"}, user="mod")
    await deleting.wait()
    for shown in (pages, flow, deleting):
        await shown.wait_until(lambda r: all_disabled(r.original), timeout=5)
    await deleting.wait_followups(1)
    assert "No answer in time" in str(deleting.followups[0]["content"])  # the cog's own timeout answer
    assert_answered_once(emulator)


class Probe(ErrorReportingView):
    """A view the test sends itself: one button that answers by editing its message."""

    @discord.ui.button(label="go")
    async def go(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="went", view=self)


async def test_a_click_on_a_timed_out_view_says_it_expired(haikei: Haikei, emulator: Emulator) -> None:
    """A view that knows no message (sent without ``send``/``message``) keeps its buttons: a click on one after
    the timeout is answered, not left to fail; a view given its ``message`` (opt-in) is disabled there."""
    channel = haikei.get_channel(emulator.world.channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    unknown, known = Probe(timeout=SHORT), Probe(timeout=SHORT)
    unknown_message = await channel.send("unknown", view=unknown)
    known.message = await channel.send("known", view=known)
    assert await unknown.wait() and await known.wait()  # True: timed out
    stale = emulator.driver.message(unknown_message.id)
    assert not all_disabled(stale)
    assert await expired_answer(await emulator.driver.click(stale, unknown.go.custom_id or "")) == EXPIRED
    await emulator.wait_until(lambda: all_disabled(emulator.driver.message(known.message.id)), timeout=5)
    assert_answered_once(emulator)


async def test_handled_components_and_forms_get_exactly_one_answer(
    haikei: Haikei, emulator: Emulator
) -> None:
    """Live views (also refusing another member, and one that stops itself before its first await), persistent
    buttons and forms: answered by their handler alone, never also told that they expired."""
    driver = emulator.driver
    channel = haikei.get_channel(emulator.world.channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    live = Probe(timeout=60)
    message = await channel.send("live", view=live)
    went = await driver.click(message.id, live.go.custom_id or "", user="bob")
    await went.wait()
    assert went.response_type == 7 and emulator.driver.message(message.id)["content"] == "went"
    search = await driver.command("disclosure search", {}, user="alice")
    await search.wait()
    _previous, next_page = custom_ids(search)
    refused = await driver.click(search, next_page, user="bob")
    assert "Only the person who ran the command" in await answer_text(refused)
    turned = await driver.click(search, next_page, user="alice")
    await turned.wait()
    assert turned.response_type == 7
    form = await driver.command("disclosure submit", user="alice")
    await form.wait()
    assert form.modal is not None
    inputs = [c["custom_id"] for c in iter_components(form.modal["components"]) if c.get("type") == 4]
    values = ["The Dog and the Boy (Netflix)", "", "backgrounds", "https://news.example/dog", ""]
    warned = await driver.submit_modal(form, dict(zip(inputs, values, strict=True)))
    assert "looks like a record we already have" in await answer_text(warned)
    warning = driver.message(
        next(
            m for m in reversed(list(emulator.ephemeral.values())) if "looks like" in (m.get("content") or "")
        )
    )
    anyway = await driver.click(warning, custom_ids(warning)[0], user="alice")  # stops its view first
    await anyway.wait()
    await emulator.wait_until(lambda: "Submission **#1**" in (driver.message(warning).get("content") or ""))
    poll_id, poll = await create(emulator)
    assert "Your vote" in await answer_text(await driver.click(poll, f"poll:{poll_id}:v:0", user="carol"))
    every = [r for r in emulator.interactions.values() if r.type in (3, 5)]
    assert every and all(EXPIRED not in str(r.content) for r in every)
    assert all(EXPIRED not in str(f.get("content")) for r in every for f in r.followups)
    assert_answered_once(emulator)


async def test_a_card_shown_by_editing_the_message_is_disabled_when_it_times_out(
    haikei: Haikei, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review queue's next card replaces the previous one in place (an edit, not a new message): it still
    knows its message, and shows its buttons disabled once it times out."""
    import cogs.disclosures.views as disclosure_views
    from tests.e2e.test_disclosures_review import review, submit

    monkeypatch.setattr(disclosure_views, "VIEW_TIMEOUT", 0.5)
    await submit(emulator, "alice")
    await submit(emulator, "bob", **{"0": "Another Work", "3": "https://news.example/another"})
    card = await review(emulator)
    skip = next(i for i in custom_ids(card) if ":skip:" in i)
    moved = await (await emulator.driver.click(card, skip, user="mod")).wait()
    assert moved.response_type == 7  # the card was edited into the next one
    await emulator.wait_until(
        lambda: all_disabled(emulator.driver.message(card)), timeout=10, what="the next card disabled"
    )
    assert_clean(emulator)
