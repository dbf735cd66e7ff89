"""A small seccomp deny-list, compiled to classic BPF here (no libseccomp needed) and handed to
bwrap with `--seccomp FD`. It closes what RLIMIT_AS does not see or what a snippet never needs:
memfd_create and SysV shared memory / message queues (memory outside the address-space limit),
ptrace and cross-process memory access, the kernel keyring, new namespaces and mounts, BPF,
userfaultfd, io_uring, perf and module loading. Denied calls fail with EPERM; a foreign
architecture (e.g. x32 on x86-64) is refused outright."""

from __future__ import annotations

import errno
import platform
import struct
from functools import cache

# struct seccomp_data: int nr; __u32 arch; ...
_NR, _ARCH = 0, 4
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
RET_KILL_PROCESS = 0x80000000
X32_SYSCALL_BIT = 0x40000000

DENIED = ("memfd_create", "shmget", "shmat", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl",
          "ptrace", "process_vm_readv", "process_vm_writev", "add_key", "request_key", "keyctl",
          "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "bpf", "userfaultfd",
          "perf_event_open", "io_uring_setup", "io_uring_enter", "io_uring_register",
          "kexec_load", "init_module", "finit_module", "delete_module", "acct", "personality",
          "open_by_handle_at")

_TABLES: dict[str, tuple[int, dict[str, int]]] = {
    "x86_64": (0xC000003E, {
        "memfd_create": 319, "shmget": 29, "shmat": 30, "shmctl": 31, "msgget": 68, "msgsnd": 69,
        "msgrcv": 70, "msgctl": 71, "ptrace": 101, "process_vm_readv": 310,
        "process_vm_writev": 311, "add_key": 248, "request_key": 249, "keyctl": 250,
        "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
        "chroot": 161, "bpf": 321, "userfaultfd": 323, "perf_event_open": 298,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "kexec_load": 246,
        "init_module": 175, "finit_module": 313, "delete_module": 176, "acct": 163,
        "personality": 135, "open_by_handle_at": 304}),
    "aarch64": (0xC00000B7, {
        "memfd_create": 279, "shmget": 194, "shmat": 196, "shmctl": 195, "msgget": 186,
        "msgsnd": 189, "msgrcv": 188, "msgctl": 187, "ptrace": 117, "process_vm_readv": 270,
        "process_vm_writev": 271, "add_key": 217, "request_key": 218, "keyctl": 219,
        "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51,
        "bpf": 280, "userfaultfd": 282, "perf_event_open": 241, "io_uring_setup": 425,
        "io_uring_enter": 426, "io_uring_register": 427, "kexec_load": 104, "init_module": 105,
        "finit_module": 273, "delete_module": 106, "acct": 89, "personality": 92,
        "open_by_handle_at": 265}),
}


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


@cache
def program(machine: str | None = None) -> bytes | None:
    """The filter for this machine, or None where no syscall table is known (no filter)."""
    machine = machine or platform.machine()
    if machine not in _TABLES:
        return None
    arch, numbers = _TABLES[machine]
    nrs = sorted(numbers[name] for name in DENIED)
    # Layout: [0] load arch, [1] arch check, [2] load nr, [3] x32 check (x86-64 only),
    # then one jeq per denied nr, then ALLOW, ERRNO, KILL.
    insns: list[bytes] = []
    x32 = machine == "x86_64"
    head = 4 if x32 else 3
    n = len(nrs)
    allow_at = head + n
    errno_at, kill_at = allow_at + 1, allow_at + 2
    insns.append(_insn(_LD_W_ABS, _ARCH))
    insns.append(_insn(_JEQ_K, arch, jt=0, jf=kill_at - 2))
    insns.append(_insn(_LD_W_ABS, _NR))
    if x32:
        insns.append(_insn(_JGE_K, X32_SYSCALL_BIT, jt=kill_at - 4, jf=0))
    for i, nr in enumerate(nrs):
        here = head + i
        insns.append(_insn(_JEQ_K, nr, jt=errno_at - here - 1, jf=0))
    insns.append(_insn(_RET_K, RET_ALLOW))
    insns.append(_insn(_RET_K, RET_ERRNO | errno.EPERM))
    insns.append(_insn(_RET_K, RET_KILL_PROCESS))
    return b"".join(insns)
