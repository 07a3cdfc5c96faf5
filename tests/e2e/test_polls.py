"""Polls end to end: creating (string and form), voting by button/select/flows, permissions and bad input."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.client import Haikei
from cogs.polls import store
from cogs.polls.cog import Polls
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import ballots, create, poll_count, poll_message
from tests.e2e.helpers import answer_text, assert_clean, custom_ids

pytestmark = pytest.mark.e2e


def polls_cog(haikei: Haikei) -> Polls:
    cog = haikei.get_cog("Polls")
    assert isinstance(cog, Polls)
    return cog


async def test_button_vote_change_remove_and_live_counts(haikei: Haikei, emulator: Emulator) -> None:
    polls_cog(haikei).live.interval = 0.2
    poll_id, message = await create(emulator)
    assert custom_ids(message) == [
        f"poll:{poll_id}:v:0",
        f"poll:{poll_id}:v:1",
        f"poll:{poll_id}:v:2",
        f"poll:{poll_id}:rm",
        f"poll:{poll_id}:res",
    ]
    first = await emulator.driver.click(message, f"poll:{poll_id}:v:0", user="alice")
    assert "Your vote: **Yes**" in await answer_text(first)
    assert first.ephemeral
    changed = await emulator.driver.click(message, f"poll:{poll_id}:v:1", user="alice")
    assert "**No**" in await answer_text(changed)
    await answer_text(await emulator.driver.click(message, f"poll:{poll_id}:v:1", user="bob"))
    assert sorted(await ballots(haikei, poll_id)) == [[1], [1]]
    await emulator.wait_until(
        lambda: "Poll #1 · 2 votes" in poll_message(emulator, poll_id)["embeds"][0]["footer"]["text"],
        timeout=5,
    )
    assert "**No** — 2 (100%)" in poll_message(emulator, poll_id)["embeds"][0]["description"]
    removed = await emulator.driver.click(message, f"poll:{poll_id}:rm", user="alice")
    assert await answer_text(removed) == "Your vote was removed."
    again = await emulator.driver.click(message, f"poll:{poll_id}:rm", user="alice")
    assert await answer_text(again) == "You have not voted in this poll."
    shown = await emulator.driver.click(message, f"poll:{poll_id}:res", user="carol")
    await shown.wait()
    assert shown.ephemeral and "**No** — 1 (100%)" in shown.embeds[0]["description"]
    assert_clean(emulator)


class Interval:
    """The live updater's clock and sleep, driven by the test: time stands still, and a wait for the interval
    ends only when the test says that the interval has passed."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []  # every delay the updater waited out: one per refresh it scheduled
        self.waiting = asyncio.Event()  # a refresh is waiting for the interval
        self.passed = asyncio.Event()

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.waits.append(delay)
        if delay > 0:
            self.waiting.set()
            await self.passed.wait()

    def elapse(self, seconds: float) -> None:
        self.now += seconds
        self.passed.set()


async def test_live_edits_are_coalesced(
    haikei: Haikei, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vote edits the poll message at once; the 29 votes cast while that edit is in flight make one more
    edit, sent when the interval has passed, and nothing after it."""
    cog = polls_cog(haikei)
    interval = Interval()
    cog.live.interval, cog.live.clock, cog.live.sleep = 1.0, interval.clock, interval.sleep
    poll_id, message = await create(emulator)
    footers: list[str] = []  # the poll message's footer after each edit
    emulator.subscribe(
        lambda e: (
            footers.append(e.data["embeds"][0]["footer"]["text"])
            if e.kind == "message_update" and e.data["id"] == message["id"]
            else None
        )
    )
    in_flight, release = asyncio.Event(), asyncio.Event()
    send = haikei.http.edit_message

    async def held(channel_id: int, message_id: int, **kwargs: Any) -> Any:
        """The poll message's first edit waits, on its way to Discord, until the test releases it."""
        if int(message_id) == int(message["id"]) and not in_flight.is_set():
            in_flight.set()
            await release.wait()
        return await send(channel_id, message_id, **kwargs)

    monkeypatch.setattr(haikei.http, "edit_message", held)
    users = [f"voter{i}" for i in range(30)]
    for name in users:
        emulator.world.add_member(emulator.world.add_user(name), roles=["Member"])

    first = await emulator.driver.click(message, f"poll:{poll_id}:v:2", user=users[0])
    assert "Your vote" in await answer_text(first)
    await asyncio.wait_for(in_flight.wait(), 5)  # the edit for this one vote is under way
    clicks = await asyncio.gather(
        *[emulator.driver.click(message, f"poll:{poll_id}:v:2", user=u) for u in users[1:]]
    )
    answers = await asyncio.gather(*[answer_text(click) for click in clicks])
    assert all("Your vote" in answer for answer in answers)
    assert len(await ballots(haikei, poll_id)) == 30
    await asyncio.wait_for(interval.waiting.wait(), 5)
    assert interval.waits == [0.0, 1.0]  # the first edit at once; the 29 votes during it wait for one more
    assert footers == []

    release.set()
    await emulator.wait_until(lambda: len(footers) == 1, timeout=5, what="the first edit")
    assert footers == [f"Poll #{poll_id} · 1 vote"]
    interval.elapse(1.0)
    await emulator.wait_until(
        lambda: "30 votes" in poll_message(emulator, poll_id)["embeds"][0]["footer"]["text"],
        timeout=5,
        what="the coalesced edit",
    )
    await asyncio.wait_for(cog.live.idle(), 5)  # nothing waiting or editing: no edit can follow
    assert footers == [f"Poll #{poll_id} · 1 vote", f"Poll #{poll_id} · 30 votes"]
    assert interval.waits == [0.0, 1.0]
    assert_clean(emulator)


async def test_create_through_the_options_form(haikei: Haikei, emulator: Emulator) -> None:
    opened = await emulator.driver.command("poll create", options={"question": "Best palette?"}, user="mod")
    await opened.wait()
    assert opened.modal is not None
    inputs = custom_ids(opened.modal)
    submitted = await emulator.driver.submit_modal(opened, {inputs[1]: "Warm\nCool\nMonochrome\n"})
    assert "Poll #1 is posted" in await answer_text(submitted)
    poll = await haikei.db.run(store.get_poll, 1)
    assert poll is not None and [o.label for o in poll.options] == ["Warm", "Cool", "Monochrome"]
    assert_clean(emulator)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"options": "Only one"}, "at least 2 options"),
        ({"options": "|".join(f"Option {i}" for i in range(26))}, "at most 25 options"),
        ({"options": "Yes|No|yes"}, "appears twice"),
        ({"options": "Yes|" + "x" * 81}, "at most 80 characters"),
        ({"duration": "2001-01-01T00:00"}, "has already passed"),
        ({"duration": "whenever"}, "could not read `whenever`"),
        ({"method": "multiple", "max_choices": 5}, "between 1 and 3"),
    ],
)
async def test_bad_input_is_refused_and_nothing_stored(
    haikei: Haikei, emulator: Emulator, options: dict, expected: str
) -> None:
    options = {"question": "Q?", "options": "A|B|C", **options}
    result = await emulator.driver.command("poll create", options=options, user="mod")
    text = await answer_text(result)
    assert expected in text
    assert result.ephemeral
    assert await poll_count(haikei) == 0
    assert [m for m in emulator.messages("general") if m.get("embeds")] == []
    assert_clean(emulator)


async def test_members_cannot_create_unless_they_hold_the_poller_role(
    haikei: Haikei, emulator: Emulator
) -> None:
    refused = await emulator.driver.command(
        "poll create", options={"question": "Q?", "options": "A|B"}, user="alice"
    )
    assert "Only moderators" in await answer_text(refused)
    assert await poll_count(haikei) == 0
    setting = await emulator.driver.command("config pollers", options={"role": "Member"}, user="mod")
    await setting.wait()
    poll_id, _ = await create(emulator, user="alice")
    assert poll_id == 1


async def test_select_for_many_options_and_multiple_choice_cap(haikei: Haikei, emulator: Emulator) -> None:
    options = "|".join(f"Artist {i}" for i in range(8))
    poll_id, message = await create(emulator, options=options, method="multiple", max_choices=3)
    select = message["components"][0]["components"][0]
    assert (
        select["custom_id"] == f"poll:{poll_id}:sel"
        and select["max_values"] == 3
        and len(select["options"]) == 8
    )
    vote = await emulator.driver.select(message, f"poll:{poll_id}:sel", ["5", "1", "7"], user="alice")
    assert "Artist 1, Artist 5, Artist 7" in await answer_text(vote)
    assert await ballots(haikei, poll_id) == [[1, 5, 7]]
    single_id, single = await create(emulator, options=options)
    one = await emulator.driver.select(single, f"poll:{single_id}:sel", ["4"], user="bob")
    assert "Artist 4" in await answer_text(one)
    assert_clean(emulator)


async def test_ranked_flow_ends_in_one_confirmed_ballot(haikei: Haikei, emulator: Emulator) -> None:
    poll_id, message = await create(emulator, options="Red|Green|Blue", method="ranked")
    flow = await emulator.driver.click(message, f"poll:{poll_id}:rank", user="alice")
    await flow.wait()
    assert flow.ephemeral
    for pick in ("2", "0"):
        select_id = custom_ids(flow)[0]
        await (await emulator.driver.select(flow, select_id, [pick], user="alice")).wait()
    assert "1. Blue" in flow.content and "2. Red" in flow.content
    assert await ballots(haikei, poll_id) == []  # nothing stored before confirming
    confirm = custom_ids(flow)[1]
    done = await emulator.driver.click(flow, confirm, user="alice")
    await done.wait()
    await flow.wait_until(lambda r: "Your vote" in (r.content or ""))
    assert "1. Blue → 2. Red" in flow.content
    assert await ballots(haikei, poll_id) == [[2, 0]]
    assert_clean(emulator)


async def test_score_flow(haikei: Haikei, emulator: Emulator) -> None:
    poll_id, message = await create(emulator, options="Sketch|Paint", method="score")
    flow = await emulator.driver.click(message, f"poll:{poll_id}:score", user="bob")
    await flow.wait()
    for score in (4, 1):
        button = custom_ids(flow)[score]
        await (await emulator.driver.click(flow, button, user="bob")).wait()
    confirm = custom_ids(flow)[0]
    await (await emulator.driver.click(flow, confirm, user="bob")).wait()
    await flow.wait_until(lambda r: "Your vote" in (r.content or ""))
    assert await ballots(haikei, poll_id) == [{0: 4, 1: 1}]
    assert_clean(emulator)


async def test_eligible_role_is_enforced(haikei: Haikei, emulator: Emulator) -> None:
    emulator.add_role("Artists")
    emulator.give_role("bob", "Artists")
    poll_id, message = await create(emulator, eligible_role="Artists")
    refused = await emulator.driver.click(message, f"poll:{poll_id}:v:0", user="alice")
    assert "only members with" in await answer_text(refused)
    accepted = await emulator.driver.click(message, f"poll:{poll_id}:v:0", user="bob")
    assert "Your vote" in await answer_text(accepted)
    assert await ballots(haikei, poll_id) == [[0]]
    assert_clean(emulator)


async def test_ping_role_is_the_only_mention(haikei: Haikei, emulator: Emulator) -> None:
    emulator.add_role("Poll pings")
    role_id = emulator.world.role("Poll pings").id
    poll_id, message = await create(emulator, ping_role="Poll pings")
    assert message["content"] == f"<@&{role_id}>"
    records = emulator.allowed_mentions_for(message["id"])
    assert records and records[-1].roles == [role_id] and records[-1].users == [] and not records[-1].everyone
    await answer_text(await emulator.driver.click(message, f"poll:{poll_id}:v:0", user="alice"))
    others = [m for m in emulator.messages("general") if m["id"] != message["id"]]
    for other in others:
        assert all(
            not r.roles and not r.users and not r.everyone for r in emulator.allowed_mentions_for(other["id"])
        )
