"""The page's view of the command tree and the typing of form values (pure)."""

from __future__ import annotations

import base64

import pytest

from emulator.web.commands import (
    OptionError,
    coerce_options,
    context_menus,
    find_entry,
    invocable,
    permission_names,
)

TREE = [
    {
        "name": "poll",
        "type": 1,
        "description": "Polls",
        "default_member_permissions": "32",
        "options": [
            {
                "type": 1,
                "name": "create",
                "description": "Create a poll",
                "description_localizations": {"ja": "投票を作成"},
                "options": [
                    {"type": 3, "name": "question", "description": "q", "required": True},
                    {"type": 4, "name": "days", "description": "d", "min_value": 1, "max_value": 30},
                    {"type": 10, "name": "weight", "description": "w"},
                    {"type": 4, "name": "count", "description": "c"},
                    {"type": 5, "name": "secret", "description": "s"},
                    {"type": 11, "name": "image", "description": "i"},
                ],
            },
            {
                "type": 2,
                "name": "admin",
                "description": "Admin",
                "options": [{"type": 1, "name": "purge", "description": "Purge", "options": []}],
            },
        ],
    },
    {"name": "help", "type": 1, "description": "Help", "name_localizations": {"ja": "ヘルプ"}},
    {"name": "Check image", "type": 3, "description": ""},
]


def test_invocable_flattens_groups_and_names_the_permissions_asked_for() -> None:
    entries = invocable(TREE)
    assert [e["path"] for e in entries] == ["help", "poll admin purge", "poll create"]
    create = find_entry(entries, "poll create")
    # what default_member_permissions asks for (here Manage Server), not who the command is meant for
    assert create["permissions"] == ["manage_guild"]
    assert "moderator" not in create
    assert [o["name"] for o in create["options"]] == [
        "question",
        "days",
        "weight",
        "count",
        "secret",
        "image",
    ]
    assert find_entry(entries, "help")["permissions"] == []


@pytest.mark.parametrize(
    ("required", "names"),
    [
        (None, []),
        ("0", ["administrator"]),  # Discord: administrators only
        ("32", ["manage_guild"]),
        (str(8192 | 268435456), ["manage_messages", "manage_roles"]),
    ],
)
def test_permission_names(required: str | None, names: list[str]) -> None:
    assert permission_names(required) == names


def test_invocable_uses_the_locale_for_names_and_descriptions() -> None:
    entries = invocable(TREE, "ja")
    assert find_entry(entries, "help")["display"] == "ヘルプ"
    assert find_entry(entries, "poll create")["description"] == "投票を作成"


def test_context_menus_lists_message_commands_only() -> None:
    assert context_menus(TREE) == ["Check image"]


def test_unknown_command_is_an_option_error() -> None:
    with pytest.raises(OptionError, match="unknown command /nope"):
        find_entry(invocable(TREE), "nope")


def test_coerce_types_values_and_drops_empty_optionals() -> None:
    entry = find_entry(invocable(TREE), "poll create")
    data = base64.b64encode(b"\x89PNG").decode()
    got = coerce_options(
        entry,
        {"question": "Q?", "days": " 3 ", "secret": "true", "image": {"filename": "a/b.png", "data": data}},
    )
    assert got == {
        "question": "Q?",
        "days": 3,
        "secret": True,
        "image": ("a_b.png", b"\x89PNG", "application/octet-stream"),
    }
    assert coerce_options(entry, {"question": "Q?", "days": ""}) == {"question": "Q?"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"days": "three"}, "days must be a whole number"),
        ({"secret": "yes"}, "secret must be true or false"),
        ({"image": "not a file"}, "image needs a file"),
        ({"image": {"filename": "x", "data": "!!"}}, "could not be read"),
        ({"colour": "red"}, "no option 'colour'"),
        ({"days": "0"}, "days must be at least 1"),
        ({"days": "31"}, "days must be at most 30"),
        ({"days": "2.5"}, "days must be a whole number"),
        ({"days": "1e3"}, "days must be a whole number"),
        ({"days": "٣"}, "days must be a whole number"),
        ({"count": "9007199254740992"}, "count must be between -9007199254740991 and 9007199254740991"),
        ({"count": "-9007199254740992"}, "count must be between"),
        ({"count": "9" * 5000}, "count must be a whole number"),
        ({"weight": "1e16"}, "weight must be between"),
        ({"weight": "inf"}, "weight must be a number"),
        ({"weight": "nan"}, "weight must be a number"),
    ],
)
def test_coerce_rejects_bad_values(raw: dict, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        coerce_options(find_entry(invocable(TREE), "poll create"), raw)


def test_focused_option_is_kept_as_raw_text() -> None:
    entry = find_entry(invocable(TREE), "poll create")
    assert coerce_options(entry, {"days": "4", "question": ""}, focused="question") == {
        "days": 4,
        "question": "",
    }


def test_the_edges_of_discords_integer_range_are_accepted() -> None:
    entry = find_entry(invocable(TREE), "poll create")
    got = coerce_options(entry, {"count": "9007199254740991", "weight": "-9007199254740991", "days": "+30"})
    assert got == {"count": 2**53 - 1, "weight": -(2**53 - 1), "days": 30}
