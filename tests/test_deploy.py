"""Deployment files: the Compose service and the image keep their promises (CI also runs
`docker-compose config` on them)."""

from __future__ import annotations

import errno
import itertools
import json
import re
from pathlib import Path, PurePosixPath

import pytest
import yaml

from bot.settings import PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"


SECCOMP = PROJECT_ROOT / "deploy" / "sandbox-seccomp.json"
ENTRYPOINT = PROJECT_ROOT / "deploy" / "sandbox-entrypoint.sh"
# What bubblewrap needs beyond Docker's default seccomp profile (each one measured: without it
# bwrap stops with "Operation not permitted"); the entrypoint's proc mount is the `mount`.
BWRAP_CALLS = {"clone", "unshare", "mount", "umount2", "pivot_root", "sethostname"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def bot(compose) -> dict:
    return compose["services"]["bot"]


@pytest.fixture(scope="module")
def sandbox(compose) -> dict:
    return compose["services"]["sandbox"]


def _mounts(service: dict) -> dict[str, str]:
    """Container path -> volume name."""
    return {m.split(":")[1]: m.split(":")[0] for m in service["volumes"]}


def test_compose_reads_tokens_from_env_file(bot):
    """Settings and tokens come from .env, never from the Compose file itself."""
    assert bot["env_file"] == ".env"
    assert not any("TOKEN" in key for key in bot.get("environment", {}))


def test_database_lives_on_a_named_volume(compose, bot):
    """STORAGE__PATH points into a named volume declared at the top level."""
    folder = str(PurePosixPath(bot["environment"]["STORAGE__PATH"]).parent)
    assert _mounts(bot)[folder] in compose["volumes"]


def test_healthcheck_probes_the_enabled_health_endpoint(bot):
    """The healthcheck fetches /healthz on the port the bot is told to listen on."""
    env = bot["environment"]
    assert env["HEALTH__ENABLED"] == "true"
    probe = " ".join(bot["healthcheck"]["test"])
    assert f"http://127.0.0.1:{env['HEALTH__PORT']}/healthz" in probe


def test_restarts_unless_stopped(bot, sandbox):
    """A crash or a reboot brings both services back; an operator's stop is respected."""
    assert bot["restart"] == sandbox["restart"] == "unless-stopped"


def test_the_bot_container_gets_no_privilege(bot):
    """The container with the tokens: no capability, no new privileges, Docker's default seccomp
    and AppArmor profiles (no seccomp or apparmor line), a read-only root, Docker's network."""
    assert not bot.get("privileged", False)
    assert not bot.get("cap_add") and bot["cap_drop"] == ["ALL"]
    assert bot["security_opt"] == ["no-new-privileges:true"]
    assert bot["read_only"] is True and "network_mode" not in bot and "user" not in bot


def test_the_bot_sends_runs_to_the_sandbox_service_over_the_shared_socket(bot, sandbox):
    """SANDBOX__URL is a unix socket in a volume both services mount (the bot read-only), and
    the bot waits for the sandbox to be healthy."""
    url = bot["environment"]["SANDBOX__URL"]
    assert url.startswith("unix:/")
    folder = str(PurePosixPath(url.removeprefix("unix:")).parent)
    assert _mounts(bot)[folder] == _mounts(sandbox)[folder]
    assert f"{_mounts(sandbox)[folder]}:{folder}:ro" in bot["volumes"]
    assert bot["depends_on"]["sandbox"]["condition"] == "service_healthy"
    assert url.removeprefix("unix:") in " ".join(sandbox["healthcheck"]["test"])
    assert "/healthz" in " ".join(sandbox["healthcheck"]["test"])


def test_the_sandbox_container_holds_no_secret_and_no_network(sandbox):
    """No .env, no token, no network: a unix socket is its only door."""
    assert "env_file" not in sandbox
    assert not any("TOKEN" in key or "URL" in key for key in sandbox.get("environment", {}))
    assert sandbox["network_mode"] == "none"
    assert "ports" not in sandbox


def test_the_sandbox_container_gets_only_what_bubblewrap_needs(sandbox):
    """Never privileged; four capabilities for the entrypoint only; the repo's seccomp profile,
    no new privileges, a read-only root."""
    assert not sandbox.get("privileged", False)
    assert sandbox["cap_drop"] == ["ALL"]
    assert sorted(sandbox["cap_add"]) == ["SETGID", "SETPCAP", "SETUID", "SYS_ADMIN"]
    assert sorted(sandbox["security_opt"]) == [
        "apparmor=unconfined", "no-new-privileges:true", f"seccomp={SECCOMP.relative_to(PROJECT_ROOT)}"]
    assert sandbox["read_only"] is True
    assert sandbox["entrypoint"] == [f"/app/{ENTRYPOINT.relative_to(PROJECT_ROOT)}"]
    assert "init" not in sandbox  # Docker's init would keep root and the capabilities


def test_the_entrypoint_drops_every_capability_before_serving():
    """After the proc mount, the service runs as `sandbox` with an empty bounding set."""
    commands = [line.strip() for line in ENTRYPOINT.read_text().replace("\\\n", " ").splitlines()
                if line.strip() and not line.startswith("#")]
    assert commands[:2] == ["set -eu", "mount -t proc -o nosuid,nodev,noexec proc /proc"]
    drop = " ".join(commands[2].split())
    assert drop.startswith("exec setpriv ") and len(commands) == 3
    for flag in ("--reuid=sandbox", "--regid=sandbox", "--inh-caps=-all", "--bounding-set=-all",
                 "--no-new-privs"):
        assert flag in drop
    assert drop.endswith('python -m bot.sandbox --listen "unix:/run/sandbox/sandbox.sock"')


def test_the_seccomp_profile_adds_only_what_bubblewrap_needs():
    """Deny by default; nothing depends on CAP_SYS_ADMIN (the container has it at start); the
    rest of that group (bpf, setns, perf_event_open, ...) is never allowed."""
    profile = json.loads(SECCOMP.read_text())
    assert profile["defaultAction"] == "SCMP_ACT_ERRNO"
    rules = profile["syscalls"]
    assert not any("CAP_SYS_ADMIN" in r.get(k, {}).get("caps", []) for r in rules
                   for k in ("includes", "excludes"))
    allowed = {name for r in rules if r["action"] == "SCMP_ACT_ALLOW" and not r.get("includes")
               for name in r["names"]}
    assert BWRAP_CALLS <= allowed
    assert allowed.isdisjoint({"bpf", "setns", "perf_event_open", "fsopen", "open_tree",
                               "fanotify_init", "setdomainname", "syslog", "quotactl", "chroot"})
    clone3 = [r for r in rules if r["names"] == ["clone3"] and not r["includes"].get("arches")
              and "amd64" not in r["excludes"].get("arches", [])]
    # clone3 keeps Docker's ENOSYS answer, so glibc falls back to clone (EPERM would fail threads)
    assert [(r["action"], r["errnoRet"]) for r in clone3] == [("SCMP_ACT_ERRNO", errno.ENOSYS)]


def test_each_container_has_memory_pids_and_cpu_limits(bot, sandbox):
    """A leak, a fork bomb or a busy loop stops at its container."""
    for service in (bot, sandbox):
        assert service["mem_limit"] and service["pids_limit"] and service["cpus"]


def test_every_compose_line_is_commented():
    """Each setting of both services says why it is there (the issue asks for it)."""
    lines = COMPOSE.read_text().splitlines()
    start = lines.index("services:")
    end = lines.index("volumes:")
    body = [line for line in lines[start + 1:end] if line.strip()]
    uncommented = [line for before, line in itertools.pairwise(body)
                   if "#" not in line and not before.strip().startswith("#")
                   and not line.rstrip().endswith(":")]
    assert uncommented == []


def test_image_is_slim_bookworm_with_bubblewrap_and_a_non_root_user():
    """The image: python:3.11-slim-bookworm unless the BASE build argument names another,
    bubblewrap and Debian's python3, USER not root."""
    text = DOCKERFILE.read_text()
    assert re.search(r"^ARG BASE=python:3\.11-slim-bookworm$", text, re.M)
    assert re.search(r"^FROM \$\{BASE\}$", text, re.M)
    assert re.search(r"apt-get install -y --no-install-recommends bubblewrap python3", text)
    users = re.findall(r"^USER (\S+)$", text, re.M)
    assert users and users[-1] not in ("root", "0")


def test_secrets_and_local_state_stay_out_of_the_image():
    """.dockerignore keeps .env, the venv and the database out of the build context."""
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "data"} <= set(ignored)


def test_env_example_documents_the_health_settings():
    """Every HEALTH__ setting is documented in .env.example."""
    text = (PROJECT_ROOT / ".env.example").read_text()
    for name in ("HEALTH__ENABLED", "HEALTH__HOST", "HEALTH__PORT", "HEALTH__MAX_LAG_MS"):
        assert re.search(rf"^{name}=", text, re.M), name


def test_ci_validates_the_compose_file():
    """.ci/run validates docker-compose.yml after the tests, from a copy of .env.example."""
    ci = Path(PROJECT_ROOT / ".ci" / "run").read_text()
    assert ci.index("make test") < ci.index("docker-compose config")
    assert "cp .env.example .env" in ci


@pytest.fixture(scope="module")
def fleet(compose) -> dict[str, dict]:
    return {name: compose["services"][name] for name in ("postgres", "bot-1", "bot-2")}


def test_the_fleet_is_an_optional_profile_and_the_default_is_unchanged(compose, fleet):
    """PostgreSQL and the two bot processes start only with --profile fleet; `bot` and
    `sandbox` start without it, as before; the fleet's data has its own named volume."""
    assert all(service["profiles"] == ["fleet"] for service in fleet.values())
    assert "profiles" not in compose["services"]["bot"]
    assert "profiles" not in compose["services"]["sandbox"]
    assert _mounts(fleet["postgres"])["/var/lib/postgresql/data"] in compose["volumes"]
    assert "ports" not in fleet["postgres"]


def test_the_fleet_bots_share_postgresql_the_sandbox_and_split_the_shards(fleet, sandbox):
    """Both bot processes use the one database (no SQLite volume), the one sandbox service,
    webhook mode on their own loopback port, and one of two Discord shards each (shard 0's
    process syncs the commands); they start once PostgreSQL and the sandbox are healthy."""
    one, two = fleet["bot-1"], fleet["bot-2"]
    for bot in (one, two):
        env = bot["environment"]
        assert env["STORAGE__URL"].startswith("postgresql://async_guru:")
        assert env["STORAGE__URL"].endswith("@postgres:5432/async_guru")
        assert env["TELEGRAM__MODE"] == "webhook" and env["DISCORD__SHARD_COUNT"] == "2"
        assert env["SANDBOX__URL"] == "unix:/run/sandbox/sandbox.sock"
        assert _mounts(bot)["/run/sandbox"] == "sandbox-socket"
        assert "/data" not in _mounts(bot)
        assert bot["depends_on"] == {"postgres": {"condition": "service_healthy"},
                                     "sandbox": {"condition": "service_healthy"}}
        assert bot["env_file"] == ".env" and not any("TOKEN" in key for key in env)
    assert (one["environment"]["DISCORD__SHARD_IDS"], two["environment"]["DISCORD__SHARD_IDS"]) \
        == ("0", "1")
    assert one["ports"] == ["127.0.0.1:8443:8443"] and two["ports"] == ["127.0.0.1:8444:8443"]


def test_the_fleet_bots_get_no_privilege_and_every_service_has_limits(fleet):
    for name in ("bot-1", "bot-2"):
        bot = fleet[name]
        assert bot["cap_drop"] == ["ALL"] and bot["read_only"] is True
        assert "no-new-privileges:true" in bot["security_opt"] and "cap_add" not in bot
    for service in fleet.values():
        assert service["mem_limit"] and service["pids_limit"] and service["cpus"]
        assert service["restart"] == "unless-stopped" and service["healthcheck"]["test"]


def test_the_fleet_settings_start_only_with_a_webhook_secret(fleet, monkeypatch, tmp_path):
    """The fleet's environment is settings the bot takes, once .env gives the public URL and
    the secret; without the secret the bot refuses to start, saying what to set."""
    from bot.settings import SettingsError, load_settings

    monkeypatch.chdir(tmp_path)
    for key, value in fleet["bot-2"]["environment"].items():
        monkeypatch.setenv(key, value.replace("${POSTGRES_PASSWORD:-}", "pw"))
    monkeypatch.setenv("TELEGRAM__TOKEN", "123:abc")
    monkeypatch.setenv("TELEGRAM__WEBHOOK_URL", "https://bot.example.org/tg")
    with pytest.raises(SettingsError, match="needs TELEGRAM__WEBHOOK_SECRET"):
        load_settings()
    monkeypatch.setenv("TELEGRAM__WEBHOOK_SECRET", "s3cret")
    settings = load_settings()
    assert settings.discord.shards == (1,) and not settings.discord.syncs_commands
    assert settings.storage.url.get_secret_value() == (
        "postgresql://async_guru:pw@postgres:5432/async_guru")


def test_ci_validates_the_fleet_profile_too():
    ci = Path(PROJECT_ROOT / ".ci" / "run").read_text()
    assert "docker-compose --profile fleet config --quiet" in ci
