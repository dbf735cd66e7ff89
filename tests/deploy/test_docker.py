"""The documented Docker deployment, with a real engine: the image builds from this checkout, and
docker-compose.yml's own settings (plus tests/deploy/compose.test.yml: the test's image, host
networking for the bot, the fake Telegram server) run /run and /demo in the sandbox service,
and the bot service turns healthy and answers a Telegram /run.

Starts dockerd when none answers (and stops it afterwards); builds a stand-in for the base image
with debootstrap when the Dockerfile's base is not present (no registry is reachable here).
Skipped with the reason where no engine can start; under CI=true that is a failure. Removes what
it made: containers, volumes, the images it built. Prints how long each step took.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

HERE = Path(__file__).resolve().parent
OVERRIDE = HERE / "compose.test.yml"
STANDIN = HERE / "standin_base.sh"
FAKE_TELEGRAM = PROJECT_ROOT / "tests" / "adapters" / "telegram" / "fake_telegram.py"

# Building a base and the image takes minutes on a bare CI machine (no cache).
pytestmark = pytest.mark.timeout(900)


def unavailable(reason: str) -> None:
    message = f"no Docker engine for the deployment test: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def run(cmd: list[str], *, timeout: float = 300, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} -> exit status {done.returncode}\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(what: str, check, within: float, every: float = 0.5):
    deadline = time.monotonic() + within
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within:.0f} s")
        time.sleep(every)


@dataclass
class Deployment:
    compose: list[str]
    env: dict[str, str]
    fake_port: int
    timings: dict[str, float] = field(default_factory=dict)

    def __call__(self, *args: str, timeout: float = 300, check: bool = True):
        return run([*self.compose, *args], env=self.env, timeout=timeout, check=check)

    def container(self, service: str) -> str:
        return self("ps", "-q", service).stdout.strip()

    def health(self, service: str) -> str:
        container = self.container(service)
        if not container:
            return "absent"
        done = run(["docker", "inspect", "--format", "{{.State.Health.Status}}", container], check=False)
        return done.stdout.strip()

    def healthy(self, service: str, within: float) -> None:
        wait_until(f"{service} healthy", lambda: self.health(service) == "healthy", within)

    def once(self, text: str) -> str:
        done = self("run", "--rm", "-T", "-e", "DEFAULT_LANG=en", "bot", "python", "-m", "bot",
                    "--once", text, timeout=120)
        return done.stdout


class Engine:
    """A Docker engine that answers: the running one, or a dockerd started (and stopped) here."""

    def __init__(self) -> None:
        self.started: subprocess.Popen | None = None
        self.log = None

    def answers(self) -> bool:
        return run(["docker", "info", "--format", "{{.ServerVersion}}"], check=False,
                   timeout=30).returncode == 0

    def start(self) -> None:
        if shutil.which("docker") is None:
            unavailable("no `docker` command (Debian: apt-get install docker.io; `make docker-deps`)")
        if self.answers():
            return
        if shutil.which("dockerd") is None or os.geteuid() != 0:
            unavailable("no engine answers, and dockerd cannot be started here (needs dockerd and root)")
        # No default bridge and no iptables rules: every container here uses the host's network
        # or none, so the engine touches nothing of the host's network set-up.
        self.log = open(PROJECT_ROOT / ".pytest_cache" / "dockerd.log", "w")
        self.started = subprocess.Popen(["dockerd", "--bridge=none", "--iptables=false"],
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        try:
            wait_until("dockerd answering", lambda: self.started.poll() is not None or self.answers(), 60)
        except AssertionError:
            self.stop()
            unavailable("dockerd did not answer within 60 s (see .pytest_cache/dockerd.log)")
        if self.started.poll() is not None:
            tail = (PROJECT_ROOT / ".pytest_cache" / "dockerd.log").read_text()[-1500:]
            self.started = None
            unavailable(f"dockerd exited at start:\n{tail}")

    def stop(self) -> None:
        if self.started is None:
            return
        self.started.terminate()
        try:
            self.started.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.started.kill()
            self.started.wait()
        self.started = None
        self.log.close()


def compose_command() -> list[str]:
    if run(["docker", "compose", "version"], check=False).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    unavailable("neither `docker compose` nor docker-compose (Debian: apt-get install docker-compose)")
    raise AssertionError  # not reached


def image_exists(name: str) -> bool:
    return run(["docker", "image", "inspect", name], check=False).returncode == 0


def default_base() -> str:
    found = re.search(r"^ARG BASE=(\S+)$", (PROJECT_ROOT / "Dockerfile").read_text(), re.M)
    assert found, "the Dockerfile takes its base image as ARG BASE"
    return found.group(1)


@pytest.fixture(scope="module")
def deployment(request) -> Iterator[Deployment]:
    (PROJECT_ROOT / ".pytest_cache").mkdir(exist_ok=True)
    engine = Engine()
    engine.start()
    tag = f"{os.getpid()}-{int(time.time())}"
    made_images: list[str] = []
    made_env = False
    fake = None
    timings: dict[str, float] = {}
    deployment = None
    try:
        compose = compose_command()
        base = default_base()
        if not image_exists(base):
            if shutil.which("debootstrap") is None or os.geteuid() != 0:
                unavailable(f"{base} is absent and no stand-in can be built "
                            "(needs root and debootstrap: `make docker-deps`)")
            base = f"async-guru-test-base:{tag}"
            started = time.monotonic()
            run(["bash", str(STANDIN), base], timeout=600)
            timings["stand-in base (debootstrap + import)"] = time.monotonic() - started
            made_images.append(base)
        image = f"async-guru-test:{tag}"
        started = time.monotonic()
        run(["docker", "build", "--network", "host", "--build-arg", f"BASE={base}", "-t", image, "."],
            timeout=600)
        timings["image build"] = time.monotonic() - started
        made_images.append(image)

        env_file = PROJECT_ROOT / ".env"
        if not env_file.exists():  # a fresh clone: the documented first step (a real .env is kept)
            shutil.copy(PROJECT_ROOT / ".env.example", env_file)
            made_env = True
        fake_port = free_port()
        fake = subprocess.Popen([sys.executable, str(FAKE_TELEGRAM), "--port", str(fake_port)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert "fake Telegram Bot API" in fake.stdout.readline()
        env = dict(os.environ, ASYNC_GURU_IMAGE=image, ASYNC_GURU_FAKE_PORT=str(fake_port),
                   ASYNC_GURU_HEALTH_PORT=str(free_port()), COMPOSE_PROJECT_NAME=f"agtest{os.getpid()}")
        deployment = Deployment([*compose, "-f", "docker-compose.yml", "-f", str(OVERRIDE)], env,
                                fake_port, timings)
        started = time.monotonic()
        deployment("up", "-d", "sandbox")
        deployment.healthy("sandbox", within=90)
        timings["sandbox service up and healthy"] = time.monotonic() - started
        yield deployment
    finally:
        if deployment is not None:
            deployment("down", "--volumes", "--timeout", "10", check=False)
        if fake is not None:
            fake.terminate()
            fake.wait(timeout=10)
        if made_env:
            (PROJECT_ROOT / ".env").unlink()
        for image in reversed(made_images):
            run(["docker", "rmi", "--force", image], check=False)
        engine.stop()
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            for step, seconds in timings.items():
                print(f"\ndocker deployment: {step}: {seconds:.1f} s", end="")
            print()


def test_run_answers_with_the_real_output_inside_the_containers(deployment):
    """/run print(6*7) through the bot container and the sandbox service prints 42."""
    started = time.monotonic()
    out = deployment.once("/run print(6*7)")
    deployment.timings["/run via compose run"] = time.monotonic() - started
    assert "exit code 0" in out
    assert re.search(r"^\s*42\s*$", out, re.M), out


def test_demo_shows_its_measured_timings_inside_the_containers(deployment):
    """/demo sync-vs-async really waits: ~3 s one after another, ~1 s with gather, a timeline."""
    started = time.monotonic()
    out = deployment.once("/demo sync-vs-async")
    deployment.timings["/demo sync-vs-async via compose run"] = time.monotonic() - started
    sync = float(re.search(r"sync:\s+([0-9.]+) s", out).group(1))
    gather = float(re.search(r"gather:\s+([0-9.]+) s", out).group(1))
    assert 2.9 <= sync < 10 and 0.9 <= gather < 0.6 * sync, out
    assert "Timeline" in out


# Each process of a container as (uid, CapEff, CapBnd, NoNewPrivs, Seccomp, command), read by a
# probe started with `docker exec` (which leaves itself out: it runs with the container's
# start-up rights, not those of the processes it looks at).
PROCESSES = """
import os
for pid in filter(str.isdigit, os.listdir("/proc")):
    if int(pid) == os.getpid():
        continue
    try:
        status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
        command = open(f"/proc/{pid}/cmdline").read().replace(chr(0), " ").strip()
    except OSError:
        continue
    print(status["Uid"].split()[0], *(status[k].strip() for k in
          ("CapEff", "CapBnd", "NoNewPrivs", "Seccomp")), command[:60], sep="|")
"""


def processes(container: str) -> list[list[str]]:
    out = run(["docker", "exec", container, "python", "-c", PROCESSES]).stdout
    return [line.split("|") for line in out.splitlines()]


def test_no_process_in_the_sandbox_service_keeps_a_privilege(deployment):
    """After the entrypoint, every process (tini, the service, each bwrap and sandbox) runs as
    uid 10002 with no capability, an empty bounding set, no new privileges and seccomp on."""
    found = processes(deployment.container("sandbox"))
    assert any("bot.sandbox --listen" in p[5] for p in found) and any("bwrap" in p[5] for p in found)
    for uid, effective, bounding, nnp, seccomp, command in found:
        rights = (uid, int(effective, 16), int(bounding, 16), nnp, seccomp)
        assert rights == ("10002", 0, 0, "1", "2"), command


def _calls(port: int) -> list[dict]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_calls", timeout=5) as answer:
        return json.load(answer)


def test_bot_service_turns_healthy_and_answers_telegram(deployment):
    """`up -d bot` with Telegram at the fake server: the healthcheck turns healthy, a /run sent
    by a user is answered with its output, and both services stop cleanly (exit status 0)."""
    started = time.monotonic()
    deployment("up", "-d", "bot")
    deployment.healthy("bot", within=120)
    deployment.timings["bot service up and healthy"] = time.monotonic() - started
    assert deployment.health("sandbox") == "healthy"
    for uid, effective, _, nnp, seccomp, command in processes(deployment.container("bot")):
        assert (uid, int(effective, 16), nnp, seccomp) == ("10001", 0, "1", "2"), command

    push = urllib.request.Request(f"http://127.0.0.1:{deployment.fake_port}/_push",
                                  data=json.dumps({"text": "/run print(6*7)"}).encode(),
                                  headers={"Content-Type": "application/json"})
    urllib.request.urlopen(push, timeout=5).close()

    def answered() -> bool:
        return any(call["method"] in ("sendMessage", "editMessageText")
                   and "<pre>42</pre>" in str(call["params"].get("text", ""))
                   for call in _calls(deployment.fake_port))

    wait_until("the Telegram /run answered with 42", answered, within=30)

    containers = {service: deployment.container(service) for service in ("bot", "sandbox")}
    deployment("stop", "--timeout", "10")
    for service, container in containers.items():
        state = run(["docker", "inspect", "--format", "{{.State.ExitCode}}", container]).stdout.strip()
        assert state == "0", f"{service} exited with status {state}"
