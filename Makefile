# PEP Portal. `make run` for a demo, `make test` for the whole suite; `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Local development and tests run in DEBUG unless the environment says otherwise.
export DEBUG ?= true

.DEFAULT_GOAL := help
.PHONY: help install run test lint migrations-check worker beat frontend lock benchmark benchmark-pdf \
	benchmark-schools benchmark-data benchmark-pages backup restore

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,postgres,production]'
	touch $@

# The OpenID Connect provider the single sign-on tests start (Node, test-only, from its lock).
OIDC_PROVIDER := tests/accounts/oidc_provider
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is missing: the single sign-on tests need Node.js 20+"; fi

install: $(BIN)/.installed $(OIDC_PROVIDER)/node_modules/.installed ## Create .venv and install the pinned dependencies

# `make run PORT=8101` serves on another port; the links in emails (SITE_URL) follow it unless
# SITE_URL is set.
PORT ?= 8000
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install ## Migrate, seed the demo and serve http://127.0.0.1:8000 (PORT=8101 for another port)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install ## Run the whole suite (SQLite and in-process Celery unless DATABASE_URL / REDIS_URL are set)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install ## Check the code with ruff (lint and format)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install ## Fail if a model change has no migration
	$(BIN)/python manage.py makemigrations --check --dry-run

worker: install ## Run a Celery worker (needs REDIS_URL)
	$(BIN)/celery -A pep_portal worker --loglevel=INFO

beat: install ## Run Celery beat, which sends the scheduled jobs (needs REDIS_URL)
	$(BIN)/celery -A pep_portal beat --loglevel=INFO

frontend: ## Recompile GOV.UK Frontend into static/ (needs Node; the output is committed)
	bash frontend/build.sh

lock: install ## Re-pin every dependency into requirements.lock
	$(BIN)/pip freeze --exclude-editable > requirements.lock

BENCH_DB ?= postgres://postgres@127.0.0.1:5432/pep_bench
benchmark: install ## Time the daily job on 1k/10k/100k synthetic children (scratch PostgreSQL)
	psql "$(BENCH_DB)" -c "select 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres pep_bench
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py migrate --no-input
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py benchmark_daily_job --children 1000 10000 100000

benchmark-schools: install ## Time loading 24,000 schools from a GIAS file and searching them (scratch PostgreSQL)
	psql "$(BENCH_DB)" -c "select 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres pep_bench
	DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py migrate --no-input
	DATABASE_URL=$(BENCH_DB) $(BIN)/python -m benchmarks.schools --schools 24000

NATIONAL_DB ?= postgres://postgres@127.0.0.1:5432/pep_national
benchmark-data: install ## Build the national data set (100,000 children) into a fresh scratch PostgreSQL database
	dropdb -h 127.0.0.1 -U postgres --if-exists pep_national
	createdb -h 127.0.0.1 -U postgres pep_national
	DATABASE_URL=$(NATIONAL_DB) $(BIN)/python manage.py migrate --no-input
	DATABASE_URL=$(NATIONAL_DB) $(BIN)/python manage.py build_national_data $(DATA_ARGS)

benchmark-pdf: install ## Time the signed-off copy's render against WeasyPrint alone, 30 rounds (national data set, rolled back)
	DATABASE_URL=$(NATIONAL_DB) $(BIN)/python manage.py benchmark_pep_pdf --runs 30

# Production settings for the page benchmark's gunicorn: a throwaway key, no HTTPS redirect
# (it serves plain HTTP on 127.0.0.1), and two-factor sign-in off for its made-up sessions.
BENCH_PAGES_ENV = DATABASE_URL=$(NATIONAL_DB) DEBUG=false \
	SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=127.0.0.1,testserver SECURE_SSL_REDIRECT=false SECURE_COOKIES=false \
	TWO_FACTOR_REQUIRED=false EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend \
	LOG_LEVEL=WARNING REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/5}
# The 1,000-child set the page benchmark also counts queries on, built once (a few seconds) and
# migrated with the code each run.
NATIONAL_SMALL_DB ?= postgres://postgres@127.0.0.1:5432/pep_national_small
benchmark-pages: install ## Time every page for each role under gunicorn on the national data set (after benchmark-data)
	psql "$(NATIONAL_SMALL_DB)" -c "select 1" >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres pep_national_small
	DEBUG=true DATABASE_URL=$(NATIONAL_SMALL_DB) $(BIN)/python manage.py migrate --no-input -v 0
	test "$$(psql "$(NATIONAL_SMALL_DB)" -tAc 'select exists (select 1 from children_child)')" = t \
	  || DEBUG=true DATABASE_URL=$(NATIONAL_SMALL_DB) $(BIN)/python manage.py build_national_data \
	  --children 1000 --virtual-schools 3 --schools 200 --largest 500 --results /dev/null
	$(BENCH_PAGES_ENV) $(BIN)/python manage.py benchmark_pages --small-database $(NATIONAL_SMALL_DB) $(PAGES_ARGS)

BACKUP_DIR ?= backups
backup: install ## Back up the database and private documents into BACKUP_DIR (needs PostgreSQL, pg_dump)
	$(BIN)/python manage.py backup $(BACKUP_DIR)

restore: install ## Restore FROM=backups/pep-portal-<time> into a fresh, empty database
	@test -n "$(FROM)" || { echo "usage: make restore FROM=backups/pep-portal-<time>"; exit 2; }
	$(BIN)/python manage.py restore $(FROM)
