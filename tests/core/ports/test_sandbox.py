"""The sandbox port's values: requests are checked when built, budgets capped by the host."""

from __future__ import annotations

import pytest

from bot.core.ports.sandbox import Budget, Limits, RunRequest


def test_a_budget_lowers_cpu_and_wall():
    """A budget below the host's limits is what the run gets."""
    limits = Limits(wall_s=5, cpu_s=10).for_budget(Budget(wall_s=1.5, cpu_s=2), max_wall_s=60)
    assert (limits.wall_s, limits.cpu_s) == (1.5, 2)


def test_a_budget_cannot_raise_cpu_past_the_host():
    """CPU time is capped by the host's own limit."""
    assert Limits(cpu_s=10).for_budget(Budget(cpu_s=99), max_wall_s=60).cpu_s == 10


def test_wall_time_may_rise_up_to_the_hosts_maximum_only():
    """A demo may ask for more wall time than a snippet gets, up to the host's maximum."""
    limits = Limits(wall_s=5)
    assert limits.for_budget(Budget(wall_s=20), max_wall_s=60).wall_s == 20
    assert limits.for_budget(Budget(wall_s=600), max_wall_s=60).wall_s == 60


def test_an_empty_budget_keeps_the_hosts_limits():
    """No budget: the host's limits, unchanged."""
    limits = Limits(wall_s=3, cpu_s=4)
    assert limits.for_budget(Budget(), max_wall_s=60) == limits


@pytest.mark.parametrize("name", ["../x.py", "a/b.py", ".hidden", "main.py", "", "x" * 65])
def test_an_extra_file_must_be_a_plain_name(name):
    """Paths, hidden files and the program's own name are refused when the request is built."""
    with pytest.raises(ValueError):
        RunRequest.of("pass", files={name: "x = 1"})


def test_extra_files_are_bounded():
    """Too much text in extra files is refused when the request is built."""
    with pytest.raises(ValueError):
        RunRequest.of("pass", files={"big.txt": "x" * (256 * 1024 + 1)})


@pytest.mark.parametrize("budget", [{"wall_s": 0}, {"wall_s": -1}, {"cpu_s": 0}])
def test_a_budget_is_positive(budget):
    """A zero or negative budget is a mistake, refused at once."""
    with pytest.raises(ValueError):
        Budget(**budget)


def test_files_are_kept_in_name_order():
    """Two requests with the same files are equal, whatever order the files came in."""
    one = RunRequest.of("pass", files={"b.py": "", "a.py": ""})
    two = RunRequest.of("pass", files={"a.py": "", "b.py": ""})
    assert one == two and [n for n, _ in one.files] == ["a.py", "b.py"]
