"""Disclosures end to end: submit, the review queue (approve through the record form, reject, merge), edit,
history, delete. The queue card moves on in place after every decision; a stale card says who decided."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.client import Haikei
from cogs.disclosures import store, submissions
from emulator.emulator import Emulator
from emulator.interactions import InteractionResult
from tests.e2e.helpers import answer_text, assert_clean, custom_ids

pytestmark = pytest.mark.e2e

FACTS = {
    "status": ["credited_upfront"],
    "medium": ["anime_short"],
    "ai_uses": ["backgrounds"],
    "confidence": ["medium"],
    "date": "2025-03",
}
TEXT = {
    "titles": "Quiet Meadow\n静かな草原 | ja",
    "companies": "Example Studio | studio",
    "sources": "https://news.example/quiet-meadow | Example News | 2025-03",
    "summary": "A short that credited AI backgrounds.\n---\nKept online.",
    "credit": "AI backgrounds",
}


def modal_fields(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every input of a modal by custom id, with the label it is shown under (Label components included)."""
    fields: dict[str, dict[str, Any]] = {}
    for top in modal["components"]:
        inner = [top["component"]] if top.get("type") == 18 else top.get("components", [])
        for comp in inner:
            fields[comp["custom_id"]] = {**comp, "shown_label": top.get("label") or comp.get("label")}
    return fields


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


async def review(emulator: Emulator, user: str = "mod") -> InteractionResult:
    queue = await emulator.driver.command("curate review", user=user)
    return await queue.wait()


async def press(
    emulator: Emulator, card: InteractionResult, custom_id: str, user: str = "mod"
) -> InteractionResult:
    return await (await emulator.driver.click(card, custom_id, user=user)).wait()


async def fill(
    emulator: Emulator, card: InteractionResult, which: str, values: dict[str, Any], user: str = "mod"
) -> InteractionResult:
    """Open the draft's facts or text modal on the card and submit ``values``; the card shows the draft."""
    opened = await press(emulator, card, f"disc:draft:{which}", user)
    assert opened.modal is not None
    return await (await emulator.driver.submit_modal(opened, values, user=user)).wait()


async def test_submit_then_approve_publishes_and_dms(haikei: Haikei, emulator: Emulator) -> None:
    receipt = await submit(emulator)
    assert "Submission **#1** is in the review queue" in receipt
    hidden = await emulator.driver.autocomplete("disclosure lookup", {"query": "Quiet Meadow"}, "query")
    assert hidden == []  # pending submissions are never visible to members
    refused = await emulator.driver.command("curate review", user="alice")
    assert "Only Haikei's curators" in await answer_text(refused) and refused.ephemeral
    card = await review(emulator)
    assert card.ephemeral and card.embeds[0]["title"] == "Submission #1: new record"
    not_mod = await emulator.driver.click(card, "disc:review:approve:1", user="alice")
    assert "Only Haikei's curators" in await answer_text(not_mod)

    await press(emulator, card, "disc:review:approve:1")  # the card turns into the draft, in place
    assert "5 things to fix" in (card.content or "") and "`quiet-meadow-" in (card.content or "")
    assert [line.split("**")[1] for line in card.embeds[0]["description"].splitlines()] == [
        "Status",
        "Medium",
        "AI used for",
        "Date made public",
        "Companies, line 1",  # "Example Studio | ": the member named no role
    ]
    assert "no role: add ' | ' and one of studio, distributor" in card.embeds[0]["description"]
    not_mod = await emulator.driver.click(card, "disc:draft:facts", user="alice")
    assert "Only Haikei's curators" in await answer_text(not_mod) and not_mod.modal is None

    facts = await press(emulator, card, "disc:draft:facts")
    fields = modal_fields(facts.modal)  # type: ignore[arg-type]
    assert list(fields) == ["status", "medium", "ai_uses", "confidence", "date"]
    assert all(facts.modal["components"][i]["type"] == 18 for i in range(5))  # type: ignore[index]
    assert fields["status"]["type"] == 3 and fields["status"]["shown_label"] == "Status"
    assert [o["value"] for o in fields["status"]["options"]][:2] == [
        "credited_upfront",
        "disclosed_in_announcement",
    ]
    assert fields["ai_uses"]["max_values"] == 13
    await (await emulator.driver.submit_modal(facts, FACTS, user="mod")).wait()
    await fill(emulator, card, "text", TEXT)
    assert "Ready to publish as `quiet-meadow-2025`" in (card.content or "")
    assert card.embeds[0]["title"] == "Quiet Meadow"  # the preview: the record as members will see it

    await press(emulator, card, "disc:draft:save")
    assert "Published **Quiet Meadow** (`quiet-meadow-2025`) from submission #1." in (card.content or "")
    assert "The review queue is empty." in (card.content or "") and card.components == []
    found = await emulator.driver.autocomplete("disclosure lookup", {"query": "静かな草原"}, "query")
    assert found[0]["value"] == "quiet-meadow-2025"
    record = await haikei.db.run(store.get_record, "quiet-meadow-2025")
    assert record["response"] == "Kept online." and record["credit_text"] == "AI backgrounds"
    await emulator.wait_until(  # the DM follows the card's update
        lambda: any(
            "was approved and published as **Quiet Meadow**" in m["content"] for m in emulator.dms("alice")
        ),
        what="the approval DM",
    )
    history = await emulator.driver.command("curate history", {"id": "quiet-meadow-2025"}, user="mod")
    await history.wait()
    assert "submission.approve" in history.embeds[0]["description"]
    assert_clean(emulator)


async def test_every_problem_at_once_and_what_was_typed_is_kept(haikei: Haikei, emulator: Emulator) -> None:
    await submit(emulator)
    card = await review(emulator)
    await press(emulator, card, "disc:review:approve:1")
    await fill(emulator, card, "facts", FACTS | {"date": "March 2025"})
    bad_text = TEXT | {
        "companies": "Example Studio | studio\nOther Co | overlord",
        "sources": "https://news.example/quiet-meadow\nnot a url",
        "summary": " ",
    }
    await fill(emulator, card, "text", bad_text)
    problems = card.embeds[0]["description"]
    assert "4 things to fix" in (card.content or "")
    assert "**Date made public**: “March 2025” is not a date" in problems
    assert "**Companies, line 2**: “overlord” is not one of: studio" in problems
    assert "**Sources, line 2**: “not a url” is not a link starting with http:// or https://" in problems
    assert "**Summary**: missing" in problems
    publish = await press(emulator, card, "disc:draft:save")  # refused: the problems are shown again
    assert publish.response_type == 7 and "4 things to fix" in (card.content or "")
    assert await haikei.db.run(store.get_record, "quiet-meadow-2025") is None

    again = await press(emulator, card, "disc:draft:text")  # the modal reopens with what was typed
    fields = modal_fields(again.modal)  # type: ignore[arg-type]
    assert (
        fields["companies"]["value"] == bad_text["companies"]
        and fields["sources"]["value"] == bad_text["sources"]
    )
    facts = await press(emulator, card, "disc:draft:facts")
    fields = modal_fields(facts.modal)  # type: ignore[arg-type]
    assert fields["date"]["value"] == "March 2025"
    assert [o["value"] for o in fields["status"]["options"] if o.get("default")] == ["credited_upfront"]
    await (await emulator.driver.submit_modal(facts, {"date": "2025-03"}, user="mod")).wait()  # selects kept
    await (await emulator.driver.submit_modal(again, TEXT, user="mod")).wait()
    await press(emulator, card, "disc:draft:save")
    assert "Published **Quiet Meadow**" in (card.content or "")
    assert (await haikei.db.run(store.get_record, "quiet-meadow-2025"))["date"] == "2025-03"
    assert_clean(emulator)


async def test_the_card_moves_on_and_a_stale_card_says_who_decided(
    haikei: Haikei, emulator: Emulator
) -> None:
    for title in ("Quiet Meadow", "Loud Forest", "Still Lake"):
        await submit(emulator, **{"0": title, "3": f"https://news.example/{title.split()[0].lower()}"})
    card = await review(emulator)
    other = await review(emulator)  # the same curator, a second card (another tab)
    assert card.embeds[0]["footer"]["text"] == "3 pending"

    reject = await press(emulator, card, "disc:review:reject:1")
    await (await emulator.driver.submit_modal(reject, {"value": "No source."}, user="mod")).wait()
    assert (card.content or "").startswith("Rejected submission #1.")
    assert (
        card.embeds[0]["title"] == "Submission #2: new record"
        and card.embeds[0]["footer"]["text"] == "2 pending"
    )
    assert "disc:review:approve:2" in custom_ids(card) and "disc:review:approve:1" not in custom_ids(card)

    await press(emulator, card, "disc:review:approve:2")
    await press(emulator, card, "disc:draft:leave")  # Back: the same item, nothing decided
    assert card.embeds[0]["title"] == "Submission #2: new record" and not card.content
    await press(emulator, card, "disc:review:skip:2")
    assert card.embeds[0]["title"] == "Submission #3: new record"

    stale = await press(emulator, other, "disc:review:approve:1")  # #1 was rejected on the first card
    mod_id = emulator.world.user("mod").id
    assert re.fullmatch(
        rf"Submission #1 was already rejected by you \(<@{mod_id}>\) on <t:\d+:f>\.", other.content or ""
    )
    assert stale.modal is None and other.embeds[0]["title"] == "Submission #2: new record"
    assert (await haikei.db.run(submissions.get, 1))["state"] == "rejected"

    merge = await press(emulator, card, "disc:review:merge:3")
    await (await emulator.driver.submit_modal(merge, {"value": "dog-and-the-boy-2023"}, user="mod")).wait()
    assert "Merged submission #3 into **The Dog & The Boy**" in (card.content or "")
    assert card.embeds[0]["title"] == "Submission #2: new record"  # wraps round to what is left
    assert_clean(emulator)


async def test_reject_with_reason_and_closed_dms(haikei: Haikei, emulator: Emulator) -> None:
    emulator.close_dms("bob")
    await submit(emulator, user="bob")
    card = await review(emulator)
    reject = await press(emulator, card, "disc:review:reject:1")
    done = await emulator.driver.submit_modal(reject, {"value": "No source\u202e supports this."}, user="mod")
    assert "Rejected submission #1" in await answer_text(done)
    row = await haikei.db.run(submissions.get, 1)
    assert row["state"] == "rejected" and row["reason"] == "No source supports this."
    empty = await emulator.driver.command("curate review", user="mod")
    assert "queue is empty" in await answer_text(empty)
    assert_clean(emulator)


async def test_resembling_submission_is_flagged_shown_and_merged(haikei: Haikei, emulator: Emulator) -> None:
    """The issue's near-duplicate: warned on submit, and the card names the closest records."""
    text = await submit(emulator, **{"0": "The Dog and the Boy (Netflix)", "3": "https://news.example/dog"})
    assert "looks like a record we already have" in text
    warning = emulator.driver.message(
        next(
            m for m in reversed(list(emulator.ephemeral.values())) if "looks like" in (m.get("content") or "")
        )
    )
    assert warning["embeds"][0]["title"] == "The Dog & The Boy"
    anyway = await emulator.driver.click(warning, custom_ids(warning)[0], user="alice")
    await anyway.wait()
    assert "Submission **#1**" in (emulator.driver.message(warning).get("content") or "")
    card = await review(emulator)
    fields = {f["name"]: f["value"] for f in card.embeds[0]["fields"]}
    assert (
        fields["Closest existing records"].splitlines()[0] == "• The Dog & The Boy (`dog-and-the-boy-2023`)"
    )
    merge = await press(emulator, card, "disc:review:merge:1")
    merged = await emulator.driver.submit_modal(merge, {}, user="mod")  # prefilled with the closest record
    assert "into **The Dog & The Boy**" in await answer_text(merged)
    record = await haikei.db.run(store.get_record, "dog-and-the-boy-2023")
    assert record["sources"][-1]["url"] == "https://news.example/dog"


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

    draft = await (
        await emulator.driver.command("curate edit", {"id": "loki-season-2-poster-2023"}, user="mod")
    ).wait()
    assert "Ready to save `loki-season-2-poster-2023`" in (draft.content or "")
    assert "disc:draft:id" not in custom_ids(draft)  # an existing record keeps its id
    summary = "Edited summary for the test."
    await fill(emulator, draft, "text", {"summary": summary})
    await press(emulator, draft, "disc:draft:save")
    assert "Saved **Loki season 2 promotional poster**" in (draft.content or "") and draft.components == []
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


async def test_a_taken_id_is_a_problem_until_another_is_chosen(haikei: Haikei, emulator: Emulator) -> None:
    await submit(emulator)
    card = await review(emulator)
    await press(emulator, card, "disc:review:approve:1")
    await fill(emulator, card, "facts", FACTS)
    await fill(emulator, card, "text", TEXT)
    assert "Ready to publish as `quiet-meadow-2025`" in (card.content or "")
    await fill(emulator, card, "id", {"id": "dog-and-the-boy-2023"})
    assert "`dog-and-the-boy-2023` is already the id of another record" in card.embeds[0]["description"]
    await press(emulator, card, "disc:draft:save")  # refused while the id is taken
    assert (await haikei.db.run(submissions.get, 1))["state"] == "pending"
    await fill(emulator, card, "id", {"id": "quiet-meadow-remake-2025"})
    await fill(emulator, card, "text", TEXT | {"titles": "Quiet Meadow (remake)"})  # the chosen id stays
    await press(emulator, card, "disc:draft:save")
    assert "(`quiet-meadow-remake-2025`)" in (card.content or "")
    assert (await haikei.db.run(store.get_record, "dog-and-the-boy-2023"))["title"] == "The Dog & The Boy"
    assert_clean(emulator)


async def test_approving_a_correction_starts_from_the_record(haikei: Haikei, emulator: Emulator) -> None:
    shown = await (
        await emulator.driver.command("disclosure lookup", {"query": "loki-season-2-poster-2023"})
    ).wait()
    fix = await (
        await emulator.driver.click(shown, "disc:fix:loki-season-2-poster-2023", user="carol")
    ).wait()
    what, sources = custom_ids(fix.modal)
    await (
        await emulator.driver.submit_modal(fix, {what: "It was removed.", sources: "https://news.example/x"})
    ).wait()
    card = await review(emulator)
    assert card.embeds[0]["title"] == "Correction #1 to Loki season 2 promotional poster"
    await press(emulator, card, "disc:review:approve:1")
    assert "Ready to publish as `loki-season-2-poster-2023`" in (card.content or "")
    assert "disc:draft:id" not in custom_ids(card)
    await fill(emulator, card, "text", {"summary": "Marvel removed the poster."})
    await press(emulator, card, "disc:draft:save")
    assert "Published **Loki season 2 promotional poster**" in (card.content or "")
    record = await haikei.db.run(store.get_record, "loki-season-2-poster-2023")
    assert record["summary"] == "Marvel removed the poster."
    assert_clean(emulator)
