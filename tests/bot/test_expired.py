"""bot.ui.expired reads discord.py's view store the way its dispatch does, and ErrorReportingView disables its
components on its message at timeout (the end-to-end side: tests/e2e/test_expired_components.py)."""

from __future__ import annotations

import asyncio
import re
from types import SimpleNamespace
from typing import Any, cast

import discord
import pytest
from discord.ui.view import ViewStore

from bot.errors import ErrorReportingView
from bot.ui import expired
from bot.ui.persistent import ID, Persistent

BUTTON = discord.ComponentType.button.value
MESSAGE_ID = 1234


class Probe(ErrorReportingView):
    """A view with one button (a fixed custom_id) that counts its clicks, and a link button."""

    def __init__(self) -> None:
        super().__init__(timeout=60)
        self.clicks = 0
        self.add_item(discord.ui.Button(label="link", url="https://example.com/"))

    @discord.ui.button(label="go", custom_id="probe:go")
    async def go(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.clicks += 1


class Vote(Persistent[discord.ui.Button], custom_id="probe:{poll}:v", poll=ID):
    poll: int

    async def run(self, interaction: Any) -> None:
        return None


class FakeResponse:
    def __init__(self, answered: discord.InteractionResponseType | None = None) -> None:
        self.type = answered

    def is_done(self) -> bool:
        return self.type is not None


class FakeInteraction:
    """What the view store and bot.ui.expired read of an interaction."""

    def __init__(
        self,
        kind: discord.InteractionType,
        custom_id: str = "probe:go",
        *,
        message_id: int | None = MESSAGE_ID,
        answered: discord.InteractionResponseType | None = None,
    ) -> None:
        self.id = 1
        self.type = kind
        self.data: dict[str, Any] = {"custom_id": custom_id, "component_type": BUTTON}
        self.message = SimpleNamespace(id=message_id) if message_id is not None else None
        self.extras: dict[str, Any] = {}
        self.response = FakeResponse(answered)
        self.edits: list[dict[str, Any]] = []

    async def edit_original_response(self, **kwargs: Any) -> None:
        self.edits.append(kwargs)


def client_with(store: ViewStore) -> discord.Client:
    return cast(discord.Client, SimpleNamespace(_connection=SimpleNamespace(_view_store=store)))


def click(custom_id: str = "probe:go", *, message_id: int | None = MESSAGE_ID) -> Any:
    return FakeInteraction(discord.InteractionType.component, custom_id, message_id=message_id)


@pytest.fixture
def store() -> ViewStore:
    return ViewStore(cast(Any, None))


async def test_a_live_views_button_is_handled_and_the_view_told(store: ViewStore) -> None:
    view = Probe()
    store.add_view(view, MESSAGE_ID)
    interaction = click()
    expired.triage(client_with(store), interaction)
    assert expired.UNHANDLED not in interaction.extras
    assert list(view._seen) == [interaction]


async def test_a_view_on_no_message_handles_its_custom_id_anywhere(store: ViewStore) -> None:
    store.add_view(Probe(), None)
    assert expired.handler_of(client_with(store), click(message_id=999)) is not None


async def test_after_a_restart_or_a_timeout_nothing_handles_it(store: ViewStore) -> None:
    client = client_with(store)
    restarted = click()
    expired.triage(client, restarted)  # an empty store: the process that sent the view is gone
    assert restarted.extras[expired.UNHANDLED] is True
    view = Probe()
    store.add_view(view, MESSAGE_ID)
    view.stop()  # a timeout takes the view out of the store the same way
    timed_out = click()
    expired.triage(client, timed_out)
    assert timed_out.extras[expired.UNHANDLED] is True
    assert expired.handler_of(client, click(message_id=999)) is None  # another message's view


async def test_a_finished_view_still_in_the_store_does_not_handle_it(store: ViewStore) -> None:
    view = Probe()
    view.stop()
    store.add_view(view, MESSAGE_ID)  # held by the store, but finished
    # discord.py's View._dispatch_item drops an interaction for a finished view even if the store holds it
    assert expired.handler_of(client_with(store), click()) is None
    view.stop()  # ends the timeout task add_view started


async def test_persistent_items_modals_commands_and_autocomplete_are_never_answered(store: ViewStore) -> None:
    client = client_with(store)
    store.add_dynamic_items(Vote)
    assert expired.handler_of(client, click("probe:12:v", message_id=None)) is expired.HANDLED
    modal = discord.ui.Modal(title="form", custom_id="form:1")
    store.add_view(modal)
    submitted = FakeInteraction(discord.InteractionType.modal_submit, "form:1", message_id=None)
    assert expired.handler_of(client, cast(Any, submitted)) is expired.HANDLED
    stale = FakeInteraction(discord.InteractionType.modal_submit, "form:2", message_id=None)
    assert expired.handler_of(client, cast(Any, stale)) is None
    for kind in (discord.InteractionType.application_command, discord.InteractionType.autocomplete):
        interaction = FakeInteraction(kind, "")
        expired.triage(client, cast(Any, interaction))
        assert interaction.extras == {}


async def test_a_form_opened_from_a_views_button_tells_that_view(store: ViewStore) -> None:
    view = Probe()
    store.add_view(view, MESSAGE_ID)
    store.add_view(discord.ui.Modal(title="form", custom_id="form:1"))
    submitted = FakeInteraction(discord.InteractionType.modal_submit, "form:1")
    expired.triage(client_with(store), cast(Any, submitted))
    assert list(view._seen) == [submitted]


async def test_the_reading_agrees_with_discord_py_s_own_dispatch(store: ViewStore) -> None:
    """If a discord.py upgrade changes how its store dispatches, this fails before members notice."""
    live, stopped = Probe(), Probe()
    store.add_view(live, MESSAGE_ID)
    store.add_view(stopped, 77)
    stopped.stop()
    everywhere = Probe()
    everywhere.go.custom_id = "probe:anywhere"
    store.add_view(everywhere, None)
    cases = [(MESSAGE_ID, "probe:go"), (77, "probe:go"), (5, "probe:go"), (5, "probe:anywhere"), (None, "x")]
    for message_id, custom_id in cases:
        interaction = click(custom_id, message_id=message_id)
        before = live.clicks + everywhere.clicks
        store.dispatch_view(BUTTON, custom_id, interaction)
        for _ in range(3):  # let the dispatched task run its (synchronous) callback
            await asyncio.sleep(0)
        dispatched = live.clicks + everywhere.clicks > before
        found = expired.handler_of(client_with(store), interaction) is not None
        assert found == dispatched, (message_id, custom_id)


async def test_an_unknown_store_layout_counts_as_handled(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(expired, "_layout_warned", False)
    for _ in range(2):
        interaction = click()
        expired.triage(client_with(cast(Any, SimpleNamespace())), interaction)
        assert interaction.extras == {}  # never a second answer to something that may be handled
    assert [r.message for r in caplog.records if "view store" in r.message] != []
    assert len([r for r in caplog.records if "view store" in r.message]) == 1  # said once


async def test_an_unhandled_interaction_is_answered_once_and_only_then() -> None:
    sent: list[str] = []

    class Response(FakeResponse):
        async def send_message(self, content: str, **kwargs: Any) -> None:
            assert kwargs["ephemeral"] is True
            sent.append(content)
            self.type = discord.InteractionResponseType.channel_message

    interaction = click()
    interaction.response = Response()
    interaction.locale = discord.Locale.japanese
    interaction.guild_id = interaction.channel_id = None
    interaction.user = SimpleNamespace(id=5)
    interaction.client = FakeClient()
    await expired.answer_if_unhandled(interaction)  # not marked: left alone
    assert sent == []
    interaction.extras[expired.UNHANDLED] = True
    await expired.answer_if_unhandled(interaction)
    await expired.answer_if_unhandled(interaction)  # already answered: nothing more
    assert sent == ["有効期限が切れています。もう一度コマンドを実行してください。"]


class FakeClient:
    """What replies.text reads of the client: its catalogs (and it must be weakly referable)."""

    def __init__(self) -> None:
        self.i18n = i18n()


def i18n() -> Any:
    from bot.client import CORE_LOCALES
    from bot.i18n import Catalogs

    catalogs = Catalogs()
    catalogs.load_dir(CORE_LOCALES)
    return catalogs


# ----- timeout: components disabled on the message --------------------------------------------------------


class FakeMessage:
    def __init__(self, fails: bool = False) -> None:
        self.fails = fails
        self.edits: list[dict[str, Any]] = []

    async def edit(self, **kwargs: Any) -> None:
        if self.fails:
            raise discord.NotFound(cast(Any, SimpleNamespace(status=404, reason="gone")), "Unknown Message")
        self.edits.append(kwargs)


def states(view: discord.ui.View) -> list[bool]:
    return [cast(Any, item).disabled for item in view.children]


async def test_timeout_disables_the_components_where_the_view_was_sent() -> None:
    view = Probe()
    sent_with = FakeInteraction(discord.InteractionType.application_command)
    view.interaction = cast(Any, sent_with)
    await view.on_timeout()
    assert states(view) == [True, False]  # the link button still opens its address
    assert sent_with.edits == [{"view": view}]


async def test_the_latest_click_that_edited_the_message_comes_first() -> None:
    view, message = Probe(), FakeMessage()
    view.message = cast(Any, message)
    updated = FakeInteraction(
        discord.InteractionType.component, answered=discord.InteractionResponseType.message_update
    )
    refused = FakeInteraction(  # another member's click, answered with a private message: not this message
        discord.InteractionType.component, answered=discord.InteractionResponseType.channel_message
    )
    view.note_interaction(cast(Any, updated))
    view.note_interaction(cast(Any, refused))
    assert await view.disable_on_message()
    assert updated.edits == [{"view": view}] and refused.edits == [] and message.edits == []


async def test_a_failed_edit_falls_back_and_nothing_known_is_no_edit() -> None:
    view = Probe()
    view.message = cast(Any, FakeMessage(fails=True))
    sent_with = FakeInteraction(discord.InteractionType.application_command)
    view.interaction = cast(Any, sent_with)
    assert await view.disable_on_message()
    assert sent_with.edits == [{"view": view}]
    assert not await Probe().disable_on_message()


async def test_send_remembers_the_response_or_the_follow_up() -> None:
    class Followup:
        async def send(self, **kwargs: Any) -> FakeMessage:
            assert kwargs["view"] is not None and kwargs["wait"] is True
            return FakeMessage()

    class Response(FakeResponse):
        async def send_message(self, **kwargs: Any) -> None:
            self.type = discord.InteractionResponseType.channel_message

    first = FakeInteraction(discord.InteractionType.application_command)
    first.guild_id = None
    first.response = Response()
    answered = Probe()
    await answered.send(cast(Any, first), "page")
    assert answered.interaction is first and answered.message is None  # its original response
    first.followup = Followup()
    followed = Probe()
    await followed.send(cast(Any, first), "page")  # already answered: a follow-up
    assert isinstance(followed.message, FakeMessage) and followed.interaction is None


def test_the_expired_text_exists_in_every_language() -> None:
    catalogs = i18n()
    for locale in (discord.Locale.american_english, discord.Locale.japanese):
        assert catalogs.text(expired.EXPIRED_KEY, locale) != expired.EXPIRED_KEY
    assert re.search("expired", catalogs.text(expired.EXPIRED_KEY, discord.Locale.american_english))
