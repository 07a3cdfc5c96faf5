"""Disclosures end to end: submit, the review queue (approve/reject/merge), edit, history, delete."""

from __future__ import annotations

import pytest

from bot.client import Haikei
from bot.sandbox.emulator import Emulator
from cogs.disclosures import store, submissions
from tests.e2e.helpers import answer_text, assert_clean, custom_ids

pytestmark = pytest.mark.e2e

PUBLISH_FORM = {
    "titles": "Quiet Meadow\n静かな草原 | ja",
    "facts": "id: quiet-meadow-2025\nmedium: anime_short\ndate: 2025-03\nstatus: credited_upfront\n"
    "ai uses: backgrounds\nconfidence: medium\ncredit: AI backgrounds",
    "companies": "Example Studio | studio",
    "sources": "https://news.example/quiet-meadow | Example News | 2025-03",
    "summary": "A short that credited AI backgrounds.\n---\nKept online.",
}


async def submit(emulator: Emulator, user: str = "alice", **values: str) -> str:
    opened = await emulator.driver.command("disclosure submit", user=user)
    await opened.wait()
    assert opened.modal is not None
    inputs = custom_ids(opened.modal)
    defaults = [
        "Quiet Meadow",
        "Example Studio",
        "Backgrounds were generated",
        "https://news.example/quiet-meadow",
        "",
    ]
    filled = {cid: values.get(str(i), defaults[i]) for i, cid in enumerate(inputs)}
    result = await emulator.driver.submit_modal(opened, filled)
    return await answer_text(result)


async def test_submit_then_approve_publishes_and_dms(haikei: Haikei, emulator: Emulator) -> None:
    receipt = await submit(emulator)
    assert "Submission **#1** is in the review queue" in receipt
    hidden = await emulator.driver.autocomplete("disclosure lookup", {"query": "Quiet Meadow"}, "query")
    assert hidden == []  # pending submissions are never visible to members
    refused = await emulator.driver.command("curate review", user="alice")
    assert "Only Haikei's curators" in await answer_text(refused) and refused.ephemeral
    queue = await emulator.driver.command("curate review", user="mod")
    await queue.wait()
    assert queue.ephemeral and queue.embeds[0]["title"] == "Submission #1: new record"
    not_mod = await emulator.driver.click(queue, "disc:review:approve:1", user="alice")
    assert "Only Haikei's curators" in await answer_text(not_mod)
    approve = await emulator.driver.click(queue, "disc:review:approve:1", user="mod")
    await approve.wait()
    assert approve.modal is not None
    published = await emulator.driver.submit_modal(approve, PUBLISH_FORM, user="mod")
    assert "Published **Quiet Meadow** (`quiet-meadow-2025`)" in await answer_text(published)
    found = await emulator.driver.autocomplete("disclosure lookup", {"query": "静かな草原"}, "query")
    assert found[0]["value"] == "quiet-meadow-2025"
    dms = emulator.dms("alice")
    assert any("was approved and published as **Quiet Meadow**" in m["content"] for m in dms)
    history = await emulator.driver.command("curate history", {"id": "quiet-meadow-2025"}, user="mod")
    await history.wait()
    assert "submission.approve" in history.embeds[0]["description"]
    assert_clean(emulator)


async def test_form_error_keeps_nothing_and_offers_to_reopen(haikei: Haikei, emulator: Emulator) -> None:
    await submit(emulator)
    queue = await emulator.driver.command("curate review", user="mod")
    await queue.wait()
    approve = await emulator.driver.click(queue, "disc:review:approve:1", user="mod")
    await approve.wait()
    bad = dict(PUBLISH_FORM, facts=PUBLISH_FORM["facts"].replace("anime_short", "opera"))
    failed = await emulator.driver.submit_modal(approve, bad, user="mod")
    text = await answer_text(failed)
    assert "**medium** must be one of" in text and failed.ephemeral
    assert await haikei.db.run(store.get_record, "quiet-meadow-2025") is None
    reopen = await emulator.driver.click(failed, custom_ids(failed)[0], user="mod")
    await reopen.wait()
    assert reopen.modal is not None
    facts = next(
        c
        for row in reopen.modal["components"]
        for c in [row.get("component") or row["components"][0]]
        if c["custom_id"] == "facts"
    )
    assert "medium: opera" in facts["value"]


async def test_reject_with_reason_and_closed_dms(haikei: Haikei, emulator: Emulator) -> None:
    emulator.close_dms("bob")
    await submit(emulator, user="bob")
    queue = await emulator.driver.command("curate review", user="mod")
    await queue.wait()
    reject = await emulator.driver.click(queue, "disc:review:reject:1", user="mod")
    await reject.wait()
    done = await emulator.driver.submit_modal(reject, {"value": "No source supports this."}, user="mod")
    assert "Rejected submission #1" in await answer_text(done)
    row = await haikei.db.run(submissions.get, 1)
    assert row["state"] == "rejected" and row["reason"] == "No source supports this."
    empty = await emulator.driver.command("curate review", user="mod")
    assert "queue is empty" in await answer_text(empty)
    assert_clean(emulator)


async def test_resembling_submission_can_still_be_sent_and_merged(haikei: Haikei, emulator: Emulator) -> None:
    text = await submit(emulator, **{"0": "The Dog and the Boy", "3": "https://news.example/dog"})
    assert "looks like a record we already have" in text
    warning = emulator.driver.message(
        next(
            m for m in reversed(list(emulator.ephemeral.values())) if "looks like" in (m.get("content") or "")
        )
    )
    anyway = await emulator.driver.click(warning, custom_ids(warning)[0], user="alice")
    await anyway.wait()
    assert "Submission **#1**" in (emulator.driver.message(warning).get("content") or "")
    queue = await emulator.driver.command("curate review", user="mod")
    await queue.wait()
    merge = await emulator.driver.click(queue, "disc:review:merge:1", user="mod")
    await merge.wait()
    merged = await emulator.driver.submit_modal(merge, {}, user="mod")  # prefilled with the resembling record
    assert "into **The Dog & The Boy**" in await answer_text(merged)
    record = await haikei.db.run(store.get_record, "dog-and-the-boy-2023")
    assert record["sources"][-1]["url"] == "https://news.example/dog"


async def test_bad_submission_is_refused_and_stores_nothing(haikei: Haikei, emulator: Emulator) -> None:
    text = await submit(emulator, **{"3": "ftp://files.example/x"})
    assert "is not an http/https URL" in text
    assert await haikei.db.run(submissions.pending_count) == 0


async def test_correction_edit_and_delete(haikei: Haikei, emulator: Emulator) -> None:
    shown = await emulator.driver.command(
        "disclosure lookup", {"query": "loki-season-2-poster-2023"}, user="carol"
    )
    await shown.wait()
    fix = await emulator.driver.click(shown, "disc:fix:loki-season-2-poster-2023", user="carol")
    await fix.wait()
    inputs = custom_ids(fix.modal)
    sent = await emulator.driver.submit_modal(fix, {inputs[0]: "Marvel later removed the poster."})
    assert "Correction **#1**" in await answer_text(sent)
    edit = await emulator.driver.command("curate edit", {"id": "loki-season-2-poster-2023"}, user="mod")
    await edit.wait()
    summary = "Edited summary for the test."
    saved = await emulator.driver.submit_modal(edit, {"summary": summary}, user="mod")
    assert "Saved **Loki season 2 promotional poster**" in await answer_text(saved)
    assert (await haikei.db.run(store.get_record, "loki-season-2-poster-2023"))["summary"] == summary
    refused = await emulator.driver.command(
        "curate delete", {"id": "loki-season-2-poster-2023"}, user="alice"
    )
    assert "Only Haikei's curators" in await answer_text(refused)
    delete = await emulator.driver.command("curate delete", {"id": "loki-season-2-poster-2023"}, user="mod")
    await delete.wait()
    confirm = await emulator.driver.click(delete, custom_ids(delete)[0], user="mod")
    await confirm.wait()
    await confirm.wait_followups(1)
    assert "Deleted" in confirm.followups[0]["content"]
    assert await haikei.db.run(store.get_record, "loki-season-2-poster-2023") is None
    gone = await emulator.driver.command("disclosure lookup", {"query": "loki-season-2-poster-2023"})
    assert "No record" in await answer_text(gone)
    assert_clean(emulator)
