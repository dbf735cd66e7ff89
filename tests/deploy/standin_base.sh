#!/usr/bin/env bash
# A stand-in for python:3.11-slim-bookworm when no registry can be reached: Debian bookworm
# (minbase) from the Debian mirror, imported as IMAGE. It gives the Dockerfile what it expects of
# the official image: a `python` command, pip that installs system-wide (no EXTERNALLY-MANAGED
# marker) and the host's CA bundle, so pip trusts what the host trusts.
# Usage: standin_base.sh IMAGE [MIRROR]   (as root; needs debootstrap and a running engine)
set -euo pipefail
image="$1"
mirror="${2:-http://deb.debian.org/debian}"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
# minbase + only what the official image has: Python 3.11 with pip, CA certificates.
debootstrap --variant=minbase --include=python3,python3-pip,python-is-python3,ca-certificates \
  bookworm "$root" "$mirror" >/dev/null
rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
# Like the official image: no apt lists, caches or docs to carry (the Dockerfile updates apt).
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*
tar -C "$root" -c . | docker import --change 'CMD ["python3"]' - "$image" >/dev/null
