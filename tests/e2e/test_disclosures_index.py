"""A big title index is built after start (by a child process): meanwhile lookups and autocomplete answer from
the database, alerts wait for it, and when it is ready it takes over, typos and all."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import pytest

from bot.settings import Settings
from cogs.disclosures.search import TitleIndex
from emulator.emulator import Emulator
from tests.e2e.helpers import answer_text, assert_clean, running_haikei

pytestmark = pytest.mark.e2e


async def test_commands_answer_while_the_title_index_is_built_then_it_takes_over(
    settings: Settings, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The modules the bot will load (discord.py drops an extension's modules when a bot closes: fetch them now).
    cog_module = importlib.import_module("cogs.disclosures.cog")
    build_module = importlib.import_module("cogs.disclosures.index_build")
    monkeypatch.setattr(cog_module, "BUILD_INLINE_UP_TO", 0)  # the 61 shipped records count as big
    gate = asyncio.Event()
    build_elsewhere = build_module.build_elsewhere

    async def held(database: str) -> TitleIndex:
        await gate.wait()
        return await build_elsewhere(database)

    monkeypatch.setattr(build_module, "build_elsewhere", held)
    async with running_haikei(settings, emulator) as bot:
        cog: Any = bot.get_cog("Disclosures")
        assert not cog.index_ready.is_set() and len(cog.index) == 0
        result = await emulator.driver.command("disclosure lookup", {"query": "The Dog & The Boy"})
        await result.wait()
        assert result.embeds[0]["title"] == "The Dog & The Boy"
        by_id = await emulator.driver.command("disclosure lookup", {"query": "cyberpunk-momotaro-2023"})
        await by_id.wait()
        assert by_id.embeds[0]["title"] == "Cyberpunk Momotaro"
        choices = await emulator.driver.autocomplete(
            "disclosure lookup", {"query": "犬と少"}, "query", locale="ja"
        )
        assert choices[0] == {"name": "犬と少年", "value": "dog-and-the-boy-2023"}
        nothing = await emulator.driver.command("disclosure lookup", {"query": "Dgo and teh Boy"})
        assert "No record" in await answer_text(nothing)  # typos wait for the index
        mentioned = asyncio.create_task(cog.records_mentioned("Cyberpunk Momotaro: AI backgrounds, again"))
        gate.set()
        await cog.index_ready.wait()
        assert [r["id"] for r in await mentioned] == ["cyberpunk-momotaro-2023"]
        assert len(cog.index) == 61
        choices = await emulator.driver.autocomplete(
            "disclosure lookup", {"query": "Dgo and teh Boy"}, "query"
        )
        assert choices[0]["value"] == "dog-and-the-boy-2023"
    assert_clean(emulator)
