# Haven: `make run` serves a demo on http://127.0.0.1:8000 with its background worker;
# `make test` runs everything CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HAVEN_TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/haven
APT_PACKAGES := chromium gettext systemd fonts-noto-core

.PHONY: install run run-federation test test-sqlite test-postgres lint format messages system-packages bench bench-soak clean

$(BIN)/haven: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Haven needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/haven

install: $(BIN)/haven

run: install
	HAVEN_DEBUG=true $(BIN)/haven migrate --no-input
	HAVEN_DEBUG=true $(BIN)/haven load_content
	HAVEN_DEBUG=true $(BIN)/haven load_commitments
	HAVEN_DEBUG=true $(BIN)/haven seed_demo
	@# The worker runs beside the server and stops with it (Ctrl+C, or runserver ending).
	HAVEN_DEBUG=true $(BIN)/haven worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	HAVEN_DEBUG=true $(BIN)/haven runserver 127.0.0.1:$(PORT)

# Debian's Chromium for the browser tests, gettext for the catalogue check, systemd-analyze
# for the check of deploy/'s units and Noto fonts (Thai, Khmer, Lao and Burmese glyphs for the
# browser tests, haven/tests/test_asean_languages.py), when missing.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	command -v systemd-analyze >/dev/null || missing="$$missing systemd"; \
	fc-list :lang=km family 2>/dev/null | grep -q . || missing="$$missing fonts-noto-core"; \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null; then \
			echo "Installing$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing$$missing and no apt-get: install them by hand." >&2; exit 1; \
		fi; \
	fi

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-sqlite: install system-packages
	env -u HAVEN_DATABASE_URL HAVEN_DEBUG=true $(BIN)/pytest -n 2

test-postgres: install system-packages
	@$(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], dbname='postgres', connect_timeout=5).close()" '$(HAVEN_TEST_DATABASE_URL)' \
		|| { echo "PostgreSQL is not reachable at $(HAVEN_TEST_DATABASE_URL) (set HAVEN_TEST_DATABASE_URL)" >&2; exit 1; }
	HAVEN_DEBUG=true HAVEN_DATABASE_URL='$(HAVEN_TEST_DATABASE_URL)' $(BIN)/pytest -n 2

test: lint test-sqlite test-postgres

# Extract strings for every language in haven/lib/vocabulary, fill the English catalogue, drop
# msgmerge's guesses in the partial catalogues (th, km, ...), compile them all. Translate new strings in locale/<lang>/LC_MESSAGES/django.po before committing.
messages: install
	HAVEN_DEBUG=true $(BIN)/haven makemessages --no-obsolete $$($(BIN)/python -c \
		"from haven.lib.vocabulary import language_codes; print(*('-l ' + c for c in language_codes()))")
	$(BIN)/python scripts/fill_english_catalogue.py locale/en/LC_MESSAGES/django.po
	$(BIN)/python scripts/drop_fuzzy_guesses.py locale
	HAVEN_DEBUG=true $(BIN)/haven compilemessages --ignore .venv --ignore var

bench: install
	HAVEN_DEBUG=true $(BIN)/python bench/pages.py
	HAVEN_TEST_DATABASE_URL='$(HAVEN_TEST_DATABASE_URL)' $(BIN)/python bench/search.py
	HAVEN_TEST_DATABASE_URL='$(HAVEN_TEST_DATABASE_URL)' $(BIN)/python bench/reports.py
	HAVEN_DEBUG=true $(BIN)/python bench/jobcheck.py
	HAVEN_TEST_DATABASE_URL='$(HAVEN_TEST_DATABASE_URL)' $(BIN)/python bench/stats.py
	HAVEN_TEST_DATABASE_URL='$(HAVEN_TEST_DATABASE_URL)' $(BIN)/python bench/cases.py

# 10 minutes of mixed load with faults (bench/soak.py; docs/scaling.md): not part of `make bench`.
bench-soak: install
	HAVEN_TEST_DATABASE_URL='$(HAVEN_TEST_DATABASE_URL)' $(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) var

# Two demo deployments, paired, a cross-border referral waiting (docs/federation.md): Viet Nam on
# :8000, Thailand on :8001, each with its worker and its own var/federation/<country>/.
run-federation: install
	$(BIN)/python scripts/run_federation.py
