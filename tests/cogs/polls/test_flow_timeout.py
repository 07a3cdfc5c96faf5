"""Private views time out while their interaction token still works, so their components can be disabled on
their message (the end-to-end side: tests/e2e/test_polls_flow_timeout.py)."""

from __future__ import annotations

from typing import Any, cast

from bot.ui.timeouts import INTERACTION_TOKEN_LIFETIME, PRIVATE_VIEW_TIMEOUT
from cogs.disclosures import views
from cogs.polls import flows
from cogs.polls.model import Poll, State
from cogs.polls.options import parse_options
from cogs.polls.tally import Method


def poll() -> Poll:
    return Poll(
        id=1,
        guild_id=1,
        channel_id=1,
        message_id=1,
        question="Rank these",
        options=tuple(parse_options("a|b|c")),
        method=Method.RANKED,
        max_choices=3,
        secret=False,
        hidden=False,
        eligible_role_id=None,
        ping_role_id=None,
        closes_at=0.0,
        state=State.OPEN,
        created_by=1,
        created_at=0.0,
        closed_at=None,
    )


def test_the_shared_private_view_timeout_leaves_the_token_a_minute() -> None:
    assert INTERACTION_TOKEN_LIFETIME == 15 * 60
    assert PRIVATE_VIEW_TIMEOUT == 14 * 60 < INTERACTION_TOKEN_LIFETIME


async def test_ballot_flows_and_the_disclosures_forms_use_it() -> None:
    for flow_class in (flows.RankFlow, flows.ScoreFlow):
        flow = flow_class(cast(Any, None), poll(), lambda key, **_: key)
        assert flow.timeout == PRIVATE_VIEW_TIMEOUT < INTERACTION_TOKEN_LIFETIME
        flow.stop()
    assert views.VIEW_TIMEOUT == PRIVATE_VIEW_TIMEOUT
