# Footprint: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install browser lint bench validate clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)
	$(PY) -m mapview.assets
	$(PY) scripts/build_locale.py --compile

## Install everything and start the app on http://localhost:8501
run: install
	$(PY) -m ui.serve $(ARGS)

## Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

## Install everything and run the whole test suite (unit, AppTest, browser, PostGIS store):
## a throwaway PostgreSQL + PostGIS cluster runs for the tests unless
## FOOTPRINT_TEST_DATABASE_URL names a server already
test: install browser
	$(PY) -m ruff check .
	@set -e; url=$${FOOTPRINT_TEST_DATABASE_URL:-}; \
	if [ -z "$$url" ]; then \
	  export FOOTPRINT_PG_DIR="$${TMPDIR:-/tmp}/footprint-pg-test-$$$$"; \
	  trap 'bash scripts/postgis-test-cluster.sh stop' EXIT; trap 'exit 130' INT TERM; \
	  url=$$(bash scripts/postgis-test-cluster.sh start); \
	fi; \
	echo "FOOTPRINT_TEST_DATABASE_URL=$$url $(PY) -m pytest"; \
	FOOTPRINT_TEST_DATABASE_URL=$$url $(PY) -m pytest

## Start the throwaway PostGIS cluster and print its URL (stop: scripts/postgis-test-cluster.sh stop)
.PHONY: postgis
postgis:
	@bash scripts/postgis-test-cluster.sh start

lint: install
	$(PY) -m ruff check .

validate: install
	$(PY) -m layers validate data/*.geojson

bench: install browser
	$(PY) bench/bench_analysis.py
	$(PY) bench/bench_app.py
	$(PY) bench/bench_load.py

clean:
	rm -rf $(VENV) static/vendor .pytest_cache
