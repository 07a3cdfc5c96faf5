"""A ranked or score ballot (a private step-by-step view) times out while its interaction token still works, so
its components are disabled on its message. Timing out when the token dies (15 minutes, as ``FLOW_TIMEOUT``
was) leaves them live: the disabling edit is refused with "Invalid Webhook Token".

No waiting: when the view times out, ``flow.timeout`` seconds after the click that showed it, that click's token
has ``INTERACTION_TOKEN_LIFETIME - flow.timeout`` seconds left. The test gives the emulator's tokens exactly
that lifetime and times the view out at once, as discord.py would then.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.client import Haikei
from bot.errors import ErrorReportingView
from bot.ui.timeouts import INTERACTION_TOKEN_LIFETIME
from cogs.polls.flows import BallotFlow
from emulator.driver import iter_components
from emulator.emulator import Emulator
from tests.cogs.polls.e2e_support import create
from tests.e2e.helpers import assert_clean, custom_ids

pytestmark = pytest.mark.e2e


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[BallotFlow]:
    """The ballot flows the bot sends, in order."""
    flows: list[BallotFlow] = []

    async def send(self: BallotFlow, *args: Any, **kwargs: Any) -> None:
        flows.append(self)
        await ErrorReportingView.send(self, *args, **kwargs)

    monkeypatch.setattr(BallotFlow, "send", send)
    return flows


@pytest.mark.parametrize("method", ["ranked", "score"])
async def test_a_ballot_flow_is_disabled_when_it_times_out(
    haikei: Haikei, emulator: Emulator, shown: list[BallotFlow], method: str
) -> None:
    poll_id, poll = await create(emulator, options="a|b|c", method=method)
    start = "rank" if method == "ranked" else "score"
    flow_message = await emulator.driver.click(poll, f"poll:{poll_id}:{start}", user="alice")
    await flow_message.wait()
    assert custom_ids(flow_message)
    (flow,) = shown
    assert flow.timeout is not None

    emulator.followup_ttl = INTERACTION_TOKEN_LIFETIME - flow.timeout  # the token's life left at the timeout
    flow.stop()  # (its own timeout task ends; discord.py calls on_timeout once the view has stopped)
    await flow.on_timeout()

    components = [c for c in iter_components(flow_message.components) if "custom_id" in c]
    assert components and all(c.get("disabled") for c in components)
    assert_clean(emulator)
