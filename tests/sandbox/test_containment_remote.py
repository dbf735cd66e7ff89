"""The containment payloads of test_containment.py, run THROUGH the sandbox service: a real
`python -m bot.sandbox` process reached by RemoteSandbox over a unix socket, as a bot with
SANDBOX__URL runs code. Each payload must be contained there exactly as in a local sandbox."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

import tests.sandbox.fixtures as sandbox_fixtures
import tests.sandbox.test_containment as containment  # not imported by name: pytest would collect them here
from bot.sandbox import Config, RemoteSandbox, RunResult
from bot.settings import PROJECT_ROOT
from tests.sandbox.service import Service, remote, sandbox_service

pytestmark = pytest.mark.asyncio(loop_scope="module")

# The payloads that take only a sandbox (the others build sandboxes of their own).
PAYLOADS = (
    "test_fork_bomb_is_capped_and_leaves_nothing", "test_process_limit_refuses_forks",
    "test_memory_bomb_is_stopped_at_the_memory_limit",
    "test_memory_spread_over_children_is_killed_by_the_watchdog",
    "test_non_dumpable_children_are_still_counted", "test_infinite_loop_ends_at_the_wall_time_limit",
    "test_sleep_forever_ends_at_the_wall_time_limit", "test_huge_output_is_cut_and_the_run_stopped",
    "test_binary_output_becomes_safe_text", "test_writing_outside_tmp_fails_and_tmp_is_bounded",
    "test_no_network_not_even_to_the_host", "test_killing_the_parent_cannot_reach_the_bot",
    "test_double_forked_daemon_does_not_outlive_the_run",
    "test_seccomp_denies_memory_outside_rlimit_and_process_tricks",
    "test_snippets_run_in_the_idle_scheduling_class_for_good",
)
SECRETS = {"DISCORD__TOKEN": "discord-secret-4242", "SANDBOX__TOKEN": "sandbox-secret-4242"}


@dataclass(frozen=True)
class _Group:
    path: Path


@dataclass
class ThroughService:
    """What the payloads use of a sandbox (`run`, `config.limits`, `idle_group`), served by the
    service: the limits are the ones the service reports, so a payload checks the service's
    own, and its leftover checks look at the service's own sandboxes' cpu group."""

    remote: RemoteSandbox
    config: Config
    idle_group: _Group | None = None

    async def run(self, code: str, **budget) -> RunResult:
        return await self.remote.run(code, **budget)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def service(tmp_path_factory) -> AsyncIterator[tuple[Service, RemoteSandbox]]:
    """One service for the module (with secrets in its environment, as in a deployment)."""
    folder: Path = tmp_path_factory.mktemp("service")
    sock = f"unix:{folder / 'sb.sock'}"
    async with (sandbox_service(sock, folder, **SECRETS) as running,
                remote(sock, token=SECRETS["SANDBOX__TOKEN"]) as sandbox):
        yield running, sandbox


@pytest.fixture
def through(service, monkeypatch) -> ThroughService:
    running, sandbox = service
    running.require()
    assert sandbox.available and sandbox.limits is not None
    # The leftover check counts every process under this test process as a leftover; the
    # service itself is meant to stay, whatever is under it is not.
    everything = sandbox_fixtures.descendants
    monkeypatch.setattr(sandbox_fixtures, "descendants", lambda pid=None: [
        p for p in everything(pid) if p != running.proc.pid])
    group = sandbox_fixtures.bot_sandbox_group(running.proc.pid)
    # A group path that does not exist would make every leftover check pass unseen.
    assert group is None or group.is_dir(), f"the service has no sandbox group at {group}"
    return ThroughService(sandbox, Config(limits=sandbox.limits),
                          _Group(group) if group is not None else None)


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_payload_is_contained_through_the_service(payload: str, through: ThroughService):
    await getattr(containment, payload)(through)


async def test_the_services_secrets_and_the_project_are_not_visible(through: ThroughService):
    """The service holds a token (and here a bot token too) in its environment: a snippet sees
    neither, not even through /proc/1/environ, nor the project's files."""
    result = await containment.run(through, f"""
        import os
        print(dict(os.environ))
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    print(pid, open(f"/proc/{{pid}}/environ", "rb").read())
                except OSError as exc:
                    print(pid, exc)
        for path in ({str(PROJECT_ROOT)!r}, "/work", "/root", "/home", "/tmp/sb.sock"):
            print(path, os.path.exists(path))
    """)
    assert result.ok, result.output
    for name, value in SECRETS.items():
        assert value not in result.output and name not in result.output
    assert "True" not in result.output
    assert os.environ.get("SANDBOX__TOKEN") != SECRETS["SANDBOX__TOKEN"]  # the test's own env is clean
