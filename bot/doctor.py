"""`haikei doctor`: check the settings, the database, the chart fonts and Discord, and say what to fix.

``--quick`` (the container health check) stays offline and skips the full integrity check: settings, the
database opens and its migrations, the fonts. It tells whether this installation can run, not whether the
gateway connection is up at this moment (discord.py reconnects by itself).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import aiohttp
import discord
from PIL import ImageFont
from sqlite_utils import Database

from bot.backup import connect_for_reading, integrity_problems, is_sqlite_file
from bot.chart_text import FONT_PATHS, read_cmap
from bot.settings import Settings, SettingsError
from bot.upgrades import schema_status

OK, WARN, FAIL = "ok", "warn", "FAIL"
TIMEOUT = aiohttp.ClientTimeout(total=15)
# Text every chart must be able to draw with the shipped fonts alone (Latin, Greek, Cyrillic, kana, kanji).
FONT_SAMPLE = "Poll results 投票の結果 はい いいえ カタカナ Ωμέγα Жёлтый café"
# Application flags (https://discord.com/developers/docs/resources/application#application-object-application-flags)
# for each privileged intent: (what the Developer Portal calls it, flag when enabled, flag when "limited").
PRIVILEGED_INTENTS = {
    "presences": ("Presence Intent", 1 << 12, 1 << 13),
    "members": ("Server Members Intent", 1 << 14, 1 << 15),
    "message_content": ("Message Content Intent", 1 << 18, 1 << 19),
}
PORTAL = "https://discord.com/developers/applications"


@dataclass(frozen=True)
class Finding:
    status: str  # OK, WARN or FAIL
    topic: str
    detail: str
    fix: str = ""


def bot_intents() -> discord.Intents:
    """The intents Haikei connects with (``bot.client.Haikei`` uses these; a test keeps the two equal)."""
    return discord.Intents.default()


# ----- settings ------------------------------------------------------------------------------------
def check_settings(env_file: Path = Path(".env")) -> tuple[list[Finding], Settings | None]:
    try:
        settings = Settings.from_env(env_file=env_file)
    except SettingsError as exc:
        return [Finding(FAIL, "settings", str(exc), "correct it in .env (every setting: .env.example)")], None
    found = [Finding(OK, "settings", "every setting is valid")]
    if not settings.discord_token:
        found.append(
            Finding(
                FAIL,
                "settings",
                "DISCORD_TOKEN is not set: the bot cannot log in (without it, `haikei` starts the sandbox)",
                f"create the bot at {PORTAL} → Bot → Reset Token, then DISCORD_TOKEN=... in .env",
            )
        )
    if settings.is_custom_api:
        found.append(
            Finding(WARN, "settings", f"DISCORD_API_BASE sends every request to {settings.discord_api_base}")
        )
    if env_file.is_file() and env_file.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        found.append(
            Finding(
                WARN,
                "settings",
                f"{env_file} (it holds the token) is readable by others",
                f"chmod 600 {env_file}",
            )
        )
    found += _check_paths(settings)
    return found, settings


def _check_paths(settings: Settings) -> list[Finding]:
    found = []
    database, keys = settings.database_path, settings.ballot_keys_path
    directory = _existing_parent(database)
    if not os.access(directory, os.W_OK | os.X_OK):
        found.append(
            Finding(
                FAIL,
                "settings",
                f"{directory} is not writable: the database cannot be created or written",
                "make the data directory belong to the bot's user, or set DATABASE_PATH",
            )
        )
    if keys.resolve() == database.resolve():
        found.append(
            Finding(FAIL, "settings", "BALLOT_KEYS_PATH is the database itself", "point it elsewhere")
        )
    if keys.is_file() and keys.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        found.append(
            Finding(
                WARN, "settings", f"the ballot-key file {keys} is readable by others", f"chmod 600 {keys}"
            )
        )
    if not settings.recommended_feeds_path.is_file():
        found.append(
            Finding(
                WARN,
                "settings",
                f"{settings.recommended_feeds_path} is missing: /alerts offers no recommended feeds",
                "run Haikei from its checkout (WorkingDirectory), or set FEED_RECOMMENDED_FILE",
            )
        )
    return found


def _existing_parent(path: Path) -> Path:
    for candidate in path.absolute().parents:
        if candidate.exists():
            return candidate
    return Path("/")


# ----- database ------------------------------------------------------------------------------------
def check_database(path: Path, *, quick: bool = False) -> list[Finding]:
    if not path.exists():
        return [
            Finding(
                WARN, "database", f"{path} does not exist yet", "nothing to do: the bot creates it at start"
            )
        ]
    if not is_sqlite_file(path):
        return [
            Finding(
                FAIL, "database", f"{path} is not an SQLite database", "restore a backup: haikei restore FILE"
            )
        ]
    try:
        conn = connect_for_reading(path)
    except sqlite3.Error as exc:
        return [Finding(FAIL, "database", f"cannot open {path}: {exc}", "check its owner and permissions")]
    try:
        found = []
        if not quick:
            problems = integrity_problems(conn)
            if problems:
                found.append(
                    Finding(
                        FAIL,
                        "database",
                        f"integrity_check: {'; '.join(problems[:5])}",
                        "stop the bot and restore the latest backup (haikei restore FILE)",
                    )
                )
            else:
                size = path.stat().st_size / 1_048_576
                found.append(Finding(OK, "database", f"{path}: integrity_check ok ({size:.1f} MB)"))
        status = schema_status(Database(conn))
    except sqlite3.Error as exc:
        return [
            Finding(FAIL, "database", f"cannot read {path}: {exc}", "restore a backup: haikei restore FILE")
        ]
    finally:
        conn.close()
    if status.unknown:
        found.append(
            Finding(
                FAIL,
                "database",
                f"written by a newer Haikei: migrations {', '.join(status.unknown)} are unknown here",
                "upgrade Haikei to the version that wrote it (migrations never go backwards)",
            )
        )
    elif status.pending:
        found.append(
            Finding(
                WARN,
                "database",
                f"{len(status.pending)} migrations not applied yet: {', '.join(status.pending)}",
                "nothing to do: the bot applies them at its next start",
            )
        )
    else:
        found.append(Finding(OK, "database", f"all {status.applied} migrations applied"))
    return found


# ----- fonts ---------------------------------------------------------------------------------------
def check_fonts(paths: Sequence[Path] = FONT_PATHS, sample: str = FONT_SAMPLE) -> list[Finding]:
    fix = (
        "data/fonts/ ships with Haikei: reinstall from a complete checkout (charts fall back to plain ASCII)"
    )
    covered: set[int] = set()
    names = []
    for path in paths:
        try:
            cmap = read_cmap(path)
            ImageFont.truetype(str(path), 16).getbbox(sample)
        except (OSError, KeyError, struct.error) as exc:
            return [Finding(FAIL, "fonts", f"chart font {path} does not load: {exc}", fix)]
        covered |= cmap
        names.append(f"{path.name} ({len(cmap)} characters)")
    missing = sorted({ch for ch in sample if not ch.isspace() and ord(ch) not in covered})
    if missing:
        return [Finding(FAIL, "fonts", f"the chart fonts cannot draw {''.join(missing)!r}", fix)]
    return [Finding(OK, "fonts", "charts load " + ", ".join(names))]


# ----- Discord -------------------------------------------------------------------------------------
def intent_findings(intents: discord.Intents, flags: int) -> list[Finding]:
    """Whether the privileged intents ``intents`` asks for are enabled in the application's ``flags``."""
    needed = [key for key in PRIVILEGED_INTENTS if getattr(intents, key)]
    enabled = [key for key, (_, full, limited) in PRIVILEGED_INTENTS.items() if flags & (full | limited)]
    missing = [PRIVILEGED_INTENTS[key][0] for key in needed if key not in enabled]
    if missing:
        return [
            Finding(
                FAIL,
                "intents",
                f"Haikei needs {', '.join(missing)}, which is off for this application",
                f"{PORTAL} → your application → Bot → Privileged Gateway Intents: turn on {', '.join(missing)}",
            )
        ]
    text = "Haikei needs no privileged intent" if not needed else "the privileged intents Haikei needs are on"
    if not needed:
        text += " (no presences, server members or message content: nothing to enable)"
    unused = [PRIVILEGED_INTENTS[key][0] for key in enabled if key not in needed]
    if unused:
        return [
            Finding(OK, "intents", f"{text}; enabled but unused: {', '.join(unused)} (you may turn them off)")
        ]
    return [Finding(OK, "intents", text)]


async def check_discord(settings: Settings) -> list[Finding]:
    """``GET /users/@me`` (is the token accepted?) and ``GET /applications/@me`` (privileged intents)."""
    if not settings.discord_token:
        return [Finding(WARN, "discord", "not checked: DISCORD_TOKEN is not set")]
    base = settings.discord_api_base.rstrip("/")
    headers = {"Authorization": f"Bot {settings.discord_token}"}
    try:
        async with aiohttp.ClientSession(timeout=TIMEOUT, headers=headers) as session:
            status, me = await _get(session, f"{base}/users/@me")
            if status == 401:
                return [
                    Finding(
                        FAIL,
                        "token",
                        "Discord refused DISCORD_TOKEN (401 Unauthorized)",
                        f"{PORTAL} → your application → Bot → Reset Token; put the new one in DISCORD_TOKEN",
                    )
                ]
            if status != 200:
                return [Finding(FAIL, "token", f"GET /users/@me answered {status}", "try again later")]
            found = [
                Finding(
                    OK,
                    "token",
                    f"Discord accepts the token: logged in as {me.get('username')} (id {me.get('id')})",
                )
            ]
            status, app = await _get(session, f"{base}/applications/@me")
            if status != 200:
                return [
                    *found,
                    Finding(FAIL, "intents", f"GET /applications/@me answered {status}", "try again later"),
                ]
            return found + intent_findings(bot_intents(), int(app.get("flags") or 0))
    except (aiohttp.ClientError, TimeoutError) as exc:
        return [
            Finding(
                FAIL,
                "discord",
                f"cannot reach {base}: {exc or type(exc).__name__}",
                "check the network, a firewall, or DISCORD_API_BASE",
            )
        ]


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, Any]]:
    async with session.get(url) as resp:
        body = await resp.json(content_type=None) if resp.status == 200 else {}
        return resp.status, body if isinstance(body, dict) else {}


# ----- report --------------------------------------------------------------------------------------
def diagnose(*, quick: bool = False, env_file: Path = Path(".env")) -> list[Finding]:
    found, settings = check_settings(env_file)
    if settings is not None:
        found += check_database(settings.database_path, quick=quick)
    found += check_fonts()
    if settings is not None and not quick:
        found += asyncio.run(check_discord(settings))
    return found


def report(found: Iterable[Finding], out: TextIO = sys.stdout) -> int:
    """Print one line per finding (and how to fix it); 1 when anything failed, else 0."""
    found = list(found)
    for item in found:
        out.write(f"{item.status:<5} {item.topic:<9} {item.detail}\n")
        if item.fix and item.status != OK:
            out.write(f"{'':<16}fix: {item.fix}\n")
    failed = sum(item.status == FAIL for item in found)
    warned = sum(item.status == WARN for item in found)
    if failed:
        out.write(f"{failed} problem{'s' if failed != 1 else ''} to fix.\n")
    else:
        out.write(f"Everything Haikei needs is in place ({warned} note{'s' if warned != 1 else ''}).\n")
    return 1 if failed else 0
