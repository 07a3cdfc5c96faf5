"""Backticked command paths in catalog text become Discord command mentions once the ids are known (pure)."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.replies import CommandIds


def command(cid: int, name: str, options: list[dict[str, Any]] | None = None, **extra: Any) -> Any:
    data = {"id": str(cid), "application_id": "1", "type": 1, "name": name, "description": "d"}
    data.update(options=options or [], **extra)
    return app_commands.AppCommand(data=data, state=None)  # type: ignore[arg-type]


def sub(name: str, options: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": 1, "name": name, "description": "d", "options": options or []}


def group(name: str, *subs: dict[str, Any]) -> dict[str, Any]:
    return {"type": 2, "name": name, "description": "d", "options": list(subs)}


def known() -> CommandIds:
    ids = CommandIds()
    alerts = command(
        10,
        "alerts",
        [sub("enable", [{"type": 4, "name": "feed", "description": "d"}]), group("keywords", sub("add"))],
    )
    ids.learn(None, [command(1, "help"), alerts])
    ids.learn(77, [command(20, "curate", [sub("history")])])
    return ids


def test_known_paths_become_mentions_and_options_stay_code() -> None:
    ids = known()
    assert ids.link("See `/help`.") == "See </help:1>."
    assert ids.link("Run `/alerts keywords add` or `/alerts enable feed:3`.") == (
        "Run </alerts keywords add:10> or </alerts enable:10> `feed:3`."
    )
    assert ids.link("`/curate history`", 77) == "</curate history:20>"


def test_unknown_paths_groups_and_other_scopes_are_left_as_written() -> None:
    ids = known()
    for text in ("`/alerts keywords`", "`/nope`", "`/alerts`", "`feed:3`", "plain /help"):
        assert ids.link(text) == text
    assert ids.link("`/curate history`") == "`/curate history`"  # a guild command, elsewhere
    assert ids.link("`/curate history`", 99) == "`/curate history`"
    assert CommandIds().link("`/help`") == "`/help`"  # before the ids are fetched


def test_a_servers_own_copy_wins_over_the_global_command() -> None:
    ids = known()
    ids.learn(5, [command(50, "help")])
    assert ids.mention("help", 5) == "</help:50>"
    assert ids.mention("help", 6) == "</help:1>"
    assert ids.mention("help") == "</help:1>"
