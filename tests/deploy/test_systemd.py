"""deploy/async-guru.service: the bot as its own user, restarted on failure, settings from an
EnvironmentFile, limits, hardening that leaves bubblewrap working, and a unit that systemd
itself accepts (`systemd-analyze verify`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

UNIT = PROJECT_ROOT / "deploy" / "async-guru.service"
INSTALL_DIR = "/opt/async-guru"


def _settings(text: str) -> dict[str, list[str]]:
    """Key -> values of the [Service] section (a key may repeat, as Environment= does)."""
    section, found = "", {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


SERVICE = _settings(UNIT.read_text())


def test_the_bot_runs_as_its_own_user_from_the_checkout() -> None:
    """Not root; the venv's Python runs `-m bot` in the checkout; settings from a file."""
    assert SERVICE["User"] == ["async-guru"] and SERVICE["Group"] == ["async-guru"]
    assert SERVICE["ExecStart"] == [f"{INSTALL_DIR}/.venv/bin/python -m bot"]
    assert SERVICE["WorkingDirectory"] == [INSTALL_DIR]
    assert SERVICE["EnvironmentFile"] == ["/etc/async-guru/async-guru.env"]
    assert "STORAGE__PATH=%S/async-guru/async-guru.sqlite3" in SERVICE["Environment"]
    assert SERVICE["StateDirectory"] == ["async-guru"]


def test_a_crash_restarts_it_but_a_settings_error_does_not() -> None:
    """Restart on failure; exit status 2 (bad settings, unusable database) stays down."""
    assert SERVICE["Restart"] == ["on-failure"]
    assert SERVICE["RestartPreventExitStatus"] == ["2"]


def test_memory_and_tasks_are_limited() -> None:
    """The bot and its sandboxes share the unit's cgroup: memory and task counts are capped."""
    assert SERVICE["MemoryMax"] and SERVICE["TasksMax"] and SERVICE["LimitCORE"] == ["0"]


def test_hardening_keeps_what_bubblewrap_needs() -> None:
    """No new privileges and no capabilities, a read-only system; none of the settings that
    take bwrap's namespaces or its fresh /proc away."""
    assert SERVICE["NoNewPrivileges"] == ["yes"] and SERVICE["CapabilityBoundingSet"] == [""]
    assert SERVICE["ProtectSystem"] == ["strict"] and SERVICE["ProtectHome"] == ["yes"]
    breaking = {"PrivateUsers", "RestrictNamespaces", "ProtectKernelTunables", "ProtectKernelLogs",
                "ProcSubset", "ProtectHostname", "SystemCallFilter"}
    assert breaking.isdisjoint(SERVICE)


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    """`systemd-analyze verify` reports nothing (it warns, exit status 0, on an unknown key or
    a bad value, so its output must be empty). The install path is this checkout, whose venv
    exists, since verify checks that ExecStart is executable."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian: apt-get install systemd)")
    python = PROJECT_ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        pytest.skip("no .venv in this checkout to stand in for the installed one")
    unit = tmp_path / "async-guru.service"
    unit.write_text(UNIT.read_text().replace(INSTALL_DIR, str(PROJECT_ROOT)))
    result = subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_sandbox_runs_with_the_units_privileges() -> None:
    """/run works for a bot started as the unit starts it: an unprivileged uid, no capability
    in its bounding set, no_new_privs (setpriv stands in for systemd; needs root to switch)."""
    setpriv, bwrap = shutil.which("setpriv"), shutil.which("bwrap")
    if os.geteuid() != 0 or not setpriv or not bwrap:
        pytest.skip("needs root (to become another uid), setpriv and bubblewrap")
    with tempfile.TemporaryDirectory() as state:  # pytest's tmp_path is root's alone
        Path(state).chmod(0o777)
        result = _run_as_nobody(setpriv, state)
    assert result.returncode == 0, result.stderr
    assert "45" in [line.strip() for line in result.stdout.splitlines()], result.stdout


def _run_as_nobody(setpriv: str, state: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "STORAGE__PATH": f"{state}/bot.sqlite3",
           "CONTENT__PATH": str(PROJECT_ROOT / "content"), "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run(
        [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
         "--bounding-set=-all", "--no-new-privs", sys.executable, "-m", "bot", "--once",
         "/run print(sum(range(10)))"],
        cwd=state, env=env, capture_output=True, text=True, timeout=60)
