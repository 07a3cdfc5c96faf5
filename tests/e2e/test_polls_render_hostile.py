"""A poll whose question, options and edit note are written to format and ping, end to end: the public poll
message (as posted, as votes update it live, after an edit), the results and the closing post all show the text
as typed but inert (escaped, mentions broken); the buttons keep the labels as typed (not markdown), nothing
pings, and the CSV export keeps the raw text (data, with formulas neutralised)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from bot.client import Haikei
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import create, poll_message
from tests.e2e.helpers import answer_text, assert_clean

pytestmark = pytest.mark.e2e

QUESTION = "# PROOF [official](https://evil.example) @everyone <@&1> ||s|| `x`"
LABELS = ["**bold** [click](https://evil.example)", "@here <@123>", "-# small `code`"]
NOTE = "[added C](https://evil.example) @everyone <#1> # hi"

TITLE = (
    "\\# PROOF \\[official\\]\\(https\\://evil.example\\) @\u200beveryone <@\u200b&1\\> \\|\\|s\\|\\| \\`x\\`"
)
SHOWN = [
    "\\*\\*bold\\*\\* \\[click\\]\\(https\\://evil.example\\)",
    "@\u200bhere <@\u200b123\\>",
    "-\\# small \\`code\\`",
]
SHOWN_NOTE = "✏️ Edited: \\[added C\\]\\(https\\://evil.example\\) @\u200beveryone <\\#1\\> \\# hi"
LIVE = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(|@everyone|@here|<@[!&]?\d+>|<#\d+>|^#", re.MULTILINE)


def assert_inert(text: str) -> None:
    """No masked link, heading or mention of the members' making left in ``text``."""
    assert LIVE.search(text) is None, text
    assert "||s||" not in text and "`x`" not in text and "**bold**" not in text


async def test_hostile_poll_text_is_shown_inert_everywhere(haikei: Haikei, emulator: Emulator) -> None:
    haikei.get_cog("Polls").live.interval = 0.1  # type: ignore[union-attr]
    poll_id, message = await create(emulator, question=QUESTION, options="|".join(LABELS))
    embed = message["embeds"][0]
    assert embed["title"] == TITLE
    assert [line for line in embed["description"].split("\n") if line.startswith("`")] == [
        f"`░░░░░░░░░░` **{label}** — 0 (0%)" for label in SHOWN
    ]
    assert_inert(embed["description"])
    # Buttons are not markdown: their labels stay as typed.
    buttons = [c["label"] for row in message["components"] for c in row["components"]]
    assert buttons[:3] == LABELS

    # Live counts, as votes edit the message.
    for user, option in (("alice", 0), ("bob", 1)):
        await answer_text(await emulator.driver.click(message, f"poll:{poll_id}:v:{option}", user=user))
    await emulator.wait_until(
        lambda: poll_message(emulator, poll_id)["embeds"][0]["footer"]["text"] == f"Poll #{poll_id} · 2 votes"
    )
    live = poll_message(emulator, poll_id)["embeds"][0]
    assert live["title"] == TITLE
    assert f"`█████░░░░░` **{SHOWN[1]}** — 1 (50%)" in live["description"].split("\n")
    assert_inert(live["description"])

    # An edit's note on the public message.
    edited = await emulator.driver.command(
        "poll-manage edit",
        options={"poll": poll_id, "options": "|".join([*LABELS, "Later"]), "note": NOTE},
        user="mod",
    )
    assert "was updated" in await answer_text(edited)
    await emulator.wait_until(
        lambda: SHOWN_NOTE in poll_message(emulator, poll_id)["embeds"][0]["description"]
    )
    after_edit = poll_message(emulator, poll_id)["embeds"][0]
    assert after_edit["description"].split("\n")[-1] == SHOWN_NOTE
    assert_inert(after_edit["description"])

    # The results a member asks for, and the closing post.
    shown = await emulator.driver.click(poll_message(emulator, poll_id), f"poll:{poll_id}:res", user="carol")
    await shown.wait_until(lambda r: r.embeds)
    current = shown.embeds[0]["description"]
    assert current.split("\n")[0] == f"**{TITLE}**"
    assert (
        f"📊 Level in the lead so far: **{SHOWN[0]}, {SHOWN[1]}** (equal totals share first place" in current
    )
    assert_inert(current)
    closed = await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
    assert "is closed" in await answer_text(closed)
    posted = emulator.messages("general")[-1]["embeds"][0]
    assert posted["description"].split("\n")[0] == f"**{TITLE}**"
    assert f"🤝 Tie between **{SHOWN[0]}, {SHOWN[1]}**" in posted["description"]
    assert_inert(posted["description"])
    assert poll_message(emulator, poll_id)["embeds"][0]["title"] == TITLE

    # Nothing pinged: every message went out with mentions off.
    assert all(not m.everyone and not m.users and not m.roles for m in emulator.mentions)

    # The export is data: the labels as typed, a cell that could be a formula neutralised.
    exported = await emulator.driver.command("poll-manage export", options={"poll": poll_id}, user="mod")
    await answer_text(exported)
    attachment = (exported.attachments or (await exported.wait_followups(1))[0]["attachments"])[0]
    rows = list(csv.reader(io.StringIO(emulator.files[int(attachment["id"])].data.decode("utf-8-sig"))))
    assert [(row[1], row[2]) for row in rows[1:]] == [("alice", LABELS[0]), ("bob", "'" + LABELS[1])]
    assert_clean(emulator)
