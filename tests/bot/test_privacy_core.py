"""The core's part of privacy: PRIVACY_URL / TERMS_URL, the marks of servers that removed Haikei, the log of
deletions, and the retention periods stated in one place (PRIVACY.md repeats them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot import guild_settings, retention
from bot.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_policy_urls_are_optional_http_addresses() -> None:
    assert Settings.from_env({}).privacy_url is None and Settings.from_env({}).terms_url is None
    settings = Settings.from_env(
        {"PRIVACY_URL": " https://example.org/haikei/privacy ", "TERMS_URL": "http://example.org/terms"}
    )
    assert settings.privacy_url == "https://example.org/haikei/privacy"
    assert settings.terms_url == "http://example.org/terms"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PRIVACY_URL": "example.org/privacy"}, "PRIVACY_URL must be an http(s) address"),
        ({"TERMS_URL": "javascript:alert(1)"}, "TERMS_URL must be an http(s) address"),
        ({"TERMS_URL": "https://exa mple.org/terms"}, "TERMS_URL must be an http(s) address"),
        ({"PRIVACY_URL": "https:///privacy"}, "PRIVACY_URL must be an http(s) address"),
    ],
)
def test_bad_policy_urls_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env(env)


def test_env_example_documents_the_policy_urls() -> None:
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^PRIVACY_URL=$", example, re.M) and re.search(r"^TERMS_URL=$", example, re.M)


def test_removal_marks_survive_until_cleared_or_forgotten(db: Database) -> None:
    guild_settings.set_role(db, 7, "mod_role_id", 70)
    guild_settings.mark_removed(db, 7, 1000.0)
    guild_settings.mark_removed(db, 7, 5000.0)  # a second event does not restart the count
    guild_settings.mark_removed(db, 8, 2000.0)
    assert guild_settings.removed_guilds(db) == {7: 1000.0, 8: 2000.0}
    assert guild_settings.removed_before(db, 1999.0) == [7]
    assert guild_settings.clear_removed(db, 8) and not guild_settings.clear_removed(db, 8)
    assert guild_settings.forget_guild(db, 7) == {"privacy.count.settings": 1}
    assert guild_settings.removed_guilds(db) == {} and guild_settings.get(db, 7)["mod_role_id"] is None


def test_the_deletion_log_holds_counts_and_is_pruned(db: Database) -> None:
    guild_settings.log_privacy(db, "member", {"polls.privacy.removed": 2}, 100.0)
    guild_settings.log_privacy(db, "server", {"polls.privacy.polls": 1}, 200.0, guild_id=9)
    rows = list(db["privacy_log"].rows)
    assert [(r["subject"], r["guild_id"], json.loads(r["counts"])) for r in rows] == [
        ("member", None, {"polls.privacy.removed": 2}),
        ("server", 9, {"polls.privacy.polls": 1}),
    ]
    assert guild_settings.prune_privacy_log(db, 150.0) == 1 and db["privacy_log"].count == 1


def test_privacy_md_states_the_periods_the_code_enforces() -> None:
    text = (ROOT / "PRIVACY.md").read_text()
    for name in (
        "GUILD_PURGE_DAYS",
        "SEEN_ITEM_DAYS",
        "ALERT_DECISION_DAYS",
        "POSTED_ALERT_DAYS",
        "AUDIT_ID_DAYS",
        "SUBMISSION_NOTES_DAYS",
        "PRIVACY_LOG_DAYS",
        "LOG_DAYS",
    ):
        days = getattr(retention, name)
        assert re.search(rf"\b{days} days\b", text), f"PRIVACY.md does not state {name} ({days} days)"
    assert re.search(r"\[[A-Z ]+\]", text), "the blanks an operator fills in are marked [LIKE THIS]"
    assert "[CONTACT" in text and "[JURISDICTION" in (ROOT / "TERMS.md").read_text()
