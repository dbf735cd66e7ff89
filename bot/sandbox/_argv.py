"""The command line of one sandbox: setpriv (when root) -> bwrap -> prlimit -> python.

Why each piece (see docs/sandbox.md): bwrap is started with an EMPTY environment,
because a fresh /proc still shows the environ of the process that exec'd into the sandbox; as
host root RLIMIT_NPROC is never enforced, so the uid is dropped before bwrap; the process limit
is applied inside the user namespace (prlimit after bwrap), where it caps only this sandbox.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

from bot.sandbox._limits import MB, Config, Limits

INSIDE = Path(__file__).with_name("_inside.py")


class SetupError(Exception):
    """The sandbox cannot be built on this host; the message says why, for a person."""


def resolve(config: Config) -> tuple[str, str | None, Path, str]:
    """Absolute paths of bwrap, setpriv (None when not root), the interpreter and prlimit."""
    bwrap = shutil.which(config.bwrap)
    if not bwrap:
        raise SetupError(f"bubblewrap ({config.bwrap}) is not installed: apt-get install bubblewrap")
    setpriv = shutil.which(config.setpriv)
    if os.geteuid() == 0 and not setpriv:
        raise SetupError("running as root but setpriv is missing, so the uid cannot be dropped")
    python = Path(config.python)
    if not python.is_file() or not os.access(python, os.X_OK):
        raise SetupError(f"interpreter {python} not found (apt-get install python3)")
    prlimit = shutil.which(config.prlimit)
    if not prlimit:
        raise SetupError(f"prlimit ({config.prlimit}) is missing (util-linux)")
    return bwrap, setpriv, python, prlimit


def _system_binds() -> list[str]:
    """Read-only: the shared libraries and the standard library (all under /usr/lib on Debian),
    and the merged-/usr symlinks. Nothing else of the host is visible."""
    args: list[str] = []
    for d in ("/usr/lib", "/usr/lib64", "/usr/lib32"):
        if os.path.isdir(d):
            args += ["--ro-bind", d, d]
    for top in ("/lib", "/lib64"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    if os.path.exists("/etc/ld.so.cache"):
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return args


@cache
def inside_source() -> str:
    return INSIDE.read_text()


# Joins the sandboxes' cpu cgroup (idle beside the bot, _cgroup.py), then becomes the sandbox:
# everything after it (bwrap's setup, the interpreter's start) is born there. Silent if the
# group is gone: the run still goes.
JOIN_CGROUP = 'echo $$ 2>/dev/null >"$0"; exec "$@"'


def build(config: Config, limits: Limits, recfd: int, seccomp_fd: int | None = None,
          idle_cgroup: Path | None = None) -> list[str]:
    bwrap, setpriv, python, prlimit = resolve(config)
    real_python = os.path.realpath(python)
    argv: list[str] = []
    if idle_cgroup is not None:
        argv += ["/bin/sh", "-c", JOIN_CGROUP, str(idle_cgroup / "cgroup.procs")]
    if setpriv:
        # The parent-death signal makes bwrap die with the bot even if the bot is SIGKILLed
        # (bwrap's own --die-with-parent only ties the sandbox to bwrap).
        argv += [setpriv, "--pdeathsig", "KILL"]
        if os.geteuid() == 0:
            argv += [f"--reuid={config.uid}", f"--regid={config.uid}", "--clear-groups",
                     "--inh-caps=-all"]
        argv.append("--")
    argv += [bwrap, "--unshare-all", "--die-with-parent", "--new-session",
             "--hostname", "sandbox", "--clearenv", *_system_binds()]
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    for path in {str(python), real_python, prlimit}:
        if not path.startswith(("/usr/lib/", "/usr/lib64/")):
            argv += ["--ro-bind", path, path]
    argv += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(limits.tmp_mb * MB), "--tmpfs", "/tmp",
             "--size", str(limits.shm_mb * MB), "--tmpfs", "/dev/shm",
             "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/tmp", "--"]
    cpu = int(limits.cpu_s)
    argv += [prlimit, f"--nproc={limits.processes}", f"--as={limits.memory_mb * MB}",
             f"--cpu={cpu}:{cpu + 1}", f"--fsize={limits.file_mb * MB}",
             f"--nofile={limits.open_files}", "--core=0", "--"]
    argv += [str(python), "-I", "-S", "-u", "-c", inside_source(), str(recfd)]
    return argv
