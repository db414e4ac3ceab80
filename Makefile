# The two commands of the README: `make serve` and `make test`. Set-up is idempotent: each step
# leaves a stamp and is skipped while its inputs are unchanged.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export MPLCONFIGDIR ?= $(CURDIR)/instance/.mplconfig
CHROMIUM := /usr/bin/chromium
# Students of bench/class_rush.py in `make bench`; its goal is 300 (`make bench RUSH_STUDENTS=300`
# fills 300 variants per template first: about ten minutes of one worker on 2 cores).
RUSH_STUDENTS ?= 60

.PHONY: serve test setup lint format bench check-content clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch==2.13.0 is pinned in pyproject.toml: pip takes the CPU wheel that lies on this disk.
$(VENV)/.stamp-install: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

$(VENV)/.stamp-chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	touch $@

setup: $(VENV)/.stamp-install
	@mkdir -p instance $(MPLCONFIGDIR)

serve: setup
	$(BIN)/quizsvc db upgrade
	$(BIN)/quizsvc serve --with-worker

# The suite runs on SQLite always, and on PostgreSQL and Redis too when they answer on this
# machine (the test database `test`, Redis database 0) unless QUIZSVC_TEST_*_URL say otherwise.
TEST_POSTGRES_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test
TEST_REDIS_URL := redis://127.0.0.1:6379/0

test: setup $(VENV)/.stamp-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	@if [ -z "$${QUIZSVC_TEST_POSTGRES_URL+set}" ] && $(BIN)/python -c "import psycopg; psycopg.connect('$(TEST_POSTGRES_URL)'.replace('+psycopg', ''), connect_timeout=2).close()" 2>/dev/null; then \
		export QUIZSVC_TEST_POSTGRES_URL='$(TEST_POSTGRES_URL)'; fi; \
	if [ -z "$${QUIZSVC_TEST_REDIS_URL+set}" ] && $(BIN)/python -c "import redis; redis.Redis.from_url('$(TEST_REDIS_URL)', socket_timeout=2).ping()" 2>/dev/null; then \
		export QUIZSVC_TEST_REDIS_URL='$(TEST_REDIS_URL)'; fi; \
	echo "databases: SQLite$${QUIZSVC_TEST_POSTGRES_URL:+, PostgreSQL}$${QUIZSVC_TEST_REDIS_URL:+; Redis}"; \
	$(BIN)/pytest -n 2 --dist loadgroup

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports && $(BIN)/mypy

format: setup
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python bench/sim.py
	$(BIN)/python bench/variants.py
	$(BIN)/python bench/http_load.py
	$(BIN)/python bench/explorer.py
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/login.py
	$(BIN)/python bench/class_rush.py $(RUSH_STUDENTS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
