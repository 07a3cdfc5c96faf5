import re
from pathlib import Path

import pytest

from bot.endpoint import DISCORD_API_BASE
from bot.settings import Settings, SettingsError


def test_defaults_serve_without_setup() -> None:
    settings = Settings.from_env({})
    assert settings.discord_token is None
    assert settings.discord_api_base == DISCORD_API_BASE
    assert settings.database_path == Path("data/haikei.db")
    assert settings.feed_poll_seconds == 600
    assert not settings.is_custom_api


def test_reads_every_setting() -> None:
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": "abc",
            "DISCORD_API_BASE": "http://127.0.0.1:9999/api/v10/",
            "DATABASE_PATH": "/tmp/x.db",
            "LOG_LEVEL": "debug",
            "DEV_GUILD_ID": "123",
            "FEED_POLL_SECONDS": "60",
            "FEED_ALLOW_HOSTS": "127.0.0.1, Feeds.Example.org",
            "POLL_SECRET": "s" * 20,
        }
    )
    assert settings.discord_token == "abc"
    assert settings.discord_api_base == "http://127.0.0.1:9999/api/v10"
    assert settings.is_custom_api
    assert settings.database_path == Path("/tmp/x.db")
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild_id == 123
    assert settings.feed_poll_seconds == 60
    assert settings.feed_allow_hosts == {"127.0.0.1", "feeds.example.org"}
    assert settings.poll_secret == "s" * 20


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DISCORD_API_BASE": "discord.com"}, "DISCORD_API_BASE must be an http(s) URL"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of"),
        ({"DEV_GUILD_ID": "abc"}, "DEV_GUILD_ID must be a whole number"),
        ({"FEED_POLL_SECONDS": "5"}, "FEED_POLL_SECONDS must be between 30 and 86400"),
        ({"FEED_ALLOW_HOSTS": "http://x/y"}, "FEED_ALLOW_HOSTS must list host names"),
        ({"POLL_SECRET": "short"}, "POLL_SECRET must be at least 16 characters"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(names)):
        Settings.from_env(env)


def test_env_file_is_read_and_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\nLOG_LEVEL=WARNING\n")
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    settings = Settings.from_env(env_file=env_file)
    assert settings.discord_token == "from-file"
    assert settings.log_level == "ERROR"


def test_curator_settings() -> None:
    settings = Settings.from_env(
        {"CURATOR_USER_IDS": "11, 22,", "CURATOR_GUILD_ID": "33", "CURATOR_ROLE_ID": "44"}
    )
    assert settings.curator_user_ids == {11, 22}
    assert (settings.curator_guild_id, settings.curator_role_id) == (33, 44)
    assert Settings.from_env({}).curator_user_ids == frozenset()


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"CURATOR_USER_IDS": "11,bob"}, "CURATOR_USER_IDS must list Discord ids"),
        ({"CURATOR_USER_IDS": "0"}, "CURATOR_USER_IDS must list Discord ids"),
        ({"CURATOR_GUILD_ID": "x"}, "CURATOR_GUILD_ID must be a whole number"),
        ({"CURATOR_ROLE_ID": "5"}, "CURATOR_ROLE_ID needs CURATOR_GUILD_ID"),
    ],
)
def test_bad_curator_settings(env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(names)):
        Settings.from_env(env)


def test_ballot_keys_live_beside_the_database_unless_set() -> None:
    assert Settings.from_env({"DATABASE_PATH": "/srv/h/haikei.db"}).ballot_keys_path == Path(
        "/srv/h/haikei-ballot-keys.db"
    )
    assert Settings.from_env({"BALLOT_KEYS_PATH": "/keys/b.db"}).ballot_keys_path == Path("/keys/b.db")


def test_shards_default_to_discords_recommendation() -> None:
    settings = Settings.from_env({})
    assert (settings.shard_count, settings.shard_ids) == (None, None)


def test_shard_count_and_ids() -> None:
    assert Settings.from_env({"SHARD_COUNT": "4"}).shard_count == 4
    settings = Settings.from_env({"SHARD_COUNT": "4", "SHARD_IDS": " 3, 2,"})
    assert (settings.shard_count, settings.shard_ids) == (4, (2, 3))


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT must be between 1 and 16384, got 0"),
        ({"SHARD_COUNT": "two"}, "SHARD_COUNT must be a whole number, got 'two'"),
        ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
        (
            {"SHARD_COUNT": "2", "SHARD_IDS": "0,2"},
            "SHARD_IDS must be below SHARD_COUNT (2): shards are numbered 0 to 1, got 2",
        ),
        (
            {"SHARD_COUNT": "2", "SHARD_IDS": "0,-1"},
            "SHARD_IDS must list shard numbers separated by commas, got '-1'",
        ),
        ({"SHARD_COUNT": "4", "SHARD_IDS": "1,1"}, "SHARD_IDS lists shard 1 twice"),
        ({"SHARD_COUNT": "4", "SHARD_IDS": ","}, "SHARD_IDS must list at least one shard number"),
    ],
)
def test_bad_shard_settings_say_what_is_wrong(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_env(env)


def test_env_example_documents_the_shard_settings_with_their_defaults() -> None:
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    assert "\nSHARD_COUNT=\n" in example and "\nSHARD_IDS=\n" in example
    documented = Settings.from_env({"SHARD_COUNT": "", "SHARD_IDS": ""})
    assert (documented.shard_count, documented.shard_ids) == (None, None)
