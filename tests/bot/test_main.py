import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "POLL_SECRET")}
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_token_exits_2_with_the_guide(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "bot applications.commands" in result.stderr
    assert not (tmp_path / ".env").exists()


def test_bad_setting_exits_2_naming_the_variable(tmp_path: Path) -> None:
    result = run_bot(tmp_path, DISCORD_TOKEN="x", LOG_LEVEL="loud")
    assert result.returncode == 2
    assert "LOG_LEVEL must be one of" in result.stderr
