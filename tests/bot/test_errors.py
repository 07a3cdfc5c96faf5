import discord
import pytest
from discord import app_commands

from bot.errors import BadInput, NotModerator, message_for


def _invoke_error(original: Exception) -> app_commands.CommandInvokeError:
    command = app_commands.Command(name="x", description="x", callback=_noop)
    return app_commands.CommandInvokeError(command, original)


async def _noop(interaction: discord.Interaction) -> None:
    return None


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (NotModerator(), "errors.not_moderator"),
        (BadInput("polls.errors.too_few", minimum=2), "polls.errors.too_few"),
        (app_commands.MissingPermissions(["manage_guild"]), "errors.missing_permissions"),
        (app_commands.BotMissingPermissions(["embed_links"]), "errors.bot_missing_permissions"),
        (app_commands.CommandOnCooldown(app_commands.Cooldown(1, 10), 4.2), "errors.cooldown"),
        (app_commands.NoPrivateMessage(), "errors.guild_only"),
        (app_commands.CheckFailure(), "errors.not_allowed"),
    ],
)
def test_known_errors_map_to_messages(error: Exception, key: str) -> None:
    mapped = message_for(error)
    assert mapped is not None
    assert mapped[0] == key


def test_wrapped_user_errors_keep_their_params() -> None:
    assert message_for(_invoke_error(BadInput("k", n=3))) == ("k", {"n": 3})


def test_missing_permissions_are_named_readably() -> None:
    mapped = message_for(app_commands.MissingPermissions(["manage_guild", "embed_links"]))
    assert mapped == ("errors.missing_permissions", {"permissions": "Manage Server, Embed Links"})


def test_unexpected_errors_are_not_mapped() -> None:
    assert message_for(_invoke_error(ZeroDivisionError())) is None
    assert message_for(RuntimeError("boom")) is None
