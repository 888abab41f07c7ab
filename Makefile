# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000

.PHONY: install run test suite bench lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py rebuild_search_index --missing --no-progress
	$(PY) manage.py create_editor --url http://127.0.0.1:$(PORT)/admin/
	@# A background worker beside the server (renames' search updates); it stops with it.
	$(PY) manage.py run_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install lint
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory suite

# The suite alone, without the lint and the migrations check (.ci/run's second database);
# PYTEST_ARGS: more options for pytest (.ci/run leaves out the browser journeys there).
PYTEST_ARGS ?=
# On PostgreSQL one worker more than the machine has cores: a worker waiting on the
# server, a browser or a command's process leaves its core to the others (two cores:
# 402 s, the cores 1% idle, against 429-435 s). On SQLite, where the tests wait on
# nothing, a worker per core (218 s against 280 s with one more).
ifneq ($(filter postgres%,$(DATABASE_URL)),)
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
else
WORKERS ?= $(shell nproc)
endif
suite: install
	@# -n: workers (pytest-xdist), each with its own test database;
	@# -rs: say which tests were skipped and why (no Chromium, no Java).
	$(VENV)/bin/pytest -n $(WORKERS) -rs $(PYTEST_ARGS)

# Benchmarks against PostgreSQL (BENCH_DATABASE_URL or DATABASE_URL, else the local server).
SIZES ?= 10000,1000000
bench: install
	$(PY) -m bench --sizes $(SIZES) --json bench/results.json

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
