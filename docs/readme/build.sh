#!/usr/bin/env bash
# README.md is assembled from these parts (one per area, kept by whoever owns the area):
#   bash docs/readme/build.sh
set -euo pipefail
cd "$(dirname "$0")"
{ for part in [0-9][0-9]-*.md; do cat "$part"; echo; done; } | cat -s > ../../README.md
