"""A request's extra files and budget reach the sandbox and really hold there."""

from __future__ import annotations

from bot.sandbox import Ending, Limits, RunRequest, Sandbox
from tests.sandbox.fixtures import require, test_config

HELPER = "def greet(name):\n    return f'hello {name}'\n"


async def test_a_program_imports_a_module_passed_as_an_extra_file(sandbox: Sandbox):
    """An extra file `helper.py` is written beside the program and imports as `helper`."""
    request = RunRequest.of("import helper\nprint(helper.greet('guru'))\n",
                            files={"helper.py": HELPER})
    result = await sandbox.run(request)
    assert result.ok, result.output
    assert result.output == "hello guru\n"


async def test_a_program_reads_a_data_file_by_name(sandbox: Sandbox):
    """Any extra file is there to open by its plain name, text as given."""
    request = RunRequest.of("print(open('input.txt').read().upper(), end='')",
                            files={"input.txt": "line one\nline two\n"})
    result = await sandbox.run(request)
    assert result.output == "LINE ONE\nLINE TWO\n", result.output


async def test_without_extra_files_the_program_folder_is_not_importable(sandbox: Sandbox):
    """A bare program runs as before: nothing of its own folder is on the import path."""
    result = await sandbox.run("import sys\nprint('/tmp' in sys.path)")
    assert result.output == "False\n"


async def test_a_cpu_budget_below_the_host_limit_stops_a_spin_loop():
    """A spin loop with a 1 s CPU budget (host: 8 s) ends by the CPU limit, and says so."""
    async with Sandbox.open(test_config(limits=Limits(wall_s=20, cpu_s=8))) as sb:
        require(sb)
        result = await sb.run(RunRequest.of("while True:\n    pass\n", cpu_s=1))
    assert result.ending is Ending.CPU, (result.ending, result.output)
    assert result.limits.cpu_s == 1 and result.limits.wall_s == 20
    assert result.wall_s < 8


async def test_a_wall_budget_below_the_host_limit_stops_a_spin_loop():
    """A spin loop with a 1 s wall budget (host: 20 s) is stopped by the wall clock."""
    async with Sandbox.open(test_config(limits=Limits(wall_s=20, cpu_s=8))) as sb:
        require(sb)
        result = await sb.run(RunRequest.of("while True:\n    pass\n", wall_s=1))
    assert result.ending is Ending.TIME, (result.ending, result.output)
    assert result.limits.wall_s == 1
    assert result.wall_s < 5


async def test_a_budget_above_the_host_cpu_limit_is_capped(sandbox: Sandbox):
    """Asking for more CPU time than the host allows gets the host's limit, not more."""
    host = sandbox.config.limits
    result = await sandbox.run(RunRequest.of("print(1)", cpu_s=host.cpu_s + 100))
    assert result.ok and result.limits.cpu_s == host.cpu_s
