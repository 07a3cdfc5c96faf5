"""Who may post a poll where, and which polls a member may read (cogs.polls.access), without Discord."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.channel_rights import PostingRights
from cogs.polls import access
from cogs.polls.access import ChannelDirectory, Visibility

HERE, DELETED, UNKNOWN = 10, 20, 30


def make_poll(id: int, channel_id: int) -> Any:
    return SimpleNamespace(id=id, channel_id=channel_id)  # all that visibility reads of a poll


def rights(thread: bool = False, **allowed: bool) -> PostingRights:
    return PostingRights(discord.Permissions(**allowed), thread)


def test_posting_needs_view_and_send_and_in_a_thread_send_in_threads() -> None:
    assert rights(view_channel=True, send_messages=True).can_post
    assert not rights(view_channel=False, send_messages=True).can_post
    assert not rights(view_channel=True, send_messages=False).can_post
    assert not rights(True, view_channel=True, send_messages=True).can_post
    assert rights(True, view_channel=True, send_messages_in_threads=True).can_post


def test_a_role_is_pinged_if_mentionable_or_with_mention_everyone() -> None:
    quiet: Any = SimpleNamespace(mentionable=False)
    loud: Any = SimpleNamespace(mentionable=True)
    plain = rights(view_channel=True, send_messages=True)
    assert plain.can_ping(loud) and not plain.can_ping(quiet)
    assert rights(view_channel=True, mention_everyone=True).can_ping(quiet)


class FakeBot:
    """``fetch_channel`` as Discord answers it: a deleted channel is 404, one Haikei cannot read 403."""

    def __init__(self) -> None:
        self.fetched: list[int] = []

    async def fetch_channel(self, channel_id: int) -> Any:
        self.fetched.append(channel_id)
        response = SimpleNamespace(status=404 if channel_id == DELETED else 403, reason="")
        error = discord.NotFound if channel_id == DELETED else discord.Forbidden
        raise error(response, {"code": 0, "message": ""})


def interaction(*, view_here: bool = True) -> Any:
    guild = SimpleNamespace(get_channel_or_thread=lambda _id: None, get_channel=lambda _id: None)
    member = object.__new__(discord.Member)  # a member: the checks below never reach its attributes
    return SimpleNamespace(
        channel_id=HERE, permissions=discord.Permissions(view_channel=view_here), user=member, guild=guild
    )


@pytest.fixture
def directory() -> tuple[ChannelDirectory, FakeBot]:
    bot: Any = FakeBot()
    return ChannelDirectory(bot), bot


async def test_the_interactions_channel_uses_discords_own_permissions(
    directory: tuple[ChannelDirectory, FakeBot],
) -> None:
    channels, bot = directory
    assert await channels.visibility(interaction(), HERE, fetch=True) is Visibility.VISIBLE
    assert await channels.visibility(interaction(view_here=False), HERE, fetch=True) is Visibility.HIDDEN
    assert bot.fetched == []


async def test_a_deleted_channel_is_looked_up_once_and_its_polls_are_for_moderators(
    directory: tuple[ChannelDirectory, FakeBot], monkeypatch: pytest.MonkeyPatch
) -> None:
    channels, bot = directory
    assert await channels.visibility(interaction(), DELETED, fetch=False) is Visibility.HIDDEN
    assert bot.fetched == []  # suggestions never wait for Discord
    assert await channels.visibility(interaction(), DELETED, fetch=True) is Visibility.GONE
    assert await channels.visibility(interaction(), DELETED, fetch=False) is Visibility.GONE
    assert bot.fetched == [DELETED]
    polls = [make_poll(id=1, channel_id=HERE), make_poll(id=2, channel_id=DELETED)]

    async def moderator(_interaction: Any) -> bool:
        return True

    async def member(_interaction: Any) -> bool:
        return False

    monkeypatch.setattr(access, "is_moderator", member)
    assert [p.id for p in await channels.readable(interaction(), polls)] == [1]
    monkeypatch.setattr(access, "is_moderator", moderator)
    assert [p.id for p in await channels.readable(interaction(), polls)] == [1, 2]


async def test_a_channel_haikei_cannot_read_hides_its_polls_from_everyone(
    directory: tuple[ChannelDirectory, FakeBot], monkeypatch: pytest.MonkeyPatch
) -> None:
    channels, bot = directory

    async def moderator(_interaction: Any) -> bool:
        return True

    monkeypatch.setattr(access, "is_moderator", moderator)
    poll = make_poll(id=3, channel_id=UNKNOWN)
    assert not await channels.can_read(interaction(), poll)
    assert not await channels.can_read(interaction(), poll)
    assert bot.fetched == [UNKNOWN, UNKNOWN]  # not remembered: it may become readable again
