"""Deployment files: the Compose service and the image keep their promises (CI also runs
`docker-compose config` on them)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path, PurePosixPath

import pytest
import yaml

from bot.settings import PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"


@pytest.fixture(scope="module")
def bot() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]["bot"]


def test_compose_reads_tokens_from_env_file(bot):
    """Settings and tokens come from .env, never from the Compose file itself."""
    assert bot["env_file"] == ".env"
    assert not any("TOKEN" in key for key in bot.get("environment", {}))


def test_database_lives_on_a_named_volume(bot):
    """STORAGE__PATH points into a named volume declared at the top level."""
    folder = str(PurePosixPath(bot["environment"]["STORAGE__PATH"]).parent)
    mounts = dict(reversed(m.split(":")[:2]) for m in bot["volumes"])
    volume = mounts[folder]
    assert volume in yaml.safe_load(COMPOSE.read_text())["volumes"]


def test_healthcheck_probes_the_enabled_health_endpoint(bot):
    """The healthcheck fetches /healthz on the port the bot is told to listen on."""
    env = bot["environment"]
    assert env["HEALTH__ENABLED"] == "true"
    probe = " ".join(bot["healthcheck"]["test"])
    assert f"http://127.0.0.1:{env['HEALTH__PORT']}/healthz" in probe


def test_restarts_unless_stopped(bot):
    """A crash or a reboot brings the bot back; an operator's stop is respected."""
    assert bot["restart"] == "unless-stopped"


def test_sandbox_privileges_are_minimal(bot):
    """Never privileged, no added capabilities: only the namespace-related confinement is eased."""
    assert not bot.get("privileged", False)
    assert not bot.get("cap_add")
    assert bot["cap_drop"] == ["ALL"]
    assert sorted(bot["security_opt"]) == ["apparmor=unconfined", "seccomp=unconfined"]


def test_every_compose_line_is_commented():
    """Each setting of the bot service says why it is there (the issue asks for it)."""
    lines = COMPOSE.read_text().splitlines()
    start = lines.index("  bot:")
    end = lines.index("volumes:")
    body = [line for line in lines[start + 1:end] if line.strip()]
    uncommented = [line for before, line in itertools.pairwise(body)
                   if "#" not in line and not before.strip().startswith("#")
                   and not line.rstrip().endswith(":")]
    assert uncommented == []


def test_image_is_slim_bookworm_with_bubblewrap_and_a_non_root_user():
    """The image: python:3.11-slim-bookworm, bubblewrap and Debian's python3, USER not root."""
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", text, re.M)
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
