"""Secret polls end to end: live turnout only, and after close nothing links a ballot to a member or an order.

The operator's view after close: the database file, the ballot-key file, the settings (POLL_SECRET included),
every export, the audit log and the logs. None of it, nor the key the bot held while the poll was open,
links a ballot to a member.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import logging
import re
import sqlite3
from typing import Any

import pytest

from bot.client import Haikei
from bot.settings import Settings
from cogs.polls import store
from cogs.polls.model import decode_choices
from cogs.polls.voter_keys import legacy_voter_key, secret_voter_key
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import create, poll_message
from tests.e2e.helpers import answer_text, assert_clean, custom_ids, running_haikei

pytestmark = pytest.mark.e2e

OPTIONS = "Ink|Paint|Pixel|Clay|Film"
# Each member casts a ballot nobody else casts, so a stored ballot tells its voter's place in the queue.
BALLOTS = [list(c) for n in (1, 2) for c in itertools.combinations(range(5), n)][:10]
VOTERS = [f"voter{i}" for i in range(len(BALLOTS))]
COUNTS = re.compile(r"— \d|\d+%|\d+ \(")  # an option's count, as public polls show it


def footer(emulator: Emulator, poll_id: int) -> str:
    return poll_message(emulator, poll_id)["embeds"][0]["footer"]["text"]


def watch(emulator: Emulator, message_id: str) -> list[dict[str, Any]]:
    """Every version of the poll message that members could see, as it is edited."""
    versions: list[dict[str, Any]] = []
    emulator.subscribe(
        lambda e: (
            versions.append(e.data) if e.kind == "message_update" and e.data["id"] == message_id else None
        )
    )
    return versions


async def exported_csv(emulator: Emulator, poll_id: int) -> list[list[str]]:
    exported = await emulator.driver.command("poll-manage export", options={"poll": poll_id}, user="mod")
    assert "tallies only" in await answer_text(exported)
    attachment = (exported.attachments or (await exported.wait_followups(1))[0]["attachments"])[0]
    return list(csv.reader(io.StringIO(emulator.files[int(attachment["id"])].data.decode("utf-8-sig"))))


async def test_after_close_no_ballot_can_be_linked_to_a_member(
    haikei: Haikei, emulator: Emulator, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cog: Any = haikei.get_cog("Polls")
    cog.live.interval = 0.1
    for name in VOTERS:
        emulator.world.add_member(emulator.world.add_user(name), roles=["Member"])
    poll_id, message = await create(emulator, secret=True, method="multiple", max_choices=5, options=OPTIONS)
    versions = watch(emulator, message["id"])
    for name, ballot in zip(VOTERS, BALLOTS, strict=True):
        chosen = await emulator.driver.select(
            message, f"poll:{poll_id}:sel", [str(o) for o in ballot], user=name
        )
        assert "Secret ballot" in await answer_text(chosen)
    changed = await emulator.driver.select(message, f"poll:{poll_id}:sel", ["3", "4"], user=VOTERS[0])
    assert "Your vote: **Clay, Film**" in await answer_text(
        changed
    )  # members can change their vote while open
    cast = [[3, 4], *BALLOTS[1:]]  # each member's last ballot, in the order they first voted
    poll_key = cog.keys.get(poll_id)  # what the bot holds while the poll is open
    assert poll_key is not None
    await emulator.wait_until(lambda: f"· {len(VOTERS)} votes" in footer(emulator, poll_id), timeout=5)

    # While open: the message shows turnout only, and nobody can ask for the counts.
    assert versions and all(not COUNTS.search(v["embeds"][0]["description"]) for v in versions)
    assert "see who you are and what you chose" in footer(emulator, poll_id)  # said plainly, on the poll
    assert "kept outside the database" in footer(emulator, poll_id)
    for refused in (
        await emulator.driver.click(message, f"poll:{poll_id}:res", user="alice"),
        await emulator.driver.command("poll results", options={"poll": poll_id}, user="mod"),
        await emulator.driver.command("poll-manage export", options={"poll": poll_id}, user="mod"),
    ):
        assert "shown only after it closes" in await answer_text(refused)

    closed = await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
    assert "is closed" in await answer_text(closed)
    assert "sealed" in footer(emulator, poll_id)
    assert "🏆" in emulator.messages("general")[-1]["embeds"][0]["description"]  # results are posted

    # The key is gone: from the bot and from the key file, bytes included.
    assert cog.keys.get(poll_id) is None
    assert poll_key not in settings.ballot_keys_path.read_bytes()
    user_ids = [emulator.world.user(name).id for name in VOTERS]
    stored = await haikei.db.run(
        lambda db: db.execute(
            "SELECT voter_key, choices FROM ballots WHERE poll_id = ?", [poll_id]
        ).fetchall()
    )
    dump = "\n".join(await haikei.db.run(lambda db: list(db.conn.iterdump())))
    raw = settings.database_path.read_bytes() + settings.ballot_keys_path.read_bytes()
    for user_id, name in zip(user_ids, VOTERS, strict=True):
        # Neither the key the bot held while open nor POLL_SECRET (the config) recomputes any stored key.
        for key in (
            secret_voter_key(poll_key, poll_id, user_id),
            legacy_voter_key(settings.poll_secret or "", poll_id, user_id),
        ):
            assert all(key != k for k, _ in stored) and key.encode() not in raw
        assert str(user_id) not in dump and str(user_id).encode() not in raw and f"'{name}'" not in dump
    # The stored order is not the order in which members voted.
    order = [cast.index(decode_choices(choices)) for _, choices in stored]  # type: ignore[arg-type]
    assert sorted(order) == list(range(len(VOTERS))) and order not in (sorted(order), sorted(order)[::-1])
    # Exports, the audit log and the logs: tallies, moderators' actions, no voter.
    rows = await exported_csv(emulator, poll_id)
    assert rows[0] == ["option", "total"] and rows[-1] == ["(ballots)", str(len(VOTERS))]
    assert not any(str(user_id) in cell for user_id in user_ids for row in rows for cell in row)
    audit = await haikei.db.run(store.audit_log, poll_id)
    assert {e["actor_id"] for e in audit} == {emulator.world.user("mod").id}
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("cogs", "bot"))]
    assert not any(str(user_id) in line for user_id in user_ids for line in ours)

    reopened = await emulator.driver.command("poll-manage reopen", options={"poll": poll_id}, user="mod")
    assert "cannot be reopened" in await answer_text(reopened)
    assert not (await haikei.db.run(store.get_poll, poll_id)).is_open  # type: ignore[union-attr]
    assert_clean(emulator)


async def test_ranked_secret_flow_and_live_turnout(haikei: Haikei, emulator: Emulator) -> None:
    haikei.get_cog("Polls").live.interval = 0.1  # type: ignore[union-attr]
    poll_id, message = await create(emulator, secret=True, method="ranked", options="Red|Green|Blue")
    versions = watch(emulator, message["id"])
    for n, name in enumerate(("alice", "bob"), 1):
        flow = await emulator.driver.click(message, f"poll:{poll_id}:rank", user=name)
        await flow.wait()
        for pick in ("2", "0") if name == "alice" else ("0",):
            await (await emulator.driver.select(flow, custom_ids(flow)[0], [pick], user=name)).wait()
        await (await emulator.driver.click(flow, custom_ids(flow)[-2], user=name)).wait()
        await flow.wait_until(lambda r: "Your vote" in (r.content or ""))
        assert "Secret ballot" in flow.content
        turnout = f"Poll #{poll_id} · 1 vote" if n == 1 else f"Poll #{poll_id} · {n} votes"
        await emulator.wait_until(
            lambda turnout=turnout: footer(emulator, poll_id).split("\n")[0] == turnout, timeout=5
        )
    assert [v["embeds"][0]["footer"]["text"].split("\n")[0] for v in versions][
        -1
    ] == f"Poll #{poll_id} · 2 votes"
    assert all(not COUNTS.search(v["embeds"][0]["description"]) for v in versions)  # turnout only
    await answer_text(
        await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
    )
    result = emulator.messages("general")[-1]["embeds"][0]["description"]
    assert "Tie between" in result and "Red" in result and "Blue" in result  # Blue>Red and Red: a tie
    assert_clean(emulator)


def stored_key_polls(settings: Settings) -> list[int]:
    with contextlib.closing(sqlite3.connect(settings.ballot_keys_path)) as conn:
        return [r[0] for r in conn.execute("SELECT poll_id FROM poll_keys")]


async def test_secret_ballots_across_restarts_and_an_interrupted_close(
    settings: Settings, emulator: Emulator
) -> None:
    async with running_haikei(settings, emulator):
        poll_id, message = await create(emulator, secret=True)
        await answer_text(await emulator.driver.click(message, f"poll:{poll_id}:v:0", user="alice"))
    assert stored_key_polls(settings) == [poll_id]  # the key lives beside the database, not in it
    async with running_haikei(settings, emulator) as bot:
        changed = await emulator.driver.click(message, f"poll:{poll_id}:v:1", user="alice")
        assert "Your vote: **No**" in await answer_text(changed)
        assert await bot.db.run(store.ballots, poll_id) == [[1]]  # changed, not counted twice
        cog: Any = bot.get_cog("Polls")
        cog.keys.destroy = lambda poll_ids: 0  # the process dies between the close's commit and this
        closed = await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
        assert "is closed" in await answer_text(closed)
    assert stored_key_polls(settings) == [poll_id]
    async with running_haikei(settings, emulator) as bot:
        assert stored_key_polls(settings) == []  # destroyed at start, since the poll is closed
        assert await bot.db.run(store.ballots, poll_id) == [[1]]
    assert_clean(emulator)
