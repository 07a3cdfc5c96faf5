"""Disclosures end to end: lookup (autocomplete, buttons, restart), search paging, company, recent, stats."""

from __future__ import annotations

import pytest

from bot.client import Haikei
from bot.settings import Settings
from emulator.emulator import Emulator
from tests.e2e.helpers import answer_text, assert_clean, custom_ids, running_haikei

pytestmark = pytest.mark.e2e


async def test_autocomplete_finds_titles_in_every_spelling(haikei: Haikei, emulator: Emulator) -> None:
    for typed in ("Dog and teh Boy", "inu to shounen", "犬と少年", "ＴＨＥ　ＤＯＧ"):
        choices = await emulator.driver.autocomplete("disclosure lookup", {"query": typed}, "query")
        assert choices[0]["value"] == "dog-and-the-boy-2023", typed
        assert len(choices) <= 25 and all(len(c["name"]) <= 100 for c in choices)
    assert await emulator.driver.autocomplete("disclosure lookup", {"query": "qqqqxz"}, "query") == []


async def test_lookup_shows_the_record_with_label_and_buttons(haikei: Haikei, emulator: Emulator) -> None:
    result = await emulator.driver.command("disclosure lookup", {"query": "dog-and-the-boy-2023"})
    await result.wait()
    assert not result.ephemeral
    embed = result.embeds[0]
    assert embed["title"] == "The Dog & The Boy"
    assert "Credited upfront" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "> AI \\(+Human\\)" in fields["Credit text"]  # record text, escaped: shows as "AI (+Human)"
    assert "WIT Studio" in fields["Companies"] and "犬と少年" in fields["Also known as"]
    assert "[Rest of World](https://restofworld.org/2023/netflix-anime-ai-artists/)" in fields["Sources"]
    assert custom_ids(result) == ["disc:src:dog-and-the-boy-2023", "disc:fix:dog-and-the-boy-2023"]
    sources = await emulator.driver.click(result, "disc:src:dog-and-the-boy-2023", user="bob")
    await sources.wait()
    assert sources.ephemeral and sources.embeds[0]["description"].count("https://") == 5
    assert_clean(emulator)


async def test_unconfirmed_and_denied_never_read_as_confirmed(haikei: Haikei, emulator: Emulator) -> None:
    for record_id, label in (
        ("yuzuki-family-subtitles-2023", "Unconfirmed allegation"),
        ("sekiro-no-defeat-2025", "Denied (AI use not confirmed)"),
    ):
        result = await emulator.driver.command("disclosure lookup", {"query": record_id})
        await result.wait()
        description = result.embeds[0]["description"].replace("**", "")
        assert (
            label in description and "not been confirmed" in description
        ) or "not confirmed" in description
        assert not any(word in description.split("\n")[0] for word in ("Credited", "Disclosed", "Admitted"))
        confirmed = await emulator.driver.command("disclosure lookup", {"query": "dog-and-the-boy-2023"})
        await confirmed.wait()
        assert result.embeds[0]["color"] != confirmed.embeds[0]["color"]


async def test_free_text_lookup_with_a_typo_and_no_match(haikei: Haikei, emulator: Emulator) -> None:
    typo = await emulator.driver.command("disclosure lookup", {"query": "Dog and teh Boy"})
    await typo.wait()
    assert typo.embeds[0]["title"] == "The Dog & The Boy"
    dub = await emulator.driver.command("disclosure lookup", {"query": "Banana Fsh dub"})
    await dub.wait()
    assert dub.embeds[0]["title"].startswith("Banana Fish")
    close = await emulator.driver.command("disclosure lookup", {"query": "Secret Wars"})
    text = await answer_text(close)
    assert close.ephemeral and "No record matches **Secret Wars**" in text
    assert "Closest titles" in text and "secret-invasion-opening-credits-2023" in text
    missing = await emulator.driver.command("disclosure lookup", {"query": "qqqq xxxx"})
    text = await answer_text(missing)
    assert missing.ephemeral and "Nothing comes close" in text
    assert_clean(emulator)


async def test_lookup_buttons_survive_a_restart(settings: Settings, emulator: Emulator) -> None:
    async with running_haikei(settings, emulator):
        result = await emulator.driver.command("disclosure lookup", {"query": "cyberpunk-momotaro-2023"})
        await result.wait()
        message = result.message
    async with running_haikei(settings, emulator):
        clicked = await emulator.driver.click(message, "disc:src:cyberpunk-momotaro-2023", user="carol")
        await clicked.wait()
        assert clicked.ephemeral and "Sources for Cyberpunk Momotaro" in clicked.embeds[0]["title"]
    assert_clean(emulator)


async def test_search_pages_only_for_the_invoker(haikei: Haikei, emulator: Emulator) -> None:
    result = await emulator.driver.command(
        "disclosure search", {"year_from": 2022, "year_to": 2026}, user="alice"
    )
    await result.wait()
    first = result.embeds[0]
    assert first["title"] == "Search results (61)" and first["footer"]["text"] == "Page 1/7"
    assert first["description"].count("\n") >= 9
    _prev_id, next_id = custom_ids(result)
    refused = await emulator.driver.click(result, next_id, user="bob")
    await refused.wait()
    assert refused.ephemeral and "Only the person who ran the command" in (refused.content or "")
    turned = await emulator.driver.click(result, next_id, user="alice")
    await turned.wait()
    assert emulator.driver.message(result)["embeds"][0]["footer"]["text"] == "Page 2/7"
    assert_clean(emulator)


async def test_search_filters_and_empty_result(haikei: Haikei, emulator: Emulator) -> None:
    games = await emulator.driver.command(
        "disclosure search", {"medium": "game", "status": "unconfirmed_allegation"}
    )
    await games.wait()
    assert (
        "Project Zomboid" in games.embeds[0]["description"]
        and "Yokai's Wrath" in games.embeds[0]["description"]
        and games.embeds[0]["title"] == "Search results (2)"
    )
    by_text = await emulator.driver.command("disclosure search", {"text": "rinna"})
    await by_text.wait()
    assert "The Dog & The Boy" in by_text.embeds[0]["description"]
    empty = await emulator.driver.command("disclosure search", {"medium": "music_video"})
    assert "No records match" in await answer_text(empty) and empty.ephemeral
    backwards = await emulator.driver.command("disclosure search", {"year_from": 2025, "year_to": 2020})
    assert "backwards" in await answer_text(backwards) and backwards.ephemeral
    companies = await emulator.driver.autocomplete("disclosure search", {"company": "wit"}, "company")
    assert companies[0]["value"] == "WIT Studio"


async def test_company_recent_and_stats(haikei: Haikei, emulator: Emulator) -> None:
    company = await emulator.driver.command("disclosure company", {"name": "WIT Studio"})
    await company.wait()
    embed = company.embeds[0]
    assert embed["title"] == "WIT Studio: 2 records" and embed["fields"][0]["name"] == "Studio (2)"
    unknown = await emulator.driver.command("disclosure company", {"name": "Nobody Pictures"})
    assert "No company called" in await answer_text(unknown)
    recent = await emulator.driver.command("disclosure recent")
    await recent.wait()
    assert recent.embeds[0]["description"].count("\n") == 9
    stats = await emulator.driver.command("disclosure stats")
    await stats.wait()
    await stats.wait_until(lambda r: not r.loading)
    shown = stats.message if stats.embeds else (await stats.wait_followups(1))[0]
    assert (
        len(shown["attachments"]) == 3
        and "Disclosed in an announcement: **21**" in shown["embeds"][0]["description"]
    )
    assert_clean(emulator)


async def test_japanese_locale_replies_in_japanese(haikei: Haikei, emulator: Emulator) -> None:
    result = await emulator.driver.command(
        "disclosure lookup", {"query": "dog-and-the-boy-2023"}, locale="ja"
    )
    await result.wait()
    assert "当初からクレジット表記" in result.embeds[0]["description"]
    registered = {c["name"]: c for c in emulator.registered_commands()}
    assert registered["disclosure"]["name_localizations"]["ja"] == "ai開示"


async def test_public_api_for_other_cogs(haikei: Haikei, emulator: Emulator) -> None:
    cog = haikei.get_cog("Disclosures")
    assert cog is not None and cog.feature_key == "disclosures"
    found = await cog.records_mentioned("Artists criticised The Dog & The Boy, a Netflix short.")
    assert found == [
        {
            "id": "dog-and-the-boy-2023",
            "title": "The Dog & The Boy",
            "disclosure": "credited_upfront",
            "label_key": "disclosures.status.credited_upfront",
        }
    ]
    assert await cog.about_counts() == {"disclosures.about.records": 61}
    about = await emulator.driver.command("about")
    await about.wait()
    assert any(f["name"] == "AI-disclosure records" and f["value"] == "61" for f in about.embeds[0]["fields"])
