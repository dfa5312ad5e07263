# ATTT — `make run` to try it, `make test` to check it. Everything a fresh machine needs is installed here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := gettext chromium fonts-dejavu-core postgresql poppler-utils
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := attt.settings

.PHONY: run install messages test test-sqlite test-postgres system-deps bench clean help

help:
	@echo "make run   – install into .venv, migrate, load demo data, serve on http://$(HOST):$(PORT) with a worker"
	@echo "make test  – the whole suite on SQLite, then on a throw-away PostgreSQL"
	@echo "make bench – inventory import, levels, obligations, scan import, incident, warning-campaign, dashboard and periodic-report benchmarks (bench/)"

$(BIN)/attt: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# Debian packages: gettext (compile translations), Chromium (browser tests), PostgreSQL (second test run).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

PO_FILES := $(wildcard src/attt/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

messages: $(MO_FILES)

%.mo: %.po
	@command -v msgfmt >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq gettext >/dev/null; }
	msgfmt --check -o $@ $<

install: $(BIN)/attt messages

run: install
	$(BIN)/attt migrate
	$(BIN)/attt demo
	@echo "Admin login: admin / Attt@2026-demo   ·   http://$(HOST):$(PORT)/"
	@$(BIN)/attt worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/attt serve --host $(HOST) --port $(PORT)

test: system-deps install
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	@echo "== test suite on SQLite =="
	ATTT_VAR_DIR=$$(mktemp -d) $(BIN)/python -m pytest

test-postgres: install
	@echo "== test suite on PostgreSQL =="
	ATTT_VAR_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/python -m pytest

bench: install
	ATTT_VAR_DIR=$$(mktemp -d) $(BIN)/python bench/inventory_bench.py
	ATTT_VAR_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/python bench/inventory_bench.py
	ATTT_VAR_DIR=$$(mktemp -d) $(BIN)/python bench/levels_bench.py --systems 10000
	ATTT_VAR_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/python bench/levels_bench.py --systems 10000
	ATTT_VAR_DIR=$$(mktemp -d) $(BIN)/python bench/obligations_bench.py --systems 20000 --orgs 1000
	ATTT_VAR_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/python bench/obligations_bench.py --systems 20000 --orgs 1000
	ATTT_VAR_DIR=$$(mktemp -d) $(BIN)/python bench/scans_bench.py --sizes 50,500
	ATTT_VAR_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/python bench/scans_bench.py --sizes 50
	ATTT_VAR_DIR=$$(mktemp -d) $(BIN)/python bench/incidents_bench.py --cases 2000 --indicators 2000
	ATTT_VAR_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/python bench/incidents_bench.py --cases 2000 --indicators 2000
	ATTT_VAR_DIR=$$(mktemp -d) $(BIN)/python bench/public_bench.py --customers 100000 --send 20000
	ATTT_VAR_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/python bench/public_bench.py --customers 100000 --send 20000
	ATTT_VAR_DIR=$$(mktemp -d) $(BIN)/python bench/dashboards_bench.py --systems 20000 --orgs 1000
	ATTT_VAR_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/python bench/dashboards_bench.py --systems 20000 --orgs 1000
	ATTT_VAR_DIR=$$(mktemp -d) $(BIN)/python bench/reports_bench.py --systems 20000 --orgs 1000
	ATTT_VAR_DIR=$$(mktemp -d) scripts/with-postgres.sh $(BIN)/python bench/reports_bench.py --systems 20000 --orgs 1000

clean:
	rm -rf $(VENV) var build src/*.egg-info
