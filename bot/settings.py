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
        return replace(self, **changes)  # type: ignore[arg-type]

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
    )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
