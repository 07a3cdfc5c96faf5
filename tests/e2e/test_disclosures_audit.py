"""Found by an audit, end to end: member text reaching a public record as markdown through Merge; autocomplete
answering people the command refuses; a stale `/curate edit` draft undoing a deletion or another curator's edit.

World: "Haikei Test Server" (owner ``mod``, the application's owner, so a curator; ``alice``, ``bob``, ``carol``
members) and "Second Server" (owner ``rin``: a moderator there, who Discord shows `/curate`, but not a curator).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import pytest

from bot.client import Haikei
from bot.settings import Settings
from cogs.disclosures import audit, store
from cogs.disclosures.audit import Actor
from emulator.emulator import Emulator
from emulator.interactions import InteractionResult
from tests.e2e.helpers import answer_text, assert_clean, custom_ids, running_haikei

pytestmark = pytest.mark.e2e

RECORD = "dog-and-the-boy-2023"
EVIL = "犬と少年 [公式発表はこちら](https://evil.example/login) ||ネタバレ||"
EVIL_SHOWN = "犬と少年 \\[公式発表はこちら\\]\\(https\\://evil.example/login\\) \\|\\|ネタバレ\\|\\|"


async def submit(emulator: Emulator, user: str, title: str, channel: int | str = "general") -> str:
    opened = await emulator.driver.command("disclosure submit", user=user, channel=channel)
    await opened.wait()
    assert opened.modal is not None
    title_id, companies, uses, sources, notes = custom_ids(opened.modal)
    values = {
        title_id: title,
        companies: "WIT Studio",
        uses: "backgrounds",
        sources: "https://news.example/a",
        notes: "private note",
    }
    return await answer_text(await emulator.driver.submit_modal(opened, values, user=user))


async def press(
    emulator: Emulator, message: InteractionResult, custom_id: str, user: str = "mod", locale: str = "en-US"
) -> InteractionResult:
    return await (await emulator.driver.click(message, custom_id, user=user, locale=locale)).wait()


def shown_text(result: InteractionResult) -> str:
    """Every piece of text of the response's embeds."""
    parts: list[str] = []
    for embed in result.embeds:
        parts += [str(embed.get("title") or ""), str(embed.get("description") or "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields") or []]
    return "\n".join(parts)


async def test_a_merged_title_reaches_the_public_record_as_plain_text(
    haikei: Haikei, emulator: Emulator
) -> None:
    assert "#1" in await submit(emulator, "alice", EVIL)
    card = await (await emulator.driver.command("curate review", user="mod")).wait()
    merge = await press(emulator, card, "disc:review:merge:1")
    merged = await emulator.driver.submit_modal(merge, {"value": RECORD}, user="mod")
    assert "Merged submission #1 into **The Dog & The Boy**" in await answer_text(merged)
    await emulator.wait_until(  # the DM follows the card's update
        lambda: any("added to the existing record" in m["content"] for m in emulator.dms("alice")),
        what="the merge DM",
    )
    assert EVIL in [alt["title"] for alt in (await haikei.db.run(store.get_record, RECORD))["alt_titles"]]

    for locale in ("en-US", "ja"):
        lookup = await emulator.driver.command(
            "disclosure lookup", {"query": RECORD}, user="bob", locale=locale
        )
        await lookup.wait()
        assert not lookup.ephemeral  # a public answer: everyone in the channel reads it
        text = shown_text(lookup)
        assert EVIL_SHOWN in text, locale  # reads as alice typed it, nothing live
        assert "](https://evil.example" not in text and "||ネタバレ||" not in text, locale
        sources = {f["name"]: f["value"] for f in lookup.embeds[0]["fields"]}[
            "Sources" if locale == "en-US" else "情報源"
        ]
        assert (
            "[Rest of World](https://restofworld.org/2023/netflix-anime-ai-artists/)" in sources
        )  # still links
    all_sources = await press(emulator, lookup, f"disc:src:{RECORD}", user="carol")
    assert "](https://evil.example" not in shown_text(all_sources)
    assert "[news.example](https://news.example/a)" in shown_text(all_sources)  # the merged source links
    assert_clean(emulator)


@pytest.fixture
async def two_servers(settings: Settings, emulator: Emulator) -> AsyncIterator[tuple[Haikei, int]]:
    """Haikei with "Second Server" (rin moderates it and is a plain member here); yields its general channel."""
    world = emulator.world
    rin = world.add_user("rin")
    second = world.add_guild("Second Server", rin)
    world.add_member(rin, roles=["Member"])
    async with running_haikei(settings, emulator) as bot:
        yield bot, second.channel_ids[0]


async def test_autocomplete_answers_only_those_the_command_answers(
    two_servers: tuple[Haikei, int], emulator: Emulator
) -> None:
    bot, second_general = two_servers
    driver = emulator.driver
    await bot.db.run(partial(store.delete_record, actor=Actor(1, "curator", None)), RECORD)
    assert "#1" in await submit(emulator, "carol", "Secret leak about Studio X")

    # The curator is offered deleted and live records; rin, who sees `/curate`, nothing.
    offered = await driver.autocomplete("curate restore", {"id": ""}, "id", user="mod")
    assert {"name": f"{RECORD} (deleted)", "value": RECORD} in offered
    assert await driver.autocomplete("curate edit", {"id": "loki"}, "id", user="mod")
    assert "curate" in driver.visible_commands("rin", second_general)
    for path in ("curate restore", "curate edit", "curate history", "curate delete"):
        typed = "" if path == "curate restore" else "loki"
        refused = await driver.autocomplete(path, {"id": typed}, "id", user="rin", channel=second_general)
        assert refused == [], path

    # This server's moderator is offered its pending submissions; a member, nothing.
    pending = await driver.autocomplete("submissions withdraw", {"submission": ""}, "submission", user="mod")
    assert [c["value"] for c in pending] == [1] and "Secret leak" in pending[0]["name"]
    for member in ("alice", "carol"):
        hidden = await driver.autocomplete(
            "submissions withdraw", {"submission": ""}, "submission", user=member
        )
        assert hidden == [], member
    assert_clean(emulator)


async def open_editor(emulator: Emulator, locale: str = "en-US") -> InteractionResult:
    draft = await (
        await emulator.driver.command("curate edit", {"id": RECORD}, user="mod", locale=locale)
    ).wait()
    assert f"`{RECORD}`" in (draft.content or "") and "disc:draft:save" in custom_ids(draft)
    return draft


async def type_text(emulator: Emulator, draft: InteractionResult, values: dict[str, Any]) -> None:
    opened = await press(emulator, draft, "disc:draft:text")
    assert opened.modal is not None
    await (await emulator.driver.submit_modal(opened, values, user="mod")).wait()


async def entries(bot: Haikei) -> list[str]:
    return [entry["action"] for entry in await bot.db.run(audit.history, RECORD)]


async def test_a_draft_opened_before_a_deletion_does_not_bring_the_record_back(
    haikei: Haikei, emulator: Emulator
) -> None:
    draft = await open_editor(emulator)
    delete = await emulator.driver.command("curate delete", {"id": RECORD}, user="mod")
    await delete.wait()
    confirm = await emulator.driver.click(delete, custom_ids(delete)[0], user="mod")
    await confirm.wait_followups(1)
    assert await haikei.db.run(store.get_record, RECORD) is None
    before = await entries(haikei)

    saved = await press(emulator, draft, "disc:draft:save")
    text = await answer_text(saved)
    assert "Nothing was saved" in text and "was deleted since you opened this editor" in text
    assert saved.ephemeral
    assert await haikei.db.run(partial(store.get_record, include_hidden=True), RECORD) is None
    assert await entries(haikei) == before and before[0] == "delete"
    assert_clean(emulator)


async def test_a_draft_older_than_another_curators_save_does_not_revert_it(
    haikei: Haikei, emulator: Emulator
) -> None:
    original = await haikei.db.run(store.get_record, RECORD)
    first = await open_editor(emulator)
    second = await open_editor(emulator, locale="ja")
    await type_text(emulator, first, {"summary": "A's corrected summary."})
    await press(emulator, first, "disc:draft:save")
    assert "Saved **The Dog & The Boy**" in (first.content or "")
    before = await entries(haikei)

    await type_text(emulator, second, {"credit": "B's credit"})
    refused = await press(emulator, second, "disc:draft:save", locale="ja")
    text = await answer_text(refused)
    assert "保存しませんでした" in text and "</curate edit:" in text  # says to reopen the editor
    assert refused.ephemeral
    record = await haikei.db.run(store.get_record, RECORD)
    assert record["summary"] == "A's corrected summary." and record["credit_text"] == original["credit_text"]
    assert await entries(haikei) == before

    reopened = await open_editor(emulator)  # from the current version, the change saves
    await type_text(emulator, reopened, {"credit": "B's credit"})
    await press(emulator, reopened, "disc:draft:save")
    record = await haikei.db.run(store.get_record, RECORD)
    assert record["summary"] == "A's corrected summary." and record["credit_text"] == "B's credit"
    assert_clean(emulator)
