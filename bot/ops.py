"""The operator's commands: `haikei backup PATH`, `haikei restore FILE`, `haikei doctor [--quick]`."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

from bot.backup import BackupError, backup, restore
from bot.settings import Settings

EXIT_REFUSED = 1

RESTORE_NOTE = (
    "At its next start the bot destroys the keys of polls that are not open in the restored database."
    " A secret poll that was open in the backup but has closed since lost its key when it closed: it now"
    " refuses new votes (the ballots it holds are counted), and a moderator should close it again."
    " Votes and changes made after the backup are gone."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    saving = subparsers.add_parser(
        "backup",
        help="copy the database, consistently, even while the bot runs (not the ballot-key file)",
        description="Copy the main database with SQLite's online backup API; the bot may keep running. "
        "The ballot-key file of secret polls is deliberately not included.",
    )
    saving.add_argument(
        "path",
        help="the backup file, or a directory (existing, or ending in /) for haikei-YYYYMMDD-HHMMSS.db",
    )
    saving.set_defaults(func=run_backup)
    restoring = subparsers.add_parser(
        "restore",
        help="replace the database with a backup (stop the bot first); the old one is kept beside it",
    )
    restoring.add_argument("file", type=Path, help="a file made by `haikei backup`")
    restoring.set_defaults(func=run_restore)
    doctor = subparsers.add_parser(
        "doctor", help="check settings, database, fonts, the token and intents; say what to fix"
    )
    doctor.add_argument(
        "--quick", action="store_true", help="offline and light: no Discord requests, no full integrity check"
    )
    doctor.set_defaults(func=run_doctor, reads_settings_itself=True)


def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    try:
        done = backup(
            settings.database_path,
            Path(args.path),
            key_file=settings.ballot_keys_path,
            into_directory=args.path.endswith(("/", os.sep)),
        )
    except (BackupError, OSError) as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(
        f"Backed up {settings.database_path} to {done.path} ({done.size / 1024:.0f} KiB, {done.seconds:.2f} s)."
    )
    print(
        f"Not included: the ballot-key file {settings.ballot_keys_path}, on purpose (keep it out of backups;"
        " see 'Secret ballots' in the README)."
    )
    return 0


def run_restore(args: argparse.Namespace, settings: Settings) -> int:
    try:
        done = restore(args.file, settings.database_path, key_file=settings.ballot_keys_path)
    except (BackupError, OSError) as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"Restored {done.target} from {args.file}.")
    if done.kept is not None:
        print(f"The database it replaced is kept as {done.kept}.")
    if done.status.pending:
        print(f"{len(done.status.pending)} migrations will be applied when the bot starts.")
    print(f"The ballot-key file {settings.ballot_keys_path} was not touched (it is never in a backup).")
    print(textwrap.fill(RESTORE_NOTE, width=100))
    return 0


def run_doctor(args: argparse.Namespace, settings: Settings | None = None) -> int:
    from bot.doctor import diagnose, report  # imports Pillow and aiohttp only when needed

    return report(diagnose(quick=args.quick))
