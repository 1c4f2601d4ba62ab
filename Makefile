# Agiler Team Portal — developer entry points. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The newest python3.x >= 3.11 on this machine (pyenv shims that cannot run are skipped).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1; then \
	echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 8765
PYTEST_ARGS ?=

.PHONY: help run test e2e lint format typecheck bench fault-run sandbox prod-check clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.11 or newer is required (none found on PATH)."; exit 1; fi
	@echo "Bootstrapping $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP) ## Migrate, seed the demo users and serve the portal + Agiler sandbox on http://127.0.0.1:8000
	@$(BIN)/python manage.py migrate --noinput
	@$(BIN)/python manage.py seed_demo
	@HOST=$(HOST) PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) PYTHON=$(BIN)/python bash scripts/run-demo.sh

test: $(STAMP) ## Run the whole test suite (browser tests are skipped, with a notice, without Chromium)
	@$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

e2e: $(STAMP) ## Run only the browser tests (needs Debian's chromium)
	@$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

lint: $(STAMP) ## ruff check, ruff format --check and mypy --strict on portal/
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy

format: $(STAMP) ## Apply ruff's fixes and formatting
	@$(BIN)/ruff check --fix .
	@$(BIN)/ruff format .

bench: $(STAMP) ## Run the benchmarks (results to paste into BENCHMARKS.md)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

fault-run: $(STAMP) ## The fault run (bench/fault_run.py): gunicorn on PostgreSQL under upstream faults
	@$(BIN)/python bench/fault_run.py $(FAULT_ARGS)

sandbox: $(STAMP) ## Serve only the Agiler sandbox on http://127.0.0.1:8765/v1
	@$(BIN)/python manage.py runsandbox --host $(HOST) --port $(SANDBOX_PORT)

prod-check: $(STAMP) ## Production-like stack (nginx, 2 gunicorn, PostgreSQL, Redis) + smoke journey (root)
	@PYTHON=$(BIN)/python bash scripts/prod.sh check

clean: ## Remove the virtualenv, the demo database and caches
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
