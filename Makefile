# The two commands: `make demo` and `make test`. Each sets up everything it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
VENDOR := dastavez/web/static/vendor
ASSETS := $(VENDOR)/.installed
PG_URL ?= postgresql+psycopg://127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: demo test setup assets browser java fonts lint typecheck test-sqlite test-postgresql serve clean help

help:
	@echo "make demo   set up and run the fictional demo scenario in the web UI (http://127.0.0.1:8000)"
	@echo "make test   set up and run every test, on SQLite and on PostgreSQL"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Python dependencies are pinned in pyproject.toml; the package is installed editable so
# templates and front-end assets are served from this folder.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

# Front-end assets come from the npm registry through package-lock.json; they are copied
# into the package, never committed.
$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/cytoscape/dist/cytoscape.min.js $(VENDOR)/cytoscape.min.js
	@touch $@

setup: $(INSTALLED) $(ASSETS) fonts

assets: $(ASSETS)

# The browser tests drive Debian's chromium (Playwright's own browser download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; }

# The Spark engine's tests run PySpark in local mode, which needs a Java runtime (17 or newer).
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing Debian's Java runtime for the Spark engine's tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

# The list's PDF prints Urdu names in Noto Naskh Arabic (Debian's fonts-noto-core).
fonts:
	@fc-list 2>/dev/null | grep -q "Noto Naskh Arabic" || ls /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf >/dev/null 2>&1 || { \
	  echo "installing Debian's fonts-noto-core for Urdu in PDFs"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core >/dev/null; }

demo: setup
	$(BIN)/dastavez demo

lint: $(INSTALLED)
	$(BIN)/ruff check dastavez tests benchmarks
	$(BIN)/mypy dastavez

test-sqlite: setup browser java
	DASTAVEZ_TEST_DB=sqlite $(BIN)/pytest -n 2 -q $(PYTEST_ARGS)

test-postgresql: setup browser java
	DASTAVEZ_TEST_DB=postgresql DASTAVEZ_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -n 2 -q $(PYTEST_ARGS)

test: lint test-sqlite test-postgresql

clean:
	rm -rf $(VENV) node_modules $(VENDOR) dastavez-data
