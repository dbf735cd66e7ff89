# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
# Both create or refresh .venv when pyproject.toml changes, and are quick the second time.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

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

test: lint
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# Every benchmark module under bench/ (each prints a table and merges bench/results.json).
bench: $(STAMP)
	@for f in bench/[!_]*.py; do $(PY) -m bench.$$(basename $$f .py) || exit 1; done
