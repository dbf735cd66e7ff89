# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
# Both build .venv from the lock file (exact versions, hashes checked), rebuild it from scratch
# when the lock or pyproject.toml changes, and are quick the second time.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# requirements-dev.lock: runtime + dev tools (make test/run, CI); requirements.lock: runtime
# only, the same versions (the Docker image).
DEV_LOCK := requirements-dev.lock
RUN_LOCK := requirements.lock

.PHONY: run test lint bench clean sandbox-deps docker-deps postgres-deps fonts lock

$(STAMP): pyproject.toml $(DEV_LOCK)
	rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed: installing Debian's python3-venv"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --require-hashes -r $(DEV_LOCK)
	$(PY) -m pip install -q --no-deps -e .
	@# a dependency raised in pyproject.toml but not re-locked fails here, not at run time
	$(PY) -m pip check
	@touch $(STAMP)

# Refresh both locks after editing dependencies in pyproject.toml (keeps every pin that still
# fits; `make lock LOCK_FLAGS=--upgrade` moves everything to the newest allowed versions).
# Needs PyPI. The dev lock is resolved first and constrains the runtime one, so they agree.
LOCK_FLAGS ?=
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock' -q $(LOCK_FLAGS)
lock:
	@test -x $(VENV)/bin/uv || { $(PYTHON) -m venv $(VENV) && $(PY) -m pip install -q uv; }
	$(UV_COMPILE) --extra dev -o $(DEV_LOCK)
	$(UV_COMPILE) -c $(DEV_LOCK) -o $(RUN_LOCK)

run: $(STAMP)
	$(PY) -m bot

# The content lint runs code in the sandbox: its system packages come first.
lint: $(STAMP) sandbox-deps
	$(PY) -m bot.lint content/
	$(VENV)/bin/ruff check bot tests

test: sandbox-deps docker-deps postgres-deps fonts lint
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# /run and /demo need bubblewrap and Debian's python3 (the interpreter inside the sandbox).
# The sandbox tests fail (not skip) under CI=true when the sandbox cannot start.
sandbox-deps:
	@command -v bwrap >/dev/null 2>&1 && test -x /usr/bin/python3 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing bubblewrap and python3 for the sandbox"; \
	    apt-get update -qq && apt-get install -y -qq bubblewrap python3 >/dev/null; \
	  else echo "note: bubblewrap or /usr/bin/python3 missing: sandbox tests will skip (CI=true: fail)"; fi; }

# The Docker test (tests/deploy/test_docker.py) builds the image and runs docker-compose.yml with
# a real engine: Debian's docker.io (it starts dockerd itself when none runs), docker-compose, and
# debootstrap for a stand-in base image where python:3.11-slim-bookworm cannot be pulled.
# Without them it skips (CI=true: fails).
docker-deps:
	@command -v dockerd >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1 \
	  && { command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1; } || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing docker.io, docker-compose and debootstrap for the Docker test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      docker.io docker-compose debootstrap >/dev/null; \
	  else echo "note: docker.io, docker-compose or debootstrap missing: the Docker test will skip (CI=true: fail)"; fi; }

# The storage tests (and bench/storage_backends.py) start a throwaway PostgreSQL server from
# Debian's binaries; they fail (not skip) under CI=true when it cannot start.
postgres-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing postgresql for the storage tests"; \
	    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
	  else echo "note: PostgreSQL missing: its storage tests will skip (CI=true: fail)"; fi; }

# Pictures (bot/pictures) draw their text with DejaVu Sans loaded by path from Debian's package,
# so they look the same on every host. Without it a picture is skipped and the text is sent.
FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
fonts:
	@test -f $(FONT) || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing fonts-dejavu-core for the pictures"; \
	    apt-get update -qq && apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	  else echo "note: $(FONT) missing: picture tests will skip (CI=true: fail)"; fi; }

# Every benchmark module under bench/ (each prints a table and merges bench/results.json).
bench: $(STAMP) sandbox-deps postgres-deps fonts
	@for f in bench/[!_]*.py; do $(PY) -m bench.$$(basename $$f .py) || exit 1; done
