# The two commands of the README: `make demo` (the main job on examples/) and `make test`.
# Each sets up what it needs on a fresh machine: a virtual environment in .venv with the project installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test browser clean

$(BIN)/copydesk: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[web,parquet,bench,spark,serve,dev]'
	touch $@

# The native core (Rust, built by maturin) where a Rust toolchain is present; without one, copydesk runs on
# its Python reference (`copydesk --version` says which core is in use).
NATIVE_SOURCES := native/Cargo.toml native/pyproject.toml $(wildcard native/src/*.rs)
$(VENV)/.native: $(BIN)/copydesk $(NATIVE_SOURCES)
	@if command -v cargo >/dev/null 2>&1; then \
	  $(BIN)/python -m pip install --quiet ./native && echo "native core built"; \
	else \
	  echo "no Rust toolchain (cargo): copydesk runs on its Python core"; \
	fi
	touch $@

demo: $(VENV)/.native
	$(BIN)/copydesk compare examples/wire.txt examples/ledger.txt
	mkdir -p out
	$(BIN)/copydesk compare examples/wire.txt examples/ledger.txt --format html -o out/wire-ledger.html
	$(BIN)/copydesk compare examples/wire.txt examples/weekly.txt --format json -o out/wire-weekly.json
	rm -f out/examples.db out/examples.db-wal out/examples.db-shm
	$(BIN)/copydesk add examples --db out/examples.db
	$(BIN)/copydesk find wire.txt --db out/examples.db
	$(BIN)/copydesk stories --db out/examples.db
	$(BIN)/copydesk story wire.txt --db out/examples.db
	$(BIN)/copydesk story wire.txt --db out/examples.db --format html -o out/story.html
	$(BIN)/copydesk export stories --db out/examples.db -o out/stories.csv
	$(BIN)/copydesk export dedup --db out/examples.db -o out/dedup.jsonl
	@echo "Serve the example index (web pages and API at http://127.0.0.1:8000/):  $(BIN)/copydesk serve --db out/examples.db"

# Debian's Chromium for the browser tests; they skip with a reason where it cannot be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: browser tests will be skipped"; }

test: $(VENV)/.native browser
	@if command -v cargo >/dev/null 2>&1; then \
	  cd native && cargo fmt --check && cargo clippy --quiet --all-targets --features python -- -D warnings && \
	  cargo test --quiet; \
	fi
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
