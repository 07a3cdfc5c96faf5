"""A confirm prompt acts with the authority the member has when they *confirm*, not when they ran the command:
``bot.ui.confirm.ask(..., recheck=...)`` runs the command's own check again on the click. A curator who lost the
curator role, a moderator whose moderator role moved, or one who can no longer see the poll's channel confirms
nothing: the click is told why, privately, and nothing else is said (no "Cancelled", no "No answer in time").

World: "Haikei Test Server" with a Curators role (``CURATOR_ROLE_ID``; ``cura`` holds it) and a Helpers role
(``carol``; set as ``/config modrole`` by the tests that need it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.client import Haikei
from bot.settings import Settings
from cogs.disclosures import store as records
from cogs.polls import store
from emulator.driver import iter_components
from emulator.emulator import Emulator
from emulator.interactions import InteractionResult
from tests.cogs.polls.e2e_support import ballots, create
from tests.e2e.helpers import answer_text, assert_clean, custom_ids, running_haikei

pytestmark = pytest.mark.e2e

RECORD = "dog-and-the-boy-2023"
NOT_CURATOR = "Only Haikei's curators can do that"
NOT_MODERATOR = "Only moderators can do that"
NOT_FOUND = "There is no poll with that number in this server."


@pytest.fixture
async def bot(settings: Settings, emulator: Emulator) -> AsyncIterator[Haikei]:
    world = emulator.world
    curators = world.add_role("Curators")
    world.add_role("Helpers")
    world.add_role("Artists")
    world.add_member(world.add_user("cura"), roles=["Member", "Curators"])  # a curator by role only
    world.add_member("carol", roles=["Member", "Helpers"])
    configured = settings.with_overrides(curator_guild_id=world.guild.id, curator_role_id=curators.id)
    async with running_haikei(configured, emulator) as haikei:
        yield haikei


def set_roles(emulator: Emulator, user: str, *roles: str) -> None:
    """Replace a member's roles and tell the bot, as Discord does (GUILD_MEMBER_UPDATE)."""
    world = emulator.world
    member = world.guild.members[world.user(user).id]
    member.roles = [world.role(role).id for role in roles]
    emulator.gateway.dispatch(
        "GUILD_MEMBER_UPDATE", {"guild_id": str(world.guild.id), **member.payload(world)}
    )


def all_disabled(result: InteractionResult) -> bool:
    buttons = [c for c in iter_components(result.components) if c.get("type") == 2]
    return bool(buttons) and all(c.get("disabled") for c in buttons)


async def prompt(emulator: Emulator, path: str, options: dict[str, Any], user: str) -> InteractionResult:
    asked = await emulator.driver.command(path, options, user=user)
    await asked.wait()
    assert len(custom_ids(asked)) == 2, asked.content  # Confirm, Cancel
    return asked


async def confirm(emulator: Emulator, asked: InteractionResult, user: str) -> dict[str, Any]:
    """Click Confirm on the prompt; the one message that answers the click."""
    clicked = await emulator.driver.click(asked, custom_ids(asked)[0], user=user)
    await clicked.wait()
    (told,) = await clicked.wait_followups(1)
    assert clicked.followups[0].get("flags", 0) & 64  # ephemeral
    return told


async def test_curate_delete_confirmed_after_the_curator_role_was_removed_deletes_nothing(
    bot: Haikei, emulator: Emulator
) -> None:
    asked = await prompt(emulator, "curate delete", {"id": RECORD}, "cura")
    set_roles(emulator, "cura", "Member")  # no longer a curator, the prompt still open

    told = await confirm(emulator, asked, "cura")

    assert NOT_CURATOR in told["content"]
    assert await bot.db.run(records.get_record, RECORD) is not None
    assert all_disabled(asked)
    # a curator again: the same command, confirmed, deletes (the recheck passes)
    set_roles(emulator, "cura", "Member", "Curators")
    again = await prompt(emulator, "curate delete", {"id": RECORD}, "cura")
    assert "Deleted **The Dog & The Boy**" in (await confirm(emulator, again, "cura"))["content"]
    assert await bot.db.run(records.get_record, RECORD) is None
    assert asked.followups == [] and again.followups == []  # told once, on the click
    assert_clean(emulator)


async def test_poll_manage_delete_and_edit_confirmed_after_the_modrole_moved_change_nothing(
    bot: Haikei, emulator: Emulator
) -> None:
    driver = emulator.driver
    await answer_text(await driver.command("config modrole", {"role": "Helpers"}, user="mod"))
    poll_id, message = await create(emulator)
    await answer_text(await driver.click(message, f"poll:{poll_id}:v:2", user="alice"))  # Abstain
    deleting = await prompt(emulator, "poll-manage delete", {"poll": poll_id}, "carol")
    editing = await prompt(emulator, "poll-manage edit", {"poll": poll_id, "options": "Yes|No"}, "carol")
    assert "Removing **Abstain**" in str(editing.content)
    await answer_text(await driver.command("config modrole", {"role": "Artists"}, user="mod"))

    for asked in (editing, deleting):
        assert NOT_MODERATOR in (await confirm(emulator, asked, "carol"))["content"]
        assert all_disabled(asked)

    poll = await bot.db.run(store.get_poll, poll_id)
    assert poll is not None and [o.label for o in poll.options] == ["Yes", "No", "Abstain"]
    assert await ballots(bot, poll_id) == [[2]]
    assert [e["action"] for e in await bot.db.run(store.audit_log, poll_id)] == ["create"]
    # a moderator again: the edit goes through, then the delete
    await answer_text(await driver.command("config modrole", {"role": "Helpers"}, user="mod"))
    editing = await prompt(emulator, "poll-manage edit", {"poll": poll_id, "options": "Yes|No"}, "carol")
    assert "was updated" in (await confirm(emulator, editing, "carol"))["content"]
    deleting = await prompt(emulator, "poll-manage delete", {"poll": poll_id}, "carol")
    assert "was deleted" in (await confirm(emulator, deleting, "carol"))["content"]
    assert await bot.db.run(store.get_poll, poll_id) is None
    assert_clean(emulator)


async def test_poll_manage_delete_confirmed_once_the_polls_channel_is_hidden_finds_no_poll(
    bot: Haikei, emulator: Emulator
) -> None:
    """The poll read rule is part of the command's check: a moderator who can no longer view the poll's channel
    no longer reaches the poll (it reads as "not found", as the command itself would say)."""
    await answer_text(await emulator.driver.command("config modrole", {"role": "Helpers"}, user="mod"))
    poll_id, _message = await create(emulator, channel="polls")
    deleting = await prompt(emulator, "poll-manage delete", {"poll": poll_id}, "carol")
    emulator.revoke("polls", "view_channel", target="carol")

    assert (await confirm(emulator, deleting, "carol"))["content"] == NOT_FOUND

    assert await bot.db.run(store.get_poll, poll_id) is not None
    assert all_disabled(deleting) and deleting.followups == []
    assert_clean(emulator)
