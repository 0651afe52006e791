# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install migrate demo run test test-fast coverage lint format check-deploy clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv>=0.5"

# Re-install only when the lock files change, so a second `make run` works offline.
$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed ## Install Python and front-end dependencies

migrate: install ## Apply database migrations
	$(MANAGE) migrate --noinput

demo: migrate ## Load territory, the WECARE programme and the demo data (idempotent)
	$(MANAGE) load_demo

# The click-day sequencer runs beside the server, as in production (it numbers the received submissions);
# it stops with the server.
run: demo ## Install, migrate, load WECARE and demo data, serve on http://127.0.0.1:8000
	SUBMISSION_SEQUENCER=process $(MANAGE) run_sequencer --poll 0.2 & SEQ=$$!; \
		trap 'kill $$SEQ 2>/dev/null' EXIT INT TERM; \
		SUBMISSION_SEQUENCER=process $(MANAGE) runserver $(HOST):$(PORT)

# One pytest-xdist worker per core (each with its own test database): on 2 cores the suite takes a third
# of the serial time. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto

# --durations shows where the time goes (CI prints it); WECARE_SKIP_SINGLE_PASS=1 leaves the browser,
# schemathesis and demo-loader tests to the other pass (.ci/run sets it on SQLite, they run on PostgreSQL).
test: install ## Run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	$(PY) -m pytest -n $(TEST_WORKERS) --durations=30

coverage: install ## The suite with line coverage of grants/ (HTML in htmlcov/, JSON in coverage.json)
	$(PY) -m pytest -n $(TEST_WORKERS) --cov=grants --cov-report=term:skip-covered --cov-report=json --cov-report=html -q

test-fast: install ## Tests without the browser
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not e2e"

lint: install ## ruff, formatting, import layers, missing migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(MANAGE) makemigrations --check --dry-run

format: install ## Fix formatting and autofixable lint
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-deploy: install ## Django's deployment checklist with production settings
	DJANGO_ENV=production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=bandi.example.it \
		PARTICIPANT_ID_HASH_KEY=$$(head -c 32 /dev/urandom | base64) \
		$(MANAGE) check --deploy --fail-level WARNING

.PHONY: check-spid
check-spid: $(VENV)/.installed ## AgID spid-sp-test (own venv in .tools/spid) on the served SP metadata and AuthnRequest
	.ci/check-spid

clean: ## Remove the local database, collected static files and virtualenvs
	rm -rf db.sqlite3 staticfiles .tools

.PHONY: test-cluster backup worker beat
test-cluster: install ## Scale-out test: 2 gunicorn nodes + nginx + PostgreSQL + Redis (db 15) + a Celery worker; sign in, submit, receipts
	WECARE_CLUSTER_TEST=1 timeout 1200 $(PY) -m pytest tests/cluster -p no:cacheprovider -q

backup: install ## Back up the database and MEDIA_ROOT into BACKUP_DIR (manage.py backup)
	$(MANAGE) backup

worker: install ## Run a Celery worker (needs REDIS_URL; without it tasks run inline)
	$(VENV)/bin/celery --app config worker --loglevel INFO

beat: install ## Run Celery beat, the periodic schedule of config/celery.py (one per installation)
	$(VENV)/bin/celery --app config beat --loglevel INFO --schedule $${CELERY_BEAT_SCHEDULE_FILE:-celerybeat-schedule}

.PHONY: bench-clickday bench-clickday-smoke bench-clickday-faults bench-clickday-cost
bench-clickday: install ## Click-day benchmark on PostgreSQL: 60,000 applicants, 60 s of wrk, integrity, pgbench
	bench/clickday/run.sh

bench-clickday-smoke: install ## CI smoke of the click day (PostgreSQL + wrk): 300 applicants, 5 s, integrity only
	WECARE_CLICKDAY_SMOKE=1 timeout 600 $(PY) -m pytest tests/bench -q

.PHONY: bench-opendata
bench-opendata: install ## Open-data export benchmark on PostgreSQL: 100,000 projects as CSV, JSON, XLSX; time and peak memory
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench_opendata_h8} $(PY) bench/opendata/run.py

.PHONY: bench-pages
bench-pages: install ## Public pages on PostgreSQL + Redis: wrk 64 connections per page, direct and through nginx, bare-Django ceiling, first request of a new worker
	bench/pages/run.sh

.PHONY: bench-dashboard
bench-dashboard: install ## Dashboard benchmark on PostgreSQL: 1,000,000 expense items, p95 per dashboard query (goal < 200 ms)
	bench/dashboard/run.sh

.PHONY: bench-ranking
bench-ranking: install ## Ranking benchmark on PostgreSQL: 50,000 applications x 3 evaluators x 8 criteria, consolidation, ranking + allocation (goal < 2 s), slide
	bench/ranking/run.sh

bench-clickday-faults: install ## Click day under faults (own PostgreSQL): kill -9 a worker, restart PostgreSQL, retry, integrity
	bench/clickday/faults.sh

bench-clickday-cost: install ## SQL statements of one submission on PostgreSQL, before and under the hot locks (no timing)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	TEST_DATABASE_NAME=$${TEST_DATABASE_NAME:-test_clickday_cost} $(PY) -m pytest bench/clickday/test_submission_cost.py -q -s
