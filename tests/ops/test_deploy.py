"""deploy/: every command the unit files, the cron line and the Dockerfile run is one `haikei` accepts, with
settings `haikei` accepts; the units carry the restart, stop and hardening options the README promises."""

from __future__ import annotations

import configparser
import json
import re
import shlex
from pathlib import Path

import pytest

from bot.__main__ import build_parser
from bot.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False, empty_lines_in_values=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / name).read_text())
    return parser


def env_of(name: str) -> dict[str, str]:
    """The ``Environment=`` lines of a unit (configparser keeps only the last of repeated keys)."""
    text = (DEPLOY / name).read_text()
    return dict(
        line.removeprefix("Environment=").split("=", 1)
        for line in text.splitlines()
        if line.startswith("Environment=")
    )


def haikei_args(command: str) -> list[str]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = list(lexer)
    at = next(i for i, word in enumerate(words) if word == "haikei" or word.endswith("bin/haikei"))
    args = words[at + 1 :]
    ends = [i for i, word in enumerate(args) if word in (">", ">>", "&&", "||", "|", ";")]  # the shell's part
    return args[: ends[0]] if ends else args


def accepts(args: list[str]) -> str:
    """The subcommand ``args`` run (argparse exits on anything `haikei` would refuse)."""
    return build_parser("haikei").parse_args(args).command


def test_the_service_runs_the_bot_restarts_on_failure_and_stops_cleanly() -> None:
    service = unit("haikei.service")["Service"]
    assert accepts(haikei_args(service["ExecStart"])) == "run"
    assert service["Restart"] == "on-failure" and service["RestartPreventExitStatus"] == "2"  # bad settings
    assert service["ExecStop"] == "/bin/kill -s TERM $MAINPID" and service["KillMode"] == "mixed"
    for option, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "User": "haikei",
        "StateDirectory": "haikei haikei-keys",
    }.items():
        assert service[option] == value, option


@pytest.mark.parametrize("name", ["haikei.service", "haikei-backup.service"])
def test_unit_settings_are_valid_and_keep_the_key_file_out_of_the_data_directory(name: str) -> None:
    settings = Settings.from_env(env_of(name))
    assert settings.database_path == Path("/var/lib/haikei/haikei.db")
    assert settings.database_path.parent not in settings.ballot_keys_path.parents


def test_backups_run_daily_by_timer_or_cron() -> None:
    service = unit("haikei-backup.service")["Service"]
    assert accepts(haikei_args(service["ExecStart"])) == "backup"
    assert service["Type"] == "oneshot" and service["InaccessiblePaths"] == "-/var/lib/haikei-keys"
    timer = unit("haikei-backup.timer")["Timer"]
    assert timer["OnCalendar"] and timer["Persistent"] == "true"
    [line] = [
        entry
        for entry in (DEPLOY / "haikei.cron").read_text().splitlines()
        if entry and not entry.startswith("#")
    ]
    command = line.split(None, 6)[6]  # after the five time fields and the user
    assert accepts(haikei_args(command)) == "backup"


def test_the_image_runs_as_a_user_with_a_health_check_calling_doctor_quick() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    [user] = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert user not in ("root", "0")
    [health] = re.findall(r"^HEALTHCHECK .* CMD (\[.*\])$", dockerfile, re.M)
    args = json.loads(health)
    assert args[:1] == ["haikei"] and accepts(args[1:]) == "doctor" and "--quick" in args
    [cmd] = re.findall(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert accepts(json.loads(cmd)[1:]) == "run"
    assert re.search(r'^VOLUME \["/data", "/keys"\]$', dockerfile, re.M)
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert "**" in ignored  # everything is left out, then only what the image needs is let in
    assert {line for line in ignored if line.startswith("!")} == {
        "!pyproject.toml",
        "!README.md",
        "!bot",
        "!cogs",
        "!data",
    }
