# Patient-journey CRM. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

# Local servers the test suite uses unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/crm
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
# Parallel test workers; the machine this was built on has 2 cores.
TEST_WORKERS ?= 2

.PHONY: help install run manage test lint fmt web worker beat migrate demo lock clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml requirements.lock
	@set -e; \
	if [ ! -x "$(PY)" ]; then \
	  python=$$(sh bin/find-python); \
	  echo "Creating $(VENV) with $$python"; \
	  "$$python" -m venv "$(VENV)"; \
	fi; \
	"$(PY)" -m pip install --quiet --upgrade pip; \
	"$(PY)" -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

# The local settings of this checkout, written once and never overwritten (git-ignored, and
# kept out of Docker images): DEBUG=1 and a SECRET_KEY of its own, so `.venv/bin/python
# manage.py ...` works as typed. The environment wins over it; production has none. Where
# the environment already has a SECRET_KEY (docker compose, a server) nothing is written.
.env: | $(INSTALLED)
	@if [ -n "$${SECRET_KEY:-}" ]; then echo "SECRET_KEY is set in the environment; no $@ written."; exit 0; fi; \
	umask 077; { \
	  echo "# Local development settings for this checkout, written by make (git-ignored)."; \
	  echo "# Environment variables win over this file; .env.example lists every variable."; \
	  echo "DEBUG=1"; \
	  echo "SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	} > $@.tmp && mv $@.tmp $@ && \
	echo "Wrote $@ (DEBUG=1 and a generated SECRET_KEY) for local development."

install: $(INSTALLED) .env ## Create the virtual environment and install pinned dependencies

run: export DEBUG ?= 1
run: $(INSTALLED) .env ## Migrate, create demo logins and data, serve on RUN_HOST:RUN_PORT (127.0.0.1:8000) with a worker and beat
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_setup
	$(PY) bin/run_all.py

manage: $(INSTALLED) .env ## Run a manage.py command: make manage ARGS="dispatch_due"
	$(PY) manage.py $(ARGS)

test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export CELERY_BROKER_URL ?= $(TEST_BROKER_URL)
test: export DEBUG ?= 1
test: $(INSTALLED) ## Run the whole suite against PostgreSQL and Redis
	@$(PY) -m crm.preflight
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

lint: export DEBUG ?= 1
lint: $(INSTALLED) ## ruff check, ruff format --check, mypy, makemigrations --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run

fmt: $(INSTALLED) ## Fix lint findings and format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: $(INSTALLED) ## Apply database migrations
	$(PY) manage.py migrate --noinput

demo: export DEBUG ?= 1
demo: $(INSTALLED) .env ## Create demo logins and load demo data once
	$(PY) manage.py demo_setup

# The production processes; docker-compose.yml runs these same targets.
web: $(INSTALLED) ## Serve with gunicorn (production)
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn crm.wsgi --config gunicorn.conf.py --bind $${BIND:-0.0.0.0:8000} --workers $${WEB_CONCURRENCY:-3}

worker: $(INSTALLED) ## Run a Celery worker
	$(VENV)/bin/celery -A crm worker --loglevel=INFO --concurrency=$${WORKER_CONCURRENCY:-2}

beat: $(INSTALLED) ## Run Celery beat (the dispatcher's clock)
	$(VENV)/bin/celery -A crm beat --loglevel=INFO

lock: ## Re-pin every installed dependency into requirements.lock
	$(PY) -m pip freeze --exclude-editable | grep -v '^pip==' > requirements.lock

clean: ## Remove the virtual environment and local data under var/
	rm -rf $(VENV) var
