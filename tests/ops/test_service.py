"""`haikei run` as a service runs it: the operator's commands beside the live process, and systemd's stop."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from bot.db import apply_migrations, open_database
from bot.settings import Settings
from bot.upgrades import migration_sets
from emulator.emulator import Emulator
from tests.ops.support import HAIKEI, env_for, haikei

pytestmark = pytest.mark.e2e


async def test_operator_commands_beside_a_running_bot_then_a_systemd_stop(
    emulator: Emulator, settings: Settings, tmp_path: Path
) -> None:
    env = env_for(settings)
    proc = await asyncio.create_subprocess_exec(
        str(HAIKEI),
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await emulator.wait_until(
            lambda: emulator.identify_count == 1 and emulator.registered_commands(),
            timeout=60,
            what="haikei run to identify and register its commands",
        )
        about = await emulator.driver.command("about", user="alice")
        await about.wait(timeout=10)

        checked = await haikei("doctor", cwd=tmp_path, env=env)
        assert checked.code == 0, checked.out
        assert "all " in checked.out and "migrations applied" in checked.out, checked.out
        saved = await haikei("backup", f"{tmp_path / 'backups'}/", cwd=tmp_path, env=env)
        assert saved.code == 0, saved.err
        [backup] = (tmp_path / "backups").iterdir()
        refused = await haikei("restore", str(backup), cwd=tmp_path, env=env)
        assert refused.code == 1 and "in use" in refused.err

        # systemd's stop: ExecStop's SIGTERM, then KillSignal's SIGTERM right after it.
        proc.send_signal(signal.SIGTERM)
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), timeout=30)
        assert proc.stdout is not None
        output = (await proc.stdout.read()).decode()
        assert code == 0, output
        assert "shutting down cleanly" in output
        assert "Traceback" not in output and "ERROR" not in output
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()

    restored = await haikei("restore", str(backup), cwd=tmp_path, env=env)  # stopped: now it may
    assert restored.code == 0, restored.err
    assert "was not touched" in restored.out


async def test_run_refuses_a_database_from_a_newer_haikei(
    emulator: Emulator, settings: Settings, tmp_path: Path
) -> None:
    db = open_database(settings.database_path)
    apply_migrations(db, *migration_sets())
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('core', '0999_x', 'x')"
    )
    db.conn.commit()
    db.conn.close()
    ran = await haikei("run", cwd=tmp_path, env=env_for(settings))
    assert ran.code == 2  # systemd's RestartPreventExitStatus=2: no restart loop
    assert "written by a newer Haikei (migrations core:0999_x are unknown" in ran.err
    assert emulator.identify_count == 0 and emulator.requests == []
