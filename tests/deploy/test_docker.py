"""The documented Docker deployment, with a real engine: the image builds from this checkout, and
docker-compose.yml's own settings (plus tests/deploy/compose.test.yml: the test's image, host
networking for the bot, the fake Telegram server) run /run and /demo in the sandbox service,
the bot service turns healthy and answers a Telegram /run, and the `fleet` profile (PostgreSQL
and two bot processes on Telegram webhooks) turns healthy and answers on both webhooks.

Starts dockerd when none answers (and stops it afterwards); builds a stand-in for the base image
with debootstrap when the Dockerfile's base is not present (no registry is reachable here), and
one for the PostgreSQL image from it (tests/deploy/standin_postgres).
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
import tempfile
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
STANDIN_POSTGRES = HERE / "standin_postgres"
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
    base: str  # the image the bot's image is built on (the official one or the stand-in)
    timings: dict[str, float] = field(default_factory=dict)
    made_images: list[str] = field(default_factory=list)  # removed at the end

    def __call__(self, *args: str, timeout: float = 300, check: bool = True):
        return run([*self.compose, *args], env=self.env, timeout=timeout, check=check)

    def with_file(self, path: Path) -> Deployment:
        """The same deployment from another copy of docker-compose.yml."""
        compose = [str(path) if part == "docker-compose.yml" else part for part in self.compose]
        return Deployment(compose, self.env, self.fake_port, self.base, self.timings, self.made_images)

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
                   ASYNC_GURU_HEALTH_PORT=str(free_port()), COMPOSE_PROJECT_NAME=f"agtest{os.getpid()}",
                   POSTGRES_PASSWORD=f"test{tag.replace('-', '')}", ASYNC_GURU_PG_PORT=str(free_port()),
                   ASYNC_GURU_POSTGRES_IMAGE=f"async-guru-test-postgres:{tag}",
                   **{f"ASYNC_GURU_{kind}_PORT_{n}": str(free_port())
                      for kind in ("WEBHOOK", "HEALTH") for n in (1, 2)})
        deployment = Deployment([*compose, "-f", "docker-compose.yml", "-f", str(OVERRIDE)], env,
                                fake_port, base, timings, made_images)
        started = time.monotonic()
        deployment("up", "-d", "sandbox")
        deployment.healthy("sandbox", within=90)
        timings["sandbox service up and healthy"] = time.monotonic() - started
        yield deployment
    finally:
        if deployment is not None:
            deployment("--profile", "fleet", "down", "--volumes", "--timeout", "10", check=False)
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


def _post(port: int, path: str, body: dict) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def test_fleet_profile_runs_two_webhook_bots_on_postgresql(deployment):
    """`--profile fleet up -d bot-1 bot-2`: PostgreSQL and both bots turn healthy, a /term sent to
    each process's webhook is answered in its chat, and every service stops cleanly."""
    official = "postgres:16-bookworm"
    assert f"image: {official}" in (PROJECT_ROOT / "docker-compose.yml").read_text()
    postgres = deployment.env["ASYNC_GURU_POSTGRES_IMAGE"]
    if image_exists(official):
        run(["docker", "tag", official, postgres])
    else:
        started = time.monotonic()
        run(["docker", "build", "--network", "host", "--build-arg", f"BASE={deployment.base}",
             "-t", postgres, str(STANDIN_POSTGRES)], timeout=600)
        deployment.timings["stand-in postgres image build"] = time.monotonic() - started
    deployment.made_images.append(postgres)

    # The override puts every service on the host's network, where Docker publishes no port, and
    # compose cannot drop a list entry from an override: so the fleet runs from a copy of the
    # shipped file without the bots' two `ports:` blocks (beside it, so its relative paths hold),
    # and the test reaches each webhook on the loopback port the override gives it instead.
    shipped = (PROJECT_ROOT / "docker-compose.yml").read_text()
    unpublished, removed = re.subn(r"^    ports:\n(?:      - .*\n)+", "", shipped, flags=re.M)
    assert removed == 2, "docker-compose.yml publishes ports for bot-1 and bot-2 only"
    with tempfile.NamedTemporaryFile("w", dir=PROJECT_ROOT, prefix=".fleet-test-", suffix=".yml") as copy:
        copy.write(unpublished)
        copy.flush()
        _fleet_answers_on_both_webhooks(deployment.with_file(Path(copy.name)))


def _fleet_answers_on_both_webhooks(deployment: Deployment) -> None:
    started = time.monotonic()
    deployment("--profile", "fleet", "up", "-d", "bot-1", "bot-2", timeout=300)
    for service in ("bot-1", "bot-2"):
        deployment.healthy(service, within=120)
    deployment.timings["fleet: postgres, bot-1, bot-2 up and healthy"] = time.monotonic() - started
    assert deployment.health("postgres") == "healthy"
    running = deployment("--profile", "fleet", "ps", "--services", "--filter", "status=running").stdout
    # Naming the fleet's bots starts no third process (`bot`, on SQLite).
    assert sorted(running.split()) == ["bot-1", "bot-2", "postgres", "sandbox"], running
    # The bots keep their data in PostgreSQL: the first to start made the tables there.
    tables = run(["docker", "exec", deployment.container("postgres"), "psql", "-U", "async_guru",
                  "-d", "async_guru", "-tAc",
                  "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"])
    assert int(tables.stdout) > 0, tables.stdout

    started = time.monotonic()
    chats = {"bot-1": 101, "bot-2": 102}
    for service, chat in chats.items():
        n = service[-1]
        url = f"http://127.0.0.1:{deployment.env[f'ASYNC_GURU_WEBHOOK_PORT_{n}']}/telegram"
        answer = _post(deployment.fake_port, "/_push", {"text": "/term await", "chat_id": chat, "url": url})
        assert answer["status"] == 200, f"{service}'s webhook answered {answer['status']}"

    def answered(chat: int) -> bool:
        return any(call["method"] == "sendMessage" and str(call["params"].get("chat_id")) == str(chat)
                   and "await" in str(call["params"].get("text", ""))
                   for call in _calls(deployment.fake_port))

    for service, chat in chats.items():
        wait_until(f"{service} answered /term await", lambda chat=chat: answered(chat), within=30)
    deployment.timings["fleet: /term await answered by both"] = time.monotonic() - started

    containers = {service: deployment.container(service)
                  for service in ("bot-1", "bot-2", "postgres", "sandbox")}
    started = time.monotonic()
    deployment("--profile", "fleet", "stop", "--timeout", "30")
    deployment.timings["fleet: stop"] = time.monotonic() - started
    for service, container in containers.items():
        state = run(["docker", "inspect", "--format", "{{.State.ExitCode}}", container]).stdout.strip()
        assert state == "0", f"{service} exited with status {state}"
