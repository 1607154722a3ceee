# dyad: every task a developer or CI runs. `make demo` and `make test` work alone on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SHARED ?= ../shared

.PHONY: setup demo test test-fast bench lint format docs score clean postgres

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

demo: setup
	@bash scripts/demo.sh

postgres: setup
	@bash scripts/postgres.sh start

test: setup
	@bash scripts/postgres.sh start
	@bash scripts/browser.sh
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: setup
	$(BIN)/python -m pytest -q -x -m "not slow and not postgres"

bench: setup
	@bash scripts/postgres.sh start
	$(BIN)/python bench/run.py

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/cog --check -I src docs/cli.md docs/exports.md

format: setup
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

docs: setup
	$(BIN)/cog -r -I src docs/cli.md docs/exports.md README.md

score: setup
	@bash scripts/score.sh $(SHARED)

clean:
	rm -rf $(VENV) .pg build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache demo.db
