import os
import re
import signal
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bot_env(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "POLL_SECRET")}
    return {**clean, "PYTHONPATH": str(ROOT), **env}


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=bot_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_token_exits_2_with_the_guide(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "run")
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "bot applications.commands" in result.stderr
    assert not (tmp_path / ".env").exists()


def test_bad_setting_exits_2_naming_the_variable(tmp_path: Path) -> None:
    result = run_bot(tmp_path, DISCORD_TOKEN="x", LOG_LEVEL="loud")
    assert result.returncode == 2
    assert "LOG_LEVEL must be one of" in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_no_token_starts_the_sandbox_with_a_banner(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=bot_env(SANDBOX_PORT=str(port), SANDBOX_DATABASE_PATH=str(tmp_path / "sandbox.db")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen = []
        for line in proc.stdout:  # the banner is logged once everything is up
            seen.append(line)
            if "Press Ctrl+C to stop" in line:
                break
        output = "".join(seen)
        assert f"http://127.0.0.1:{port}" in output
        assert "LOCAL SANDBOX" in output
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert not (tmp_path / "data" / "haikei.db").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def subcommands(help_text: str) -> list[str]:
    match = re.search(r"\{([a-z,]+)\}", help_text)
    assert match, help_text
    return match.group(1).split(",")


def test_the_haikei_console_script_has_the_same_commands_as_python_m_bot(tmp_path: Path) -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"haikei": "bot.__main__:main"}
    script = Path(sys.executable).with_name("haikei")  # installed by `pip install -e .` (make test does it)
    via_script = subprocess.run(
        [str(script), "--help"], cwd=tmp_path, env=bot_env(), capture_output=True, text=True, timeout=60
    )
    via_module = run_bot(tmp_path, "--help")
    assert via_script.returncode == via_module.returncode == 0
    assert via_script.stdout.startswith("usage: haikei ")
    assert via_module.stdout.startswith("usage: python -m bot ")
    assert subcommands(via_script.stdout) == subcommands(via_module.stdout)
    assert subcommands(via_script.stdout) == [
        "run",
        "sandbox",
        "sync",
        "backup",
        "restore",
        "doctor",
        "records",
    ]
