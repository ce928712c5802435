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

## Install everything and start the app on http://localhost:8501
run: install
	$(PY) -m ui.serve $(ARGS)

## Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

## Install everything and run the whole test suite (unit, AppTest, browser)
test: install browser
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .

validate: install
	$(PY) -m layers validate data/*.geojson

bench: install browser
	$(PY) bench/bench_analysis.py
	$(PY) bench/bench_app.py

clean:
	rm -rf $(VENV) static/vendor .pytest_cache
