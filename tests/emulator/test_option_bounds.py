"""Integer and number options: the driver refuses what Discord's client refuses, and can deliberately send it."""

from __future__ import annotations

import math

import pytest
from discord.ext import commands

from emulator import DriverError, Emulator
from emulator.options import INTEGER, MAX_SAFE_INTEGER, NUMBER, Resolved, convert

pytestmark = pytest.mark.usefixtures("bot")


def typed(emulator: Emulator, otype: int, value: object, **bounds: object) -> object:
    res = Resolved(emulator, emulator.world.guild, emulator.world.channel("general"))
    return convert({"type": otype, "name": "n", **bounds}, value, res, "/x")


@pytest.mark.parametrize("otype", [INTEGER, NUMBER])
def test_the_edges_of_discords_range_are_accepted_and_one_past_refused(
    emulator: Emulator, otype: int
) -> None:
    assert typed(emulator, otype, MAX_SAFE_INTEGER) == MAX_SAFE_INTEGER
    assert typed(emulator, otype, -MAX_SAFE_INTEGER) == -MAX_SAFE_INTEGER
    for beyond in (MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 2**64):
        with pytest.raises(DriverError, match="outside Discord's range"):
            typed(emulator, otype, beyond)


@pytest.mark.parametrize(
    ("otype", "value", "message"),
    [
        (INTEGER, True, "needs an integer"),
        (INTEGER, 1.5, "needs an integer"),
        (INTEGER, math.inf, "needs an integer"),
        (INTEGER, "12x", "invalid value"),
        (INTEGER, float(2**60), "outside Discord's range"),
        (NUMBER, False, "needs a number"),
        (NUMBER, math.nan, "finite"),
        (NUMBER, "1e400", "finite"),
        (NUMBER, 1e16, "outside Discord's range"),
    ],
)
def test_values_discords_client_would_not_send_are_refused(
    emulator: Emulator, otype: int, value: object, message: str
) -> None:
    with pytest.raises(DriverError, match=message):
        typed(emulator, otype, value)


def test_whole_floats_and_digit_text_become_integers(emulator: Emulator) -> None:
    assert typed(emulator, INTEGER, 4.0) == 4 and isinstance(typed(emulator, INTEGER, 4.0), int)
    assert typed(emulator, INTEGER, " -7 ") == -7
    assert typed(emulator, NUMBER, "2.5") == 2.5


@pytest.mark.parametrize(
    ("days", "message"),
    [(0, "below min_value 1"), (8, "above max_value 7"), (2**53, "outside Discord's range")],
)
async def test_command_options_keep_min_max_and_discords_range(
    emulator: Emulator, days: int, message: str
) -> None:
    with pytest.raises(DriverError, match=message):
        await emulator.driver.command("poll create", {"question": "Q", "days": days})
    assert not emulator.interactions


async def test_seconds_as_a_number_option_is_bounded_too(emulator: Emulator) -> None:
    with pytest.raises(DriverError, match="outside Discord's range"):
        await emulator.driver.command("slow", {"seconds": -(2.0**60)})


async def test_validate_false_delivers_an_out_of_range_value_to_the_bot(
    emulator: Emulator, bot: commands.Bot
) -> None:
    result = await (
        await emulator.driver.command("poll create", {"question": "Big", "days": 2**60}, validate=False)
    ).wait()
    assert result.content == f"Big ({2**60}d)"
    sent = result.payload["data"]["options"][0]
    assert sent["name"] == "create" and {"type": 4, "name": "days", "value": 2**60} in sent["options"]


async def test_raw_options_are_sent_verbatim_under_the_subcommand(
    emulator: Emulator, bot: commands.Bot
) -> None:
    raw = [{"type": 3, "name": "question", "value": "Raw"}, {"type": 4, "name": "days", "value": -(2**63)}]
    result = await (await emulator.driver.command("poll create", raw_options=raw)).wait()
    assert result.content == f"Raw ({-(2**63)}d)"
    assert result.payload["data"]["options"] == [{"type": 1, "name": "create", "options": raw}]


async def test_options_and_raw_options_together_are_a_mistake(emulator: Emulator) -> None:
    with pytest.raises(DriverError, match="not both"):
        await emulator.driver.command("poll create", {"question": "Q"}, raw_options=[])
