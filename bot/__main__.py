"""`haikei` or `python -m bot` [run|sync|sandbox|backup|restore|doctor|records …]: settings → logging → run."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import discord

from bot import ops
from bot.client import Haikei
from bot.db import AsyncDatabase, open_database
from bot.extensions import EXTENSIONS
from bot.settings import Settings, SettingsError
from bot.upgrades import schema_status

log = logging.getLogger("bot")

EXIT_CONFIG = 2

TOKEN_GUIDE = """\
DISCORD_TOKEN is not set, so Haikei cannot log in to Discord.

To go live:
  1. Create an application at https://discord.com/developers/applications
  2. Open "Bot", press "Reset Token" and copy the token.
  3. Put it in a file named .env next to README.md:   DISCORD_TOKEN=your-token-here
     (copy .env.example to .env to see every setting)
  4. Open "Installation" and tick both "Guild Install" and "User Install" under Installation Contexts.
  5. Add Haikei to a server (scopes "bot applications.commands"; permissions View Channels,
     Send Messages, Embed Links, Attach Files, Read Message History):
     https://discord.com/oauth2/authorize?client_id=YOUR_APPLICATION_ID&integration_type=0&scope=bot+applications.commands&permissions=117760
     Or to your own account, for /disclosure and "Check image for AI metadata" in any server or DM
     (scope "applications.commands"; alerts, polls and settings need Haikei in the server):
     https://discord.com/oauth2/authorize?client_id=YOUR_APPLICATION_ID&integration_type=1&scope=applications.commands

To try Haikei without Discord: python -m bot sandbox   (or `make run` with no token)
"""


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    if prog is None:  # the console script, or `python -m bot`
        prog = "haikei" if Path(sys.argv[0]).name == "haikei" else "python -m bot"
    parser = argparse.ArgumentParser(prog=prog, description="Run the Haikei Discord bot.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="connect to Discord and serve (requires DISCORD_TOKEN)")
    sub.add_parser("sandbox", help="run a local Discord emulator, the bot and a web page; no token needed")
    sub.add_parser("sync", help="force-sync the slash commands to Discord, then exit")
    ops.register(sub)
    for extension in EXTENSIONS:
        # A cog may add offline commands (e.g. `records import`) in an optional `<extension>.cli` module.
        try:
            cli = importlib.import_module(f"{extension}.cli")
        except ModuleNotFoundError as exc:
            if exc.name != f"{extension}.cli":
                raise
            continue
        cli.register(sub)
    return parser


async def serve(settings: Settings, *, force_sync: bool = False, sync_only: bool = False) -> int:
    """Run the bot until SIGINT/SIGTERM (or, for ``sync_only``, log in, sync and exit)."""
    database = open_database(settings.database_path)
    newer = schema_status(database).unknown
    if newer:  # migrations only go forward: older code must not write a newer schema
        log.error(
            "%s was written by a newer Haikei (migrations %s are unknown to this version): upgrade Haikei,"
            " or restore a backup made by this version (haikei restore FILE)",
            settings.database_path,
            ", ".join(newer),
        )
        database.conn.close()
        return EXIT_CONFIG
    db = AsyncDatabase(database)
    bot = Haikei(settings, db, force_sync=force_sync)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda s=sig: _request_stop(bot, s))
    try:
        async with bot:
            if sync_only:
                await bot.login(settings.discord_token or "")
                return 0
            await bot.start(settings.discord_token or "")
    except discord.LoginFailure:
        log.error("Discord refused the token: check DISCORD_TOKEN in .env")
        return EXIT_CONFIG
    return 0


def _request_stop(bot: Haikei, sig: signal.Signals) -> None:
    log.info("Received %s: shutting down cleanly", sig.name)
    asyncio.get_running_loop().create_task(bot.close())


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "reads_settings_itself", False):  # `doctor` reports bad settings among its findings
        return int(args.func(args))
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    level = getattr(logging, settings.log_level)
    discord.utils.setup_logging(level=level, root=True)
    # discord.py's DEBUG records carry every interaction payload (who clicked which vote button): never kept.
    logging.getLogger("discord").setLevel(max(level, logging.INFO))
    command = args.command or "run"
    if hasattr(args, "func"):
        return int(args.func(args, settings))
    if command == "sandbox" or (args.command is None and not settings.discord_token):
        # Without a token, `make run` shows the bot working locally instead of failing.
        from emulator.bootstrap import run_sandbox

        return asyncio.run(run_sandbox(settings))
    if not settings.discord_token:
        print(TOKEN_GUIDE, file=sys.stderr)
        return EXIT_CONFIG
    return asyncio.run(serve(settings, force_sync=command == "sync", sync_only=command == "sync"))


if __name__ == "__main__":
    sys.exit(main())
