# Everything a newcomer needs: `make scan LIBRARY=~/Movies` (or `make demo`) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: setup scan demo test test-long lint format stop bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

scan: setup ## make scan LIBRARY=/path/to/movies
	@test -n "$(LIBRARY)" || { echo "usage: make scan LIBRARY=/path/to/movies"; exit 2; }
	$(BIN)/python starter.py scan "$(LIBRARY)"

demo: setup ## generate a small sample library under data/ and scan it
	$(BIN)/python -m tests.library_builder data/demo-library
	$(BIN)/python starter.py scan data/demo-library --name "Demo movies"

test: setup ## the whole suite except the long variants (what CI runs)
	$(BIN)/python -m pytest -q -m "not slow" $(PYTEST_ARGS)

test-long: setup ## everything, long variants included
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup ## make bench DIRS=1000
	$(BIN)/python -m bench.scan_benchmark --directories $(or $(DIRS),1000)

stop: setup ## stop the embedded Temporal server and worker
	$(BIN)/python starter.py down

clean: stop
	rm -rf data
