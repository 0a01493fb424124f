# Consult: two commands on a fresh machine.
#   make run   set everything up (venv, database, demo data) and serve on 127.0.0.1:5000
#   make test  set up the venv if needed and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run serve test test-postgres lint vendor bench clean translations

# Translations (docs/translations.md): the .po catalogues are committed, the compiled .mo
# files are built from them here (and by the test suite's conftest) before the app runs.
TRANSLATIONS := consult/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(BIN)/pybabel compile -d $(TRANSLATIONS) -l $* --statistics

# Extract every marked string from consult/ and templates/, merge it into each language's
# catalogue (new strings arrive untranslated, changed ones fuzzy), compile.
translations: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext --add-location=file --sort-by-file \
		--project Consult --copyright-holder "Consult contributors" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-wrap --ignore-obsolete
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Consult needs Python 3.11 ($(PYTHON) not found)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamps: reinstall when a requirements file changes.
$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime $(COMPILED)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	@$(MAKE) --no-print-directory serve

serve:
	@if $(BIN)/python -c "import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(0 if s.connect_ex(('$(HOST)', $(PORT))) == 0 else 1)"; then \
		echo "Port $(PORT) on $(HOST) is already in use: stop what is using it, or run 'make run PORT=5001'." >&2; exit 1; fi
	@echo "Consult is starting on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/gunicorn --worker-class gevent --workers 1 --worker-connections 10000 \
		--bind $(HOST):$(PORT) --access-logfile - --graceful-timeout 5 wsgi:app

test: $(VENV)/.dev $(COMPILED)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-postgres: $(VENV)/.dev $(COMPILED)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not browser"

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

vendor:
	bash static/vendor/build.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
