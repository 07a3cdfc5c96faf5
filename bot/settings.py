"""One frozen Settings built from the environment and `.env`; the only reader of ``os.environ``."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from bot.endpoint import DISCORD_API_BASE

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_SNOWFLAKE = 2**64 - 1
MAX_SHARDS = 16_384  # far beyond any bot Haikei's size; catches a typo such as an id pasted as a count


class SettingsError(ValueError):
    """A setting has a bad value; the message names the variable and what is expected."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot can be configured with (documented, with defaults, in `.env.example`)."""

    discord_token: str | None = None
    discord_api_base: str = DISCORD_API_BASE
    database_path: Path = Path("data/haikei.db")
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    feed_poll_seconds: int = 600
    feed_allow_hosts: frozenset[str] = field(default_factory=frozenset)
    recommended_feeds_path: Path = Path("data/feeds.toml")
    poll_secret: str | None = None
    ballot_keys_file: Path | None = None
    curator_user_ids: frozenset[int] = field(default_factory=frozenset)
    curator_guild_id: int | None = None
    curator_role_id: int | None = None
    sandbox_port: int = 8080
    sandbox_database_path: Path = Path("data/sandbox.db")
    shard_count: int | None = None  # None: the count Discord recommends (GET /gateway/bot)
    shard_ids: tuple[int, ...] | None = None  # None: every shard of shard_count
    privacy_url: str | None = None  # the operator's privacy policy (PRIVACY.md filled in), linked by /about
    terms_url: str | None = None  # the operator's terms of service (TERMS.md filled in)

    @property
    def ballot_keys_path(self) -> Path:
        """Where secret polls' per-poll keys live: never inside the main database (default: beside it)."""
        if self.ballot_keys_file is not None:
            return self.ballot_keys_file
        return self.database_path.with_name(self.database_path.stem + "-ballot-keys.db")

    @property
    def is_custom_api(self) -> bool:
        """True when REST and gateway traffic goes somewhere other than discord.com."""
        return self.discord_api_base.rstrip("/") != DISCORD_API_BASE

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with some fields replaced (tests, the sandbox)."""
        return replace(self, **changes)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, env_file: str | Path | None = ".env"
    ) -> Settings:
        """Read settings from ``env`` (default: the process environment over the `.env` file)."""
        if env is None:
            merged: dict[str, str] = {}
            if env_file and Path(env_file).is_file():
                merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
            merged.update(os.environ)
            env = merged
        return _parse(env)


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _int(env: Mapping[str, str], name: str, default: int | None, *, minimum: int, maximum: int) -> int | None:
    raw = _get(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _id_list(env: Mapping[str, str], name: str) -> list[int]:
    """A comma-separated list of Discord ids (user, role or server ids)."""
    ids = []
    for part in (_get(env, name) or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= MAX_SNOWFLAKE:
            raise SettingsError(f"{name} must list Discord ids (numbers) separated by commas, got {part!r}")
        ids.append(int(part))
    return ids


def _parse(env: Mapping[str, str]) -> Settings:
    api_base = (_get(env, "DISCORD_API_BASE") or DISCORD_API_BASE).rstrip("/")
    parts = urlsplit(api_base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            f"DISCORD_API_BASE must be an http(s) URL such as {DISCORD_API_BASE}, got {api_base!r}"
        )

    log_level = (_get(env, "LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")

    hosts = frozenset(
        h.strip().lower() for h in (_get(env, "FEED_ALLOW_HOSTS") or "").split(",") if h.strip()
    )
    for host in hosts:
        if any(c in host for c in "/:@ ") and not _is_ip(host):
            raise SettingsError(f"FEED_ALLOW_HOSTS must list host names separated by commas, got {host!r}")

    secret = _get(env, "POLL_SECRET")
    if secret is not None and len(secret) < 16:
        raise SettingsError("POLL_SECRET must be at least 16 characters (or unset to generate one)")

    curator_users = frozenset(_id_list(env, "CURATOR_USER_IDS"))
    curator_guild = _int(env, "CURATOR_GUILD_ID", None, minimum=1, maximum=MAX_SNOWFLAKE)
    curator_role = _int(env, "CURATOR_ROLE_ID", None, minimum=1, maximum=MAX_SNOWFLAKE)
    if curator_role is not None and curator_guild is None:
        raise SettingsError("CURATOR_ROLE_ID needs CURATOR_GUILD_ID (the server the role belongs to)")
    keys_file = _get(env, "BALLOT_KEYS_PATH")
    shard_count, shard_ids = _shards(env)
    privacy_url, terms_url = _web_url(env, "PRIVACY_URL"), _web_url(env, "TERMS_URL")

    return Settings(
        discord_token=_get(env, "DISCORD_TOKEN"),
        discord_api_base=api_base,
        database_path=Path(_get(env, "DATABASE_PATH") or "data/haikei.db"),
        log_level=log_level,
        dev_guild_id=_int(env, "DEV_GUILD_ID", None, minimum=1, maximum=MAX_SNOWFLAKE),
        feed_poll_seconds=_int(env, "FEED_POLL_SECONDS", 600, minimum=30, maximum=86_400) or 600,
        feed_allow_hosts=hosts,
        recommended_feeds_path=Path(_get(env, "FEED_RECOMMENDED_FILE") or "data/feeds.toml"),
        poll_secret=secret,
        ballot_keys_file=Path(keys_file) if keys_file else None,
        curator_user_ids=curator_users,
        curator_guild_id=curator_guild,
        curator_role_id=curator_role,
        sandbox_port=_int(env, "SANDBOX_PORT", 8080, minimum=1, maximum=65_535) or 8080,
        sandbox_database_path=Path(_get(env, "SANDBOX_DATABASE_PATH") or "data/sandbox.db"),
        shard_count=shard_count,
        shard_ids=shard_ids,
        privacy_url=privacy_url,
        terms_url=terms_url,
    )


def _web_url(env: Mapping[str, str], name: str) -> str | None:
    """An http(s) address with a host (a page members open from /about), or None when unset."""
    raw = _get(env, name)
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in raw):
        raise SettingsError(
            f"{name} must be an http(s) address such as https://example.org/privacy, got {raw!r}"
        )
    return raw


def _shards(env: Mapping[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT (1..MAX_SHARDS) and SHARD_IDS (distinct shard numbers below it; needs SHARD_COUNT)."""
    count = _int(env, "SHARD_COUNT", None, minimum=1, maximum=MAX_SHARDS)
    raw = _get(env, "SHARD_IDS")
    if raw is None:
        return count, None
    if count is None:
        raise SettingsError("SHARD_IDS needs SHARD_COUNT (the total number of shards the ids are out of)")
    ids: list[int] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise SettingsError(f"SHARD_IDS must list shard numbers separated by commas, got {part!r}")
        shard = int(part)
        if shard >= count:
            raise SettingsError(
                f"SHARD_IDS must be below SHARD_COUNT ({count}): shards are numbered 0 to {count - 1}, got {shard}"
            )
        if shard in ids:
            raise SettingsError(f"SHARD_IDS lists shard {shard} twice")
        ids.append(shard)
    if not ids:
        raise SettingsError("SHARD_IDS must list at least one shard number (or be left empty for all)")
    return count, tuple(sorted(ids))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
