"""RemoteSandbox against real sandbox services (`python -m bot.sandbox` subprocesses on loopback
and unix sockets): the same results, limits, queue and refusals as the local sandbox, spread
over services and failed over, and closed (never local) when no service can run the code."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.core.app import Core
from bot.core.monitor import SandboxLoad
from bot.core.ports.sandbox import (
    Busy,
    CoolingDown,
    Ending,
    Limits,
    Queued,
    RunRequest,
    RunResult,
    Unavailable,
)
from bot.sandbox import Sandbox, _wire
from tests.conftest import cmd
from tests.sandbox.fixtures import require, test_config
from tests.sandbox.service import remote, sandbox_service, service_env

TASKS = textwrap.dedent("""
    import asyncio

    async def worker(name, delay):
        await asyncio.sleep(delay)
        print(name, "done")

    async def main():
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("a", 0.05), name="a")
            tg.create_task(worker("b", 0.1), name="b")

    asyncio.run(main())
""")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def events(sandbox, request: RunRequest, **kw) -> list[Queued | RunResult]:
    return [event async for event in sandbox.submit(request, **kw)]


async def test_output_timeline_and_limits_match_the_local_sandbox(tmp_path: Path):
    """A program with tasks gives the same output, ending, task timeline and limits through the
    service as in a local sandbox with the same settings."""
    async with Sandbox.open(test_config()) as local:
        require(local)
        here = await local.run(TASKS)
    async with sandbox_service("127.0.0.1:0", tmp_path) as service, remote(service.address) as sb:
        service.require()
        assert sb.available
        there = await sb.run(TASKS)
    assert there.ok and there.output == here.output == "a done\nb done\n"
    assert (there.ending, there.exit_code, there.signal) == (here.ending, here.exit_code, here.signal)
    assert there.limits == here.limits == Limits(wall_s=3.0)
    assert {r.name for r in there.timeline.steps} == {r.name for r in here.timeline.steps}
    assert there.timeline.has_tasks() and there.timeline.exit_status == 0


async def test_extra_files_and_a_budget_reach_the_service(tmp_path: Path):
    """Extra files are importable and readable beside the program; a budget lowers the limits,
    and what it asks above the service's own limits is capped there."""
    async with sandbox_service("127.0.0.1:0", tmp_path) as service, remote(service.address) as sb:
        service.require()
        files = await sb.run(RunRequest.of(
            "import helper\nprint(helper.X, open('data.txt').read())",
            files={"helper.py": "X = 42\n", "data.txt": "hello"}))
        short = await sb.run(RunRequest.of("import time\ntime.sleep(30)", wall_s=1, cpu_s=2))
        greedy = await sb.run(RunRequest.of("print('ok')", wall_s=999, cpu_s=999))
    assert files.ok and files.output == "42 hello\n"
    assert short.ending is Ending.TIME and short.wall_s < 2.5
    assert (short.limits.wall_s, short.limits.cpu_s) == (1, 2)
    assert greedy.ok and greedy.limits.cpu_s == 10  # the service's SANDBOX__CPU_S
    assert greedy.limits.wall_s == 60.0  # the longest wall time a budget may ask for there


async def test_the_queue_position_comes_before_the_result_and_a_full_queue_is_busy(tmp_path: Path):
    """With one slot and a queue of two, the waiting runs learn their positions first, and a
    fourth run is refused as Busy with a retry time."""
    slow = RunRequest.of("import time\ntime.sleep(1)\nprint('slept')")
    async with (sandbox_service("127.0.0.1:0", tmp_path, SANDBOX__CONCURRENCY="1",
                                SANDBOX__QUEUE="2") as service,
                remote(service.address) as sb):
        service.require()
        first = asyncio.create_task(events(sb, slow))
        await asyncio.sleep(0.5)  # the first one holds the slot
        second = asyncio.create_task(events(sb, slow))
        await asyncio.sleep(0.2)
        third = asyncio.create_task(events(sb, slow))
        await asyncio.sleep(0.2)
        with pytest.raises(Busy) as busy:
            await events(sb, slow)
        runs = [await first, await second, await third]
    assert busy.value.retry_after >= 1
    assert [type(e) for e in runs[0]] == [RunResult]
    assert runs[1][0] == Queued(1) and runs[2][0] == Queued(2)
    assert all(run[-1].output == "slept\n" for run in runs)


async def test_a_wrong_token_turns_running_code_off_with_a_reason(tmp_path: Path):
    """A service with another token refuses us: unavailable, the bot's reply says why, and the
    code does not run in the bot instead (a local sandbox could run it on this host)."""
    async with (sandbox_service("127.0.0.1:0", tmp_path, SANDBOX__TOKEN="right-token") as service,
                remote(service.address, token="wrong-token") as sb):
        service.require()
        assert not sb.available and "SANDBOX__TOKEN" in sb.reason
        with pytest.raises(Unavailable, match="token"):
            await sb.run("print(1)")
        bot = await asyncio.to_thread(run_bot, RAN, tmp_path,
                                      SANDBOX__URL=service.address, SANDBOX__TOKEN="wrong-token")
    said = "".join(bot.stdout.split())  # the console wraps long lines
    assert "SANDBOX__TOKEN" in said and MARK not in said, bot.stderr


async def test_the_right_token_runs(tmp_path: Path):
    async with (sandbox_service("127.0.0.1:0", tmp_path, SANDBOX__TOKEN="right-token") as service,
                remote(service.address, token="right-token") as sb):
        service.require()
        assert (await sb.run("print(6 * 7)")).output == "42\n"


async def test_an_unreachable_service_turns_running_code_off(tmp_path: Path):
    """Nothing listening (a closed port, a missing socket): unavailable with the addresses in
    the reason; the bot's /run says so."""
    urls = (f"http://127.0.0.1:{closed_port()}", f"unix:{tmp_path / 'none.sock'}")
    async with remote(*urls, connect_timeout_s=1.0) as sb:
        assert not sb.available
        assert all(url in sb.reason for url in urls)
        assert sb.load().capacity == 0
        with pytest.raises(Unavailable):
            await sb.run("print(1)")
    bot = await asyncio.to_thread(run_bot, RAN, tmp_path, SANDBOX__URL=",".join(urls))
    said = "".join(bot.stdout.split())
    assert all(url in said for url in urls) and MARK not in said, bot.stderr


async def test_a_service_that_goes_away_turns_code_off_and_back_on(tmp_path: Path):
    """While its service is down a run is unavailable (not queued, not local); started again on
    the same socket, the next poll turns running code back on."""
    sock = f"unix:{tmp_path / 'sb.sock'}"
    async with remote(sock, poll_s=0.2) as sb:
        assert not sb.available
        async with sandbox_service(sock, tmp_path) as service:
            service.require()
            for _ in range(50):
                if sb.available:
                    break
                await asyncio.sleep(0.1)
            assert (await sb.run("print('up')")).output == "up\n"
        with pytest.raises(Unavailable):
            await sb.run("print('down')")


async def test_runs_fail_over_from_a_dead_service(tmp_path: Path):
    """With one of two services dead, every run is served by the live one."""
    dead = f"http://127.0.0.1:{closed_port()}"
    async with sandbox_service("127.0.0.1:0", tmp_path) as service, remote(dead, service.address) as sb:
        service.require()
        assert sb.available
        results = [await sb.run(f"print({i})") for i in range(4)]
    assert [r.output for r in results] == [f"{i}\n" for i in range(4)]


async def test_a_run_whose_answer_is_cut_short_is_unavailable_not_a_hang(tmp_path: Path):
    """A service that accepts a run and dies half-way through its answer: the run is unavailable
    at once, with a reason, and is not run again elsewhere."""
    health = _wire.encode(_wire.Health(available=True, reason=None, load=SandboxLoad(0, 0, 1),
                                       limits=Limits(), max_wall_s=60.0))
    runs = 0

    async def half_a_service(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal runs
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if head.startswith(b"GET /load "):
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(health), health))
                    continue
                await reader.readexactly(int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]))
                runs += 1
                writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n{"result": {"out')
                await writer.drain()
                break
        finally:
            writer.close()

    sock = tmp_path / "half.sock"
    listening = await asyncio.start_unix_server(half_a_service, str(sock))
    try:
        async with remote(f"unix:{sock}") as sb:
            assert sb.available
            async with asyncio.timeout(5):
                with pytest.raises(Unavailable, match="closed the connection"):
                    await sb.run("print(1)")
    finally:
        listening.close()
    assert runs == 1


async def test_runs_are_spread_over_two_services(tmp_path: Path):
    """Two services of one slot each run two runs at once: neither run waits in a queue, and the
    load shown for /inside adds both up."""
    slow = RunRequest.of("import time\ntime.sleep(1)\nprint('ok')")
    one_slot = {"SANDBOX__CONCURRENCY": "1"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    async with (sandbox_service("127.0.0.1:0", tmp_path / "a", **one_slot) as a,
                sandbox_service(f"unix:{tmp_path / 'b.sock'}", tmp_path / "b", **one_slot) as b,
                remote(a.address, b.address) as sb):
        a.require()
        b.require()
        assert sb.load().capacity == 2
        runs = await asyncio.gather(events(sb, slow), events(sb, slow))
    assert [[type(e) for e in run] for run in runs] == [[RunResult], [RunResult]]


async def test_the_cooldown_is_kept_by_the_bot(tmp_path: Path):
    """A user's second run within the cooldown is refused before it reaches a service; another
    user, or no user (the console), runs."""
    async with sandbox_service("127.0.0.1:0", tmp_path) as service, \
            remote(service.address, cooldown_s=30.0) as sb:
        service.require()
        await events(sb, RunRequest.of("print(1)"), user_key="alice")
        with pytest.raises(CoolingDown) as cooling:
            await events(sb, RunRequest.of("print(2)"), user_key="alice")
        assert 1 <= cooling.value.retry_after <= 30
        assert (await events(sb, RunRequest.of("print(3)"), user_key="bob"))[-1].output == "3\n"
        assert (await sb.run("print(4)")).output == "4\n"


async def test_a_run_refused_everywhere_starts_no_cooldown(tmp_path: Path):
    """Nothing ran, so nothing to cool down from: the user may try again at once."""
    async with remote(f"http://127.0.0.1:{closed_port()}", cooldown_s=30.0) as sb:
        sb.reason = None  # as if the last poll had found it up
        for _ in range(2):
            with pytest.raises(Unavailable):
                await events(sb, RunRequest.of("print(1)"), user_key="alice")


# What the program prints, which neither its own text nor a temporary path can contain ("42"
# alone was found in pytest's folder name, pytest-342).
RAN = '/run print("ran", 6 * 7, sep="-")'
MARK = "ran-42"


def run_bot(text: str, tmp_path: Path, **settings: str) -> subprocess.CompletedProcess:
    """`python -m bot --once TEXT` with these sandbox settings (and none of the developer's)."""
    env = service_env(STORAGE__PATH=str(tmp_path / "db.sqlite3"), DEFAULT_LANG="en", **settings)
    return subprocess.run([sys.executable, "-m", "bot", "--once", text], cwd=tmp_path, env=env,
                          text=True, capture_output=True, timeout=60)


async def test_the_bot_runs_code_on_the_service_its_url_names(tmp_path: Path):
    """`python -m bot` with SANDBOX__URL sends /run to that service; with the service gone it
    says running code is off, although a local sandbox could run it here: never a fallback."""
    sock = f"unix:{tmp_path / 'sb.sock'}"
    async with sandbox_service(sock, tmp_path, SANDBOX__TOKEN="t0ken") as service:
        service.require()
        ran = await asyncio.to_thread(run_bot, RAN, tmp_path,
                                      SANDBOX__URL=sock, SANDBOX__TOKEN="t0ken")
    gone = await asyncio.to_thread(run_bot, RAN, tmp_path,
                                   SANDBOX__URL=sock, SANDBOX__TOKEN="t0ken")
    assert ran.returncode == 0 and MARK in ran.stdout, ran.stderr
    assert gone.returncode == 0 and MARK not in gone.stdout
    said = "".join(gone.stdout.split())  # the console wraps long lines (at hyphens, too)
    assert "Runningcodeisunavailable" in said and sock in said


async def test_a_users_second_run_during_the_first_is_cooling_down(tmp_path: Path):
    """The cooldown starts when a run is sent, not when its answer comes: a second run of the
    same user while the first one runs is refused, as the local sandbox refuses it."""
    async with sandbox_service("127.0.0.1:0", tmp_path) as service, \
            remote(service.address, cooldown_s=30.0) as sb:
        service.require()
        first = asyncio.create_task(events(sb, RunRequest.of("import time\ntime.sleep(1)"), user_key="alice"))
        await asyncio.sleep(0.3)
        with pytest.raises(CoolingDown):
            await events(sb, RunRequest.of("print(2)"), user_key="alice")
        assert (await first)[-1].ok


async def test_inside_shows_the_services_load(tmp_path: Path, core: Core):
    """/inside shows what the services report: a run executing on one of two one-slot services
    is 1 of 2, as of the last poll."""
    one_slot = {"SANDBOX__CONCURRENCY": "1"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    async with (sandbox_service("127.0.0.1:0", tmp_path / "a", **one_slot) as a,
                sandbox_service("127.0.0.1:0", tmp_path / "b", **one_slot) as b,
                remote(a.address, b.address, poll_s=0.2) as sb):
        a.require()
        b.require()
        core.runtime.register_sandbox(sb)
        running = asyncio.create_task(sb.run("import time\ntime.sleep(2)"))
        await asyncio.sleep(1.0)  # started, and polled since
        reply = await core.handle(cmd("/inside"))
        await running
    assert "1/2 runs chal rahe, 0 queue mein" in reply.plain()  # the default language
