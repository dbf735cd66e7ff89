#!/bin/sh
# The sandbox service's container (docker-compose.yml) starts here as root with CAP_SYS_ADMIN,
# CAP_SETUID, CAP_SETGID and CAP_SETPCAP, for two steps that need them, before any code it serves:
# 1. A fresh /proc over the one Docker gave the container. Docker hides parts of its /proc
#    behind mounts (/proc/kcore, /proc/sys read-only, ...), and the kernel refuses a new proc
#    mount inside a user namespace (bubblewrap's --proc) while the only proc it can see is
#    partly hidden: "Can't mount proc on /newroot/proc: Operation not permitted". The hidden
#    files are the ones only root may write or read; nothing runs as root after step 2.
# 2. Drop to the `sandbox` user for good: no capabilities left (bounding set emptied, so none
#    can come back), no new privileges; bubblewrap then uses an unprivileged user namespace.
#    tini, as PID 1 from then on, forwards SIGTERM to the service and reaps a sandbox's init
#    left behind when its bwrap parent is killed.
set -eu
mount -t proc -o nosuid,nodev,noexec proc /proc
exec setpriv --reuid=sandbox --regid=sandbox --init-groups --inh-caps=-all --bounding-set=-all \
  --no-new-privs tini -- python -m bot.sandbox --listen "unix:/run/sandbox/sandbox.sock"
