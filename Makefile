# Everything a newcomer needs: `make scan LIBRARY=~/Movies` (or `make demo`) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The page's chart library (uPlot) from the npm registry, served as is: no build step. Reinstalled when the lock changes.
NODE_STAMP := node_modules/.installed-stamp
PYTEST_ARGS ?=
RECORD_ARGS ?=

.PHONY: setup scan demo test test-long test-faults-long record-histories lint format stop bench clean

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund
	@touch $(NODE_STAMP)

scan: setup ## make scan LIBRARY=/path/to/movies
	@test -n "$(LIBRARY)" || { echo "usage: make scan LIBRARY=/path/to/movies"; exit 2; }
	$(BIN)/python starter.py scan "$(LIBRARY)"

# The data dir every command uses: REELSCAN_DATA_DIR, else the user's data directory (~/.local/share/reelscan
# on Linux), whatever folder make runs in. Asked of the settings once, the first time a target needs it.
DATA_DIR = $(eval DATA_DIR := $(shell $(BIN)/python -c "from reelscan.settings import get_settings; print(get_settings().data_dir)"))$(DATA_DIR)

DEMO_TMDB_PORT ?= 8790
DEMO_MUSICBRAINZ_PORT ?= 8791

# Every scan of the demo gets both fakes' settings: the first one starts the embedded worker, which keeps them.
DEMO_TMDB := REELSCAN_TMDB_API_KEY=fake-tmdb-key REELSCAN_TMDB_BASE_URL=http://127.0.0.1:$(DEMO_TMDB_PORT)/3 \
	REELSCAN_MUSICBRAINZ_USER_AGENT="reelscan-demo/0.1 ( demo@localhost )" \
	REELSCAN_MUSICBRAINZ_BASE_URL=http://127.0.0.1:$(DEMO_MUSICBRAINZ_PORT)/ws/2 \
	REELSCAN_COVER_ART_BASE_URL=http://127.0.0.1:$(DEMO_MUSICBRAINZ_PORT)

demo: setup ## generate a small movie, TV and music library in the data dir and scan them, phase 4 against local fakes
	$(BIN)/python -m tests.library_builder "$(DATA_DIR)/demo-library" --tv "$(DATA_DIR)/demo-tv"
	$(BIN)/python -m tests.music_builder "$(DATA_DIR)/demo-music"
	@mkdir -p "$(DATA_DIR)/run"
	@$(BIN)/python -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $(DEMO_TMDB_PORT))) == 0)" \
		&& $(BIN)/python -m tests.fake_tmdb --port $(DEMO_TMDB_PORT) --library "$(DATA_DIR)/demo-library" \
			--tv-library "$(DATA_DIR)/demo-tv" --detach "$(DATA_DIR)/run/fake-tmdb.json" && sleep 2 || true
	@$(BIN)/python -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $(DEMO_MUSICBRAINZ_PORT))) == 0)" \
		&& $(BIN)/python -m tests.fake_musicbrainz --port $(DEMO_MUSICBRAINZ_PORT) --library "$(DATA_DIR)/demo-music" \
			--detach "$(DATA_DIR)/run/fake-musicbrainz.json" && sleep 2 || true
	$(DEMO_TMDB) $(BIN)/python starter.py scan "$(DATA_DIR)/demo-library" --name "Demo movies"
	$(DEMO_TMDB) $(BIN)/python starter.py scan "$(DATA_DIR)/demo-tv" --type tv --name "Demo series"
	$(DEMO_TMDB) $(BIN)/python starter.py scan "$(DATA_DIR)/demo-music" --type music --name "Demo music"

# Two test processes (pytest-xdist): most of a test's time is spent waiting on Temporal and the database. An idle
# process takes queued tests from the busy one (worksteal), and the longest tests are queued first. TEST_WORKERS=0:
# one process.
TEST_WORKERS ?= 2
XDIST = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist worksteal)

test: setup ## the whole suite except the long variants (what CI runs)
	$(BIN)/python -m pytest -q -rs -m "not slow" $(XDIST) $(PYTEST_ARGS)

test-long: setup ## everything, long variants included
	$(BIN)/python -m pytest -q -rs $(XDIST) $(PYTEST_ARGS)

test-faults-long: setup ## the fault suite on about 1,000 directories per scan
	REELSCAN_FAULT_DIRECTORIES=1000 $(BIN)/python -m pytest -q tests/faults $(PYTEST_ARGS)

record-histories: setup ## record the workflow histories tests/unit/test_replay.py replays (after a deliberate workflow change)
	$(BIN)/python -m tests.replay.record $(RECORD_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The scan benchmark (bench/scan_benchmark.py): lean script, bare scan with its per-folder split, the pipeline on
# SQLite, on PostgreSQL (BENCH_DATABASE_URL; left out with a note when unreachable, or set it empty) and through a
# FUSE passthrough adding BENCH_NAS_LATENCY_MS to every file-system operation (0 leaves it out; without FUSE it is
# left out with a note). A quicker look: make bench BENCH_FOLDERS=2000.
BENCH_FOLDERS ?= $(or $(DIRS),10000)
BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
BENCH_NAS_LATENCY_MS ?= 2
BENCH_ARGS ?=

bench: setup ## make bench (10,000 folders), make bench BENCH_FOLDERS=2000 for a quicker run
	$(BIN)/python -m bench.scan_benchmark --directories $(BENCH_FOLDERS) \
		$(if $(BENCH_DATABASE_URL),--database-url "$(BENCH_DATABASE_URL)") \
		--nas-latency-ms $(BENCH_NAS_LATENCY_MS) $(BENCH_ARGS)

stop: setup ## stop the embedded Temporal server, worker, API (and the demo's fake TMDB and MusicBrainz) of the data dir
	$(BIN)/python starter.py down
	@for fake in fake-tmdb fake-musicbrainz; do \
		test -f "$(DATA_DIR)/run/$$fake.json" && kill $$($(BIN)/python -c "import json,sys; print(json.load(open(sys.argv[1]))['pid'])" "$(DATA_DIR)/run/$$fake.json") 2>/dev/null; \
		rm -f "$(DATA_DIR)/run/$$fake.json"; \
	done; true

clean: stop ## delete the data dir: database, cache, logs, Temporal history and the demo libraries
	@test -n "$(DATA_DIR)" && test "$(DATA_DIR)" != "/"
	rm -rf "$(DATA_DIR)"
