# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
# Both create or refresh .venv when pyproject.toml changes, and are quick the second time.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean sandbox-deps fonts

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed: installing Debian's python3-venv"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot

lint: $(STAMP)
	$(PY) -m bot.core.lint content/
	$(VENV)/bin/ruff check bot tests

test: lint sandbox-deps fonts
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
bench: $(STAMP) sandbox-deps fonts
	@for f in bench/[!_]*.py; do $(PY) -m bench.$$(basename $$f .py) || exit 1; done
