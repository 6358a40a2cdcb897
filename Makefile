# The two quick-start commands: `make demo` and `make test`; `make docs` builds the site.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: demo test docs lint install clean screenshots translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The example app on its embedded SQLite database, with demo data, on http://127.0.0.1:$(PORT)
# (the `demo` extra adds aiosmtpd: `.venv/bin/python -m aiosmtpd -n -l localhost:8025` shows its emails)
demo: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[demo]"
	cd example_app && ../$(BIN)/flask --app app statuspages db upgrade
	cd example_app && ../$(BIN)/flask --app app statuspages demo --owner acme
	cd example_app && STATUSPAGES_PUBLIC_URL=http://127.0.0.1:$(PORT) \
		../$(BIN)/flask --app app run --host 127.0.0.1 --port $(PORT)

# The whole test suite (SQLite always; PostgreSQL and Redis when their URLs are set).
test: $(BIN)/python
	$(BIN)/pip install --quiet ".[dev]"
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	command -v jq >/dev/null && command -v curl >/dev/null \
		|| (apt-get update -qq && apt-get install -y -qq jq curl)
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

# The documentation site, into docs/_build/html; any warning fails the build.
docs: $(BIN)/python
	$(BIN)/pip install --quiet ".[docs]"
	rm -rf docs/_build
	$(BIN)/sphinx-build -b html -W --keep-going -n -q docs docs/_build/html

# docs/screenshots/*.png: the status page as `make demo` serves it, and the console's screens (Debian's chromium)
screenshots: $(BIN)/python
	$(BIN)/pip install --quiet ".[dev]"
	STATUSPAGES_SCREENSHOTS=1 $(BIN)/pytest -q tests/test_screenshots.py \
		tests/test_browser_console_pages.py tests/test_browser_console_incidents.py \
		tests/test_browser_console_audience.py

lint: $(BIN)/python
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache example_app/instance docs/_build

# Extract every translatable string, merge it into each catalogue, compile them
# (flask_statuspages/translations/; see docs/translations.md).
translations: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pybabel extract -F babel.cfg -k _sp -k _spm -k _spn:1,2 -k lazy_gettext \
		--no-location --sort-output --project flask-statuspages \
		-o flask_statuspages/translations/flask_statuspages.pot flask_statuspages
	$(BIN)/pybabel update -D flask_statuspages -d flask_statuspages/translations \
		-i flask_statuspages/translations/flask_statuspages.pot --no-fuzzy-matching
	$(BIN)/pybabel compile -D flask_statuspages -d flask_statuspages/translations
