"""A clear answer to a button, select or form that nothing handles any more, instead of Discord's "This
interaction failed"; and, for every interaction a view does handle, a note to that view (``ErrorReportingView``
finds its message with it when it times out).

discord.py hands a component interaction to its view store (``ViewStore.dispatch_view``): to every persistent
item whose template matches the custom_id (``DynamicItem``, ``bot.ui.persistent``) and to the item a live view
registered for (component type, custom_id) on that message, else on no message. A form (modal submit) goes to the
live modal of its custom_id (``dispatch_modal``). Anything else is dropped without a word: every button of a
view that is not persistent once the bot has restarted, or once the view timed out or was stopped.

When it knows: ``ConnectionState.parse_interaction_create`` dispatches the ``interaction`` event in the same
synchronous step as it hands the interaction to the view store, before any task that dispatch started has run.
``Haikei.dispatch`` calls ``triage`` right then, so the store is exactly as the dispatch saw it (a callback that
stops its view, taking it out of the store, has not run yet) and the answer never races a handler. ``triage``
marks an interaction nothing took in its ``extras``; ``answer_if_unhandled`` (``Haikei.on_interaction``) answers
those, ephemerally. Commands and autocomplete belong to the command tree and are never touched.

The view store offers no public lookup, so ``handler_of`` reads discord.py 2.7's ``ViewStore`` the way its
dispatch does (``_views``, ``_dynamic_items``, ``_modals``, ``_synced_message_views``). Should a discord.py
upgrade change that layout, every interaction counts as handled (never a second answer) and a warning is
logged once; tests/bot/test_expired.py fails first.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot import replies
from bot.errors import ErrorReportingView

log = logging.getLogger(__name__)

UNHANDLED = "haikei.unhandled"  # the ``interaction.extras`` mark ``triage`` sets
EXPIRED_KEY = "errors.expired"
HANDLED = object()  # ``handler_of``: handled, by nothing a view owns (a persistent item, a modal, the tree)


def _view_store(client: discord.Client) -> Any:
    return client._connection._view_store


def handler_of(client: discord.Client, interaction: discord.Interaction) -> object | None:
    """What discord.py's view store handed ``interaction`` to, read as its dispatch reads it: the live view
    whose message it is on, ``HANDLED`` (a persistent item, a modal, the command tree), or None: nothing."""
    data: Any = interaction.data or {}
    store = _view_store(client)
    if interaction.type is discord.InteractionType.component:
        custom_id, component_type = data["custom_id"], data["component_type"]
        if any(pattern.fullmatch(custom_id) for pattern in store._dynamic_items):
            return HANDLED  # a persistent item's task runs (and answers)
        message_id = interaction.message.id if interaction.message is not None else None
        key = (component_type, custom_id)
        item = store._views.get(message_id, {}).get(key) if message_id is not None else None
        if item is None:
            item = store._views.get(None, {}).get(key)
        if item is None or item.view is None or item.view.is_finished():
            return None  # what ViewStore.dispatch_view and View._dispatch_item drop
        return item.view
    if interaction.type is discord.InteractionType.modal_submit:
        if store._modals.get(data["custom_id"]) is None:
            return None
        # a form opened from a view's button: the view on that message is what its answer usually edits
        if interaction.message is not None:
            return store._synced_message_views.get(interaction.message.id) or HANDLED
        return HANDLED
    return HANDLED  # commands and autocomplete: the command tree


_layout_warned = False


def triage(client: discord.Client, interaction: discord.Interaction) -> None:
    """Mark ``interaction`` if nothing handles it; tell the view that does (see the module docstring: call it
    only while discord.py dispatches the ``interaction`` event)."""
    global _layout_warned
    try:
        handler = handler_of(client, interaction)
    except (AttributeError, KeyError, TypeError):
        if not _layout_warned:
            _layout_warned = True
            log.warning(
                "discord.py's view store is not as bot.ui.expired expects: expired clicks stay unanswered"
            )
        return
    if handler is None:
        interaction.extras[UNHANDLED] = True
    elif isinstance(handler, ErrorReportingView):
        handler.note_interaction(interaction)


async def answer_if_unhandled(interaction: discord.Interaction) -> None:
    """Tell the member that what they used has expired (restart or timeout) and to run the command again."""
    if not interaction.extras.get(UNHANDLED) or interaction.response.is_done():
        return
    data: Any = interaction.data or {}
    log.debug(
        "Expired %s %r from user %s (channel %s): nothing handles it",
        interaction.type.name,
        data.get("custom_id"),
        interaction.user.id,
        interaction.channel_id,
    )
    try:
        await replies.ephemeral(interaction, replies.text(interaction, EXPIRED_KEY))
    except discord.HTTPException as exc:
        log.warning("Could not tell user %s that a component expired: %s", interaction.user.id, exc)
