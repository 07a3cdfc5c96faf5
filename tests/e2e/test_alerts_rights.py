"""/alerts and who may do what: a moderator sends alerts only where they could post and pings only roles they
could ping there (the rule polls follow); the autocompletes answer moderators only and never match a feed's
address; a feed's address goes with the last server that follows it (/alerts remove, and a purge).

The world: carol is a moderator through `/config modrole` (Helpers; no Manage Server) who cannot view #staff,
cannot send in #announcements and may ping every role in #alerts only (Mention Everyone there); Haikei cannot
send in #nobot; "Alert pings" is mentionable, "Moderator" is not. mod owns the server (every permission).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.client import Haikei
from cogs.alerts import store
from emulator.emulator import Emulator
from emulator.state import World
from tests.cogs.alerts.feedserver import FeedServer, rss
from tests.e2e.helpers import add_restricted_channels, answer_text, assert_clean

pytestmark = pytest.mark.e2e

CANNOT_POST = "You cannot send alerts to"
CANNOT_PING = "You cannot have alerts ping"
BOT_CANNOT = "I can't post alerts in"
SECRET = "S3CRET"


def rights_world() -> World:
    world = World()
    add_restricted_channels(world)
    nobot = world.add_channel("nobot")
    world.set_overwrite(nobot, world.bot, deny=["send_messages"])
    world.add_role("Helpers")
    world.add_role("Alert pings").mentionable = True
    world.set_overwrite(world.channel("alerts"), "Helpers", allow=["mention_everyone"])
    world.guild.members[world.user("carol").id].roles.append(world.role("Helpers").id)
    world.add_guild("Second Server", "mod")
    return world


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    emu = Emulator(identify_interval=0.1, world=rights_world())
    await emu.start(host="127.0.0.1", port=0)
    try:
        yield emu
    finally:
        await emu.stop()


async def say(emulator: Emulator, path: str, options: dict[str, Any] | None = None, **where: Any) -> str:
    """Run ``/path`` (as carol unless ``user=`` says otherwise); the text she saw, which only she saw."""
    where.setdefault("user", "carol")
    result = await emulator.driver.command(path, options, **where)
    answer = await answer_text(result)
    assert result.ephemeral, answer
    return answer


async def settings_of(bot: Haikei, emulator: Emulator) -> dict[str, Any]:
    return await bot.db.run(store.get_guild, emulator.world.guild.id)


async def modrole(emulator: Emulator) -> None:
    assert "now count as Haikei moderators" in await say(
        emulator, "config modrole", {"role": "Helpers"}, user="mod"
    )


async def test_alerts_go_only_where_the_moderator_can_post(haikei: Haikei, emulator: Emulator) -> None:
    await modrole(emulator)
    for channel in ("staff", "announcements"):  # cannot view it; cannot send there
        answer = await say(emulator, "alerts channel", {"channel": channel})
        assert CANNOT_POST in answer and f"<#{emulator.world.channel(channel).id}>" in answer
        assert "Nothing was changed" in answer
    assert (await settings_of(haikei, emulator))["channel_id"] is None
    # The bot's own permissions are still checked (after the moderator's).
    assert BOT_CANNOT in await say(emulator, "alerts channel", {"channel": "nobot"})

    # mod (who can see #staff) sends alerts there; carol cannot send a sample there.
    staff = f"<#{emulator.world.channel('staff').id}>"
    assert f"Alerts will be posted in {staff}" in await say(
        emulator, "alerts channel", {"channel": "staff"}, user="mod"
    )
    assert CANNOT_POST in await say(emulator, "alerts test")
    assert emulator.messages("staff") == []
    assert "Posted a sample" in await say(emulator, "alerts test", user="mod")
    assert len(emulator.messages("staff")) == 1

    # Where carol can post, she can.
    assert "Alerts will be posted" in await say(emulator, "alerts channel", {"channel": "alerts"})
    assert (await settings_of(haikei, emulator))["channel_id"] == emulator.world.channel("alerts").id
    assert "Posted a sample" in await say(emulator, "alerts test")
    assert len(emulator.messages("alerts")) == 1
    assert_clean(emulator)


async def test_a_moderator_pings_only_roles_they_may_ping_in_the_alert_channel(
    haikei: Haikei, emulator: Emulator
) -> None:
    await modrole(emulator)
    # No alert channel yet: the rule of this channel (#general, where carol has no Mention Everyone).
    answer = await say(emulator, "alerts mention", {"role": "Moderator"})
    assert CANNOT_PING in answer and "Nothing was changed" in answer
    assert (await settings_of(haikei, emulator))["mention_role_id"] is None
    pings = emulator.world.role("Alert pings")
    assert f"<@&{pings.id}>" in await say(emulator, "alerts mention", {"role": "Alert pings"})  # mentionable

    # The alert channel's rule, wherever the command is typed: carol may ping every role in #alerts.
    assert "Alerts will be posted" in await say(emulator, "alerts channel", {"channel": "alerts"})
    moderator = emulator.world.role("Moderator")
    assert "Alerts will ping" in await say(emulator, "alerts mention", {"role": "Moderator"})
    assert (await settings_of(haikei, emulator))["mention_role_id"] == moderator.id
    # ...and so cannot move the alerts (and their ping) to #general, where she may not ping it.
    answer = await say(emulator, "alerts channel", {"channel": "general"})
    assert CANNOT_PING in answer and f"<@&{moderator.id}>" in answer
    assert (await settings_of(haikei, emulator))["channel_id"] == emulator.world.channel("alerts").id

    # mod moves them to #polls; carol may not ping Moderator there, so she can neither set it nor test it.
    assert "Alerts will be posted" in await say(emulator, "alerts channel", {"channel": "polls"}, user="mod")
    assert CANNOT_PING in await say(emulator, "alerts test")
    assert CANNOT_PING in await say(emulator, "alerts mention", {"role": "Moderator"}, channel="alerts")
    assert emulator.messages("polls") == []
    assert "Posted a sample" in await say(emulator, "alerts test", user="mod")
    (sample,) = emulator.messages("polls")
    assert emulator.allowed_mentions_for(sample["id"])[-1].roles == [moderator.id]
    # Clearing the ping is always allowed.
    assert "will not ping anyone" in await say(emulator, "alerts mention")
    assert (await settings_of(haikei, emulator))["mention_role_id"] is None
    assert_clean(emulator)


async def test_the_autocompletes_answer_moderators_only_and_never_match_the_address(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer
) -> None:
    story = {"title": "x", "link": "https://news.example/s/1", "guid": "g1"}
    feed_server.documents["/private"] = rss([story], title="Outlet A")
    feed_server.documents["/untitled"] = rss([story], title="")
    private = {"url": feed_server.url("/private") + f"?token={SECRET}", "name": "Paid wire"}
    assert "Subscribed" in await say(emulator, "alerts add", private, user="mod")
    untitled = {"url": feed_server.url("/untitled") + f"?token={SECRET}"}
    assert "Subscribed" in await say(emulator, "alerts add", untitled, user="mod")
    await say(emulator, "alerts keywords add", {"term": "secret-exclusion", "exclude": True}, user="mod")

    async def feeds(typed: str, user: str) -> list[str]:
        choices = await emulator.driver.autocomplete("alerts remove", {"feed": typed}, "feed", user=user)
        return [c["name"] for c in choices]

    async def terms(user: str) -> list[dict[str, Any]]:
        return await emulator.driver.autocomplete("alerts keywords remove", {"term": ""}, "term", user=user)

    # A member gets nothing, whatever is typed.
    for typed in ("", "paid", "token", f"token={SECRET[:1]}"):
        assert await feeds(typed, "alice") == []
    assert await terms("alice") == []

    await modrole(emulator)
    for user in ("mod", "carol"):
        shown = await feeds("", user)
        paid = [name for name in shown if "Paid wire" in name]
        assert len(shown) == 2 and len(paid) == 1 and await feeds("paid", user) == paid
        assert all(SECRET not in name and "?" not in name for name in shown), shown
        assert "/untitled" in " ".join(shown)  # an untitled feed shows its address, without the query
        assert await feeds("token", user) == [] and await feeds(SECRET, user) == []
        assert [c["value"] for c in await terms(user)] == ["secret-exclusion"]
    # The untitled feed's alerts name their source without the token either.
    names = await haikei.db.run(
        lambda db: [r[0] for r in db.execute("SELECT name FROM alerts_subscriptions")]
    )
    assert all(SECRET not in name for name in names), names


async def test_a_feeds_address_goes_with_its_last_server(
    haikei: Haikei, emulator: Emulator, feed_server: FeedServer
) -> None:
    first, second = emulator.world.guild, emulator.world.get_guild("Second Server")
    elsewhere = emulator.world.channel("general", guild=second)
    for path in ("/shared", "/mine", "/theirs"):
        feed_server.documents[path] = rss(
            [{"title": "x", "link": f"https://news.example{path}", "guid": path}], title=path
        )
    shared, mine, theirs = (
        feed_server.url(p) + f"?apikey={SECRET}{p[1:]}" for p in ("/shared", "/mine", "/theirs")
    )
    for url in (shared, mine):
        assert "Subscribed" in await say(emulator, "alerts add", {"url": url}, user="mod")
    for url in (shared, theirs):
        assert "Subscribed" in await say(emulator, "alerts add", {"url": url}, user="mod", channel=elsewhere)

    async def addresses() -> set[str]:
        return await haikei.db.run(lambda db: {r[0] for r in db.execute("SELECT url FROM alerts_feeds")})

    async def seen_items() -> int:
        return await haikei.db.run(lambda db: db.execute("SELECT count(*) FROM alerts_seen").fetchone()[0])

    assert await addresses() == {shared, mine, theirs} and await seen_items() == 3

    # /alerts remove: a feed nobody else follows goes, with its seen items; a shared one stays.
    ids = {f["url"]: f["id"] for f in await haikei.db.run(store.guild_feeds, first.id)}
    for url in (mine, shared):
        assert "Unsubscribed" in await say(emulator, "alerts remove", {"feed": str(ids[url])}, user="mod")
    assert await addresses() == {shared, theirs} and await seen_items() == 2

    # The purge of the second server (30 days after it removed Haikei) deletes the feeds it followed last.
    privacy: Any = haikei.get_cog("Privacy")
    counts = await privacy.job.purge(second.id, 0.0)
    assert counts["alerts.privacy.feeds"] == 2
    assert await addresses() == set() and await seen_items() == 0
    assert_clean(emulator)
