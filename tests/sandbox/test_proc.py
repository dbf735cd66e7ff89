"""Reading a sandbox's process tree from /proc: the memory watchdog's two measures."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from bot.core.ports.sandbox import MB
from bot.sandbox import _proc

# A parent that touches 64 MB, then forks 4 children that keep those pages shared and sleep.
FORKS = textwrap.dedent("""
    import os, sys, time
    block = bytearray(64 * 1024 * 1024)
    for i in range(0, len(block), 4096):
        block[i] = 1
    for _ in range(4):
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
    print("ready", flush=True)
    time.sleep(60)
""")


def test_pss_counts_pages_shared_by_forks_once():
    """RSS counts the 64 MB in the parent and again in each of 4 children (about 320 MB); PSS
    splits the shared pages between them (about 64 MB). The watchdog must not kill a run that
    forked a few workers for memory it does not use."""
    proc = subprocess.Popen([sys.executable, "-c", FORKS], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(0.2)  # the children are forked before "ready"; let them all be in /proc
        rss, count = _proc.tree_rss([proc.pid])[proc.pid]
        pss = _proc.tree_pss(proc.pid)
        assert count == 5
        assert rss > 300 * MB
        assert 60 * MB < pss < 150 * MB
    finally:
        subprocess.run(["pkill", "-KILL", "-P", str(proc.pid)], check=False)
        proc.kill()
        proc.wait()


def test_a_gone_process_has_no_pss_and_counts_nothing():
    assert _proc.tree_pss(2**22 + 12345) == 0
