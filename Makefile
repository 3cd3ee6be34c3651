# The two commands: `make workshop` serves the course, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WORKSHOP_ARGS ?=
PYTEST_ARGS ?=
# Test workers (pytest-xdist): one per core; TEST_WORKERS=0 runs the tests in this one process.
TEST_WORKERS ?= auto

HUB_PROXY := deploy/jupyterhub/node_modules/.smlkit-installed

.PHONY: workshop test lint format bench clean hub-proxy

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "The SML Workbook needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

## Serve the course on Voila at http://127.0.0.1:8866/ (pass options with WORKSHOP_ARGS="--host 0.0.0.0").
workshop: $(VENV)/.installed
	$(BIN)/smlkit workshop $(WORKSHOP_ARGS)

## JupyterHub's standard proxy for the Hub test and deploy/jupyterhub (npm's configurable-http-proxy).
$(HUB_PROXY): deploy/jupyterhub/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  { npm ci --prefix deploy/jupyterhub --no-audit --no-fund --loglevel=error && touch $@; } || \
	    echo "Could not install configurable-http-proxy; the JupyterHub test will say so."; \
	else echo "npm is not installed, so the JupyterHub test will be skipped (apt-get install npm)."; fi

hub-proxy: $(HUB_PROXY)

## Lint, then unit, notebook (nbval) and real-browser tests.
test: $(VENV)/.installed-test $(HUB_PROXY) lint
	$(BIN)/python -m pytest --nbval-lax --durations=25 -n $(TEST_WORKERS) tests notebooks exercises $(PYTEST_ARGS)

## ruff; the layers of docs/architecture.md (import-linter); types (mypy, strict).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check smlkit tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format smlkit tests bench
	$(BIN)/ruff check --fix smlkit tests bench

## Benchmarks print ratios against a baseline measured in the same run; they are not tests.
bench: $(VENV)/.installed-test
	$(BIN)/python bench/tti.py

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache deploy/jupyterhub/node_modules
