# locpipe: `make all` sets up and runs the whole pipeline on the sample site;
# `make test` sets up and runs the test suite.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
LOCPIPE := $(BIN)/locpipe

.PHONY: setup setup-test system system-test extract update translate check build all report test test-fast lint bench bench-md bench-pool bench-quality bench-update clean

setup: system $(VENV)/.installed

setup-test: system-test $(VENV)/.installed

system:
	@bash scripts/setup-system.sh

system-test:
	@bash scripts/setup-system.sh --test

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "setup: Python 3.11 or newer is required" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@

extract: setup
	$(LOCPIPE) extract

update: setup
	$(LOCPIPE) update

translate: setup
	$(LOCPIPE) translate

check: setup
	$(LOCPIPE) check

build: setup
	$(LOCPIPE) build

all: setup
	$(LOCPIPE) all

report: setup
	$(LOCPIPE) report

lint: setup
	$(BIN)/ruff check src tests fuzz bench
	$(BIN)/ruff format --check src tests fuzz bench
	$(BIN)/mypy

test: setup-test lint
	$(BIN)/pytest -q

test-fast: setup-test
	$(BIN)/pytest -q -m "not slow"

bench: setup
	$(BIN)/python bench/run.py
	$(MAKE) bench-md

# Markdown: locpipe against mdpo (md2po/po2md) on the real docs of a few sdists.
bench-md: setup
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python bench/md_compare.py

bench-pool: setup
	$(BIN)/python bench/pool.py

bench-quality: setup
	$(BIN)/python bench/quality.py

bench-update: setup
	$(BIN)/python bench/update_eval.py --tune

clean:
	rm -rf build .pytest_cache .ruff_cache
