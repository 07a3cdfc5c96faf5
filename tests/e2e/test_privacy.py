"""`/privacy show` and `/privacy delete` end to end: a member who used every feature deletes their data, and
afterwards no table or column of the database, nor the ballot-key file, nor the files' bytes hold their id."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.client import Haikei
from bot.settings import Settings
from cogs.disclosures import submissions
from cogs.polls import store as polls
from cogs.polls.voter_keys import secret_voter_key
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import create, poll_message
from tests.cogs.privacy.scan import raw_traces, traces
from tests.e2e.helpers import answer_text, assert_clean, custom_ids
from tests.e2e.test_disclosures_review import press, review, submit

pytestmark = pytest.mark.e2e


async def vote(emulator: Emulator, poll_id: int, message: dict[str, Any], option: int, user: str) -> None:
    assert "Your vote" in await answer_text(
        await emulator.driver.click(message, f"poll:{poll_id}:v:{option}", user=user)
    )


async def close(emulator: Emulator, poll_id: int) -> None:
    closed = await emulator.driver.command("poll-manage close", options={"poll": poll_id}, user="mod")
    assert "is closed" in await answer_text(closed)


async def show(emulator: Emulator, user: str = "alice") -> str:
    shown = await emulator.driver.command("privacy show", user=user)
    await shown.wait()
    await shown.wait_until(lambda r: not r.loading)
    assert shown.ephemeral
    embed = shown.embeds[0] if shown.embeds else (await shown.wait_followups(1))[0]["embeds"][0]
    return "\n".join([embed["description"], *(f"{f['name']}: {f['value']}" for f in embed["fields"])])


async def test_a_member_deletes_everything_and_no_trace_of_their_id_remains(
    haikei: Haikei, emulator: Emulator, settings: Settings
) -> None:
    alice = emulator.world.user("alice").id
    cog: Any = haikei.get_cog("Polls")
    cog.live.interval = 0.1
    # Submissions: one pending, one rejected (Haikei DMs her), one correction.
    assert "Submission **#1**" in await submit(emulator, user="alice")
    assert "Submission **#2**" in await submit(emulator, user="alice", **{"0": "Loud Harbour"})
    card = await review(emulator)
    reject = await press(emulator, card, "disc:review:reject:1")
    await answer_text(await emulator.driver.submit_modal(reject, {"value": "No source yet."}, user="mod"))
    await emulator.wait_until(lambda: len(emulator.dms("alice")) == 1, what="the rejection DM")
    shown = await (
        await emulator.driver.command("disclosure lookup", {"query": "dog-and-the-boy-2023"})
    ).wait()
    fix = await (await emulator.driver.click(shown, "disc:fix:dog-and-the-boy-2023")).wait()
    what, sources = custom_ids(fix.modal)
    fixed = await emulator.driver.submit_modal(
        fix, {what: "It credits the studio.", sources: "https://x.example/a"}
    )
    assert "Correction **#3**" in await answer_text(fixed)
    # Polls: a public and a secret one open, a public and a secret one closed; and one she created herself.
    await (await emulator.driver.command("config pollers", options={"role": "Member"}, user="mod")).wait()
    own, own_message = await create(emulator, user="alice", question="Her own poll?")
    open_public, open_public_message = await create(emulator)
    closed_public, closed_public_message = await create(emulator)
    open_secret, open_secret_message = await create(emulator, secret=True)
    closed_secret, closed_secret_message = await create(emulator, secret=True)
    for poll_id, message in (
        (own, own_message),
        (open_public, open_public_message),
        (closed_public, closed_public_message),
        (open_secret, open_secret_message),
        (closed_secret, closed_secret_message),
    ):
        await vote(emulator, poll_id, message, 0, "alice")
        await vote(emulator, poll_id, message, 1, "bob")
    poll_key = cog.keys.get(open_secret)
    await close(emulator, closed_public)
    await close(emulator, closed_secret)
    assert await haikei.db.run(lambda db: traces(db.conn, alice))  # she is in the database now

    before = await show(emulator)
    assert "#2" in before and "Loud Harbour" in before and "#3" in before and "#1" in before
    assert "In open polls: 2. In closed polls: 1." in before and f"Poll #{own}: Her own poll?" in before
    assert "(1 open secret poll holds one of yours)" in before
    assert "Polls you created or managed" in before
    assert "deleted 30 days after Haikei is removed" in before and "90 days" in before
    assert "Privacy policy and terms" not in before  # no PRIVACY_URL / TERMS_URL configured

    cancelled = await emulator.driver.command("privacy delete", user="alice")
    await cancelled.wait()
    assert cancelled.ephemeral and "cannot be undone" in (cancelled.content or "")
    no = await emulator.driver.click(cancelled, custom_ids(cancelled)[1], user="alice")
    assert (await no.wait_followups(1))[0]["content"] == "Nothing was deleted."
    asked = await emulator.driver.command("privacy delete", user="alice")
    await asked.wait()
    not_hers = await emulator.driver.click(asked, custom_ids(asked)[0], user="bob")
    await not_hers.wait()
    assert await haikei.db.run(submissions.get, 2) is not None  # bob cannot confirm alice's deletion
    done = await emulator.driver.click(asked, custom_ids(asked)[0], user="alice")
    reply = (await done.wait_followups(1))[0]["content"]

    assert reply.splitlines()[0] == "Done. Haikei no longer keeps anything that names you."
    for line in (
        "• 2 pending submissions deleted",
        "• 1 decided submission no longer names you",
        "• 3 ballots removed from open polls",
        "• 1 ballot in a closed poll no longer names you (it still counts)",
        "• 1 direct message deleted",
    ):
        assert line in reply, reply
    # Nothing anywhere holds her id: every table and column, the ballot-key file, the files' bytes.
    assert await haikei.db.run(lambda db: traces(db.conn, alice)) == []
    assert await haikei.db.run(lambda _db: traces(cog.keys.conn, alice)) == []
    assert raw_traces(settings.database_path, alice) == []
    assert raw_traces(settings.ballot_keys_path, alice) == []
    gone_key = secret_voter_key(poll_key, open_secret, alice)
    assert await haikei.db.run(lambda db: traces(db.conn, gone_key)) == []  # type: ignore[arg-type]
    assert [m for m in emulator.dms("alice") if m["author"]["id"] == str(emulator.world.bot.id)] == []
    # The polls: open ones lost her ballot (their messages follow), closed ones still count it without her.
    assert sorted(await haikei.db.run(polls.ballots, open_public)) == [[1]]
    assert sorted(await haikei.db.run(polls.ballots, closed_public)) == [[0], [1]]
    assert sorted(await haikei.db.run(polls.ballots, closed_secret)) == [[0], [1]]
    await emulator.wait_until(
        lambda: "· 1 vote" in poll_message(emulator, open_public)["embeds"][0]["footer"]["text"],
        what="the open poll's count after the deletion",
    )
    # Audited without her id; /privacy show now finds nothing.
    logged = await haikei.db.run(lambda db: [dict(r) for r in db["privacy_log"].rows])
    assert [r["subject"] for r in logged] == ["member"] and logged[0]["guild_id"] is None
    assert json.loads(logged[0]["counts"])["polls.privacy.removed"] == 3
    after = await show(emulator)
    assert "Your submissions: None." in after and "In open polls: 0. In closed polls: 0." in after
    assert "(0 open secret polls hold one of yours)" in after and "Polls you created" not in after
    # She can still vote afresh.
    await vote(emulator, open_public, open_public_message, 0, "alice")
    assert_clean(emulator)


async def test_privacy_is_for_everyone_and_shows_the_policy_links(
    settings: Settings, emulator: Emulator
) -> None:
    from tests.e2e.helpers import running_haikei

    linked = settings.with_overrides(
        privacy_url="https://example.org/haikei/privacy", terms_url="https://example.org/haikei/terms"
    )
    async with running_haikei(linked, emulator):
        assert "privacy" in emulator.driver.visible_commands("carol", "general")
        text = await show(emulator, "carol")
        assert "Your submissions: None." in text
        assert "[Privacy policy](https://example.org/haikei/privacy)" in text
        about = await (await emulator.driver.command("about", user="carol")).wait()
        links = next(f["value"] for f in about.embeds[0]["fields"] if f["name"] == "Privacy and terms")
        assert links == (
            "[Privacy policy](https://example.org/haikei/privacy) · [Terms of service](https://example.org/haikei/terms)"
        )
        japanese = await (await emulator.driver.command("privacy show", user="carol", locale="ja")).wait()
        await japanese.wait_until(lambda r: not r.loading)
        embed = japanese.embeds[0] if japanese.embeds else (await japanese.wait_followups(1))[0]["embeds"][0]
        assert embed["title"] == "Haikei があなたについて保存しているもの"
    assert_clean(emulator)
