"""A real, throwaway PostgreSQL server for the tests and benchmarks: Debian's postgresql
binaries, a temporary data directory, a loopback port, started once and stopped at the end.

`initdb` and `pg_ctl` refuse to run as root, so as root they run as the `postgres` user (the
data directory is handed to it). For tests durability is off (fsync, synchronous commit):
the data is thrown away, and a test run should not wait for disks.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


class PgUnavailable(Exception):
    """No server could start here; the message says why."""


def binaries() -> Path | None:
    """The newest Debian PostgreSQL's bin folder, if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PgServer:
    bin: Path
    folder: Path
    port: int
    as_user: list[str]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    async def fresh_url(self) -> str:
        """A URL whose tables live in a schema of their own: a fresh database, cheaply."""
        import asyncpg

        schema = f"t_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute(f"CREATE SCHEMA {schema}")
        finally:
            await conn.close()
        return f"{self.url()}?search_path={schema}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=60,
                              check=False)

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w",
                  "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def start(*, durable: bool = False) -> PgServer:
    """Initialise and start a server; PgUnavailable when this host cannot. `durable` keeps
    PostgreSQL's defaults (every commit waits for the disk), as a benchmark should."""
    bin_dir = binaries()
    if bin_dir is None:
        raise PgUnavailable("PostgreSQL is not installed (/usr/lib/postgresql/*/bin): run"
                            " `make test` as root, or apt-get install postgresql")
    folder = Path(tempfile.mkdtemp(prefix="async-guru-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            raise PgUnavailable("running as root without runuser: cannot start PostgreSQL as"
                                " the postgres user")
        shutil.chown(folder, user="postgres")
        as_user = [runuser, "-u", "postgres", "--"]
    server = PgServer(bin_dir, folder, _free_port(), as_user)
    data = folder / "data"
    done = server._run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                       "--auth=trust", "--locale=C", "-E", "UTF8", "--no-sync")
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise PgUnavailable(f"initdb failed: {done.stderr.strip()[-500:]}")
    options = f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    done = server._run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                       "-l", str(folder / "server.log"), "-w", "-t", "60", "start")
    if done.returncode != 0:
        log = (folder / "server.log").read_text(errors="replace")[-800:] if (
            folder / "server.log").exists() else ""
        server.stop()
        raise PgUnavailable(f"PostgreSQL did not start: {done.stderr.strip()[-300:]} {log}")
    return server
