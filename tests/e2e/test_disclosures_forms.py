"""Members' forms end to end: every problem at once and the form reopened as typed; nothing hidden is stored;
autocomplete offers nothing rather than noise; Japanese members read the Japanese title first."""

from __future__ import annotations

from typing import Any

import pytest

from bot.client import Haikei
from cogs.disclosures import store, submissions
from emulator.emulator import Emulator
from tests.e2e.helpers import answer_text, assert_clean, custom_ids
from tests.e2e.test_disclosures_review import FACTS, TEXT, fill, press, review

pytestmark = pytest.mark.e2e


def inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in modal["components"] for c in row.get("components", [row.get("component")]) if c]


async def open_submit(emulator: Emulator, **typed: str) -> Any:
    opened = await (await emulator.driver.command("disclosure submit")).wait()
    ids = custom_ids(opened.modal)  # title, companies, uses, sources, notes
    values = dict(zip(ids, ("Quiet Meadow", "", "Backgrounds", "https://news.example/q", ""), strict=True))
    values |= {ids[int(k)]: v for k, v in typed.items()}
    return await emulator.driver.submit_modal(opened, values), values


async def test_submit_lists_every_problem_and_reopens_as_typed(haikei: Haikei, emulator: Emulator) -> None:
    sent, typed = await open_submit(emulator, **{"0": "  \u200b ", "3": "https://ok.example/a\nnot a url"})
    text = await answer_text(sent)
    assert "the form has 2 problems" in text
    assert "• **Title of the work**: missing: please fill it in." in text
    assert "• **Source URLs (one per line), line 2**: “not a url” is not a link starting with" in text
    assert await haikei.db.run(submissions.pending_count) == 0
    reopened = await (await emulator.driver.click(sent, custom_ids(sent)[0])).wait()
    assert [c.get("value") or "" for c in inputs(reopened.modal)] == list(typed.values())
    ids = custom_ids(reopened.modal)
    fixed = {ids[0]: "Quiet Meadow", ids[3]: "https://ok.example/a"}
    assert "Submission **#1**" in await answer_text(await emulator.driver.submit_modal(reopened, fixed))
    assert_clean(emulator)


async def test_a_bad_correction_keeps_its_text(haikei: Haikei, emulator: Emulator) -> None:
    shown = await (
        await emulator.driver.command("disclosure lookup", {"query": "dog-and-the-boy-2023"})
    ).wait()
    fix = await (await emulator.driver.click(shown, "disc:fix:dog-and-the-boy-2023")).wait()
    what, sources = custom_ids(fix.modal)
    note = "Netflix later added a making-of.\nIt credits the studio."
    sent = await emulator.driver.submit_modal(fix, {what: note, sources: "not a url"})
    text = await answer_text(sent)
    assert "• **Source URLs (optional, one per line), line 1**: “not a url” is not a link" in text
    assert "`not`" not in text and await haikei.db.run(submissions.pending_count) == 0
    reopened = await (await emulator.driver.click(sent, custom_ids(sent)[0])).wait()
    assert [c.get("value") for c in inputs(reopened.modal)] == [note, "not a url"]
    done = await emulator.driver.submit_modal(
        reopened, {custom_ids(reopened.modal)[1]: "https://news.example/a"}
    )
    assert "Correction **#1**" in await answer_text(done)
    assert (await haikei.db.run(submissions.get, 1))["notes"] == note


async def test_hidden_characters_never_reach_the_records(haikei: Haikei, emulator: Emulator) -> None:
    """An RLO showed "gnp.exe" as "exe.png" on the review card: now nothing hidden is stored or shown."""
    sent, _ = await open_submit(
        emulator, **{"0": "\u202egnp.exe\u202c", "1": "Stu\u200bdio\U000e0041", "4": "note\u2066 here\u2069"}
    )
    assert "Submission **#1**" in await answer_text(sent)
    row = await haikei.db.run(submissions.get, 1)
    assert (row["title"], row["companies"], row["notes"]) == ("gnp.exe", "Studio", "note here")
    card = await review(emulator)
    fields = {f["name"]: f["value"] for f in card.embeds[0]["fields"]}
    assert fields["Title"] == "gnp.exe"
    await press(emulator, card, "disc:review:approve:1")
    await fill(emulator, card, "facts", FACTS)
    await fill(
        emulator,
        card,
        "text",
        TEXT | {"titles": "\u202egnp.exe\u202c\n\u2067犬\u2069 | ja", "credit": "A\u200bI"},
    )
    await press(emulator, card, "disc:draft:save")
    record = await haikei.db.run(store.get_record, "gnp-exe-2025")
    assert record["title"] == "gnp.exe" and record["alt_titles"][0]["title"] == "犬"
    assert record["credit_text"] == "AI"
    assert_clean(emulator)


async def test_autocomplete_offers_nothing_rather_than_noise(haikei: Haikei, emulator: Emulator) -> None:
    async def offered(typed: str) -> list[str]:
        choices = await emulator.driver.autocomplete("disclosure lookup", {"query": typed}, "query")
        return [c["value"] for c in choices]

    assert await offered("The Dog & The Boy") == ["dog-and-the-boy-2023"]  # no titles sharing only "the"
    assert await offered("inu to") == ["dog-and-the-boy-2023"]
    assert await offered("zzqxw") == [] and await offered("zzqxw secrt") == []
    assert (await offered("Dgo and teh boy"))[0] == "dog-and-the-boy-2023"  # typos still found
    curator = await emulator.driver.autocomplete("curate edit", {"id": "The Dog & The Boy"}, "id", user="mod")
    assert [c["value"] for c in curator] == ["dog-and-the-boy-2023"]


async def test_japanese_members_read_the_japanese_title_first(haikei: Haikei, emulator: Emulator) -> None:
    ja = await (
        await emulator.driver.command("disclosure lookup", {"query": "dog-and-the-boy-2023"}, locale="ja")
    ).wait()
    embed = ja.embeds[0]
    assert embed["title"] == "犬と少年"
    assert "*概要は英語のみです。*" in embed["description"]
    also = next(
        f for f in embed["fields"] if f["name"] == haikei.i18n.text("disclosures.embed.alt_titles", "ja")
    )
    assert also["value"].splitlines()[0] == "The Dog & The Boy"
    en = await (await emulator.driver.command("disclosure lookup", {"query": "dog-and-the-boy-2023"})).wait()
    assert en.embeds[0]["title"] == "The Dog & The Boy" and "概要" not in en.embeds[0]["description"]
    choices = await emulator.driver.autocomplete(
        "disclosure lookup", {"query": "the dog and the boy"}, "query", locale="ja"
    )
    assert choices[0]["name"].startswith("犬と少年 — ")
    sources = await (await emulator.driver.click(ja, "disc:src:dog-and-the-boy-2023", locale="ja")).wait()
    assert "犬と少年" in sources.embeds[0]["title"]
    assert_clean(emulator)
