# studyapp: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install db decks services lint bench clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11+ not found (python3.11 or python3)"; exit 1; }
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info < (3, 11))" || { echo "$(PYTHON) is older than 3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[postgres,test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## Set up and serve the app on http://127.0.0.1:5000 with the embedded SQLite database.
run: install
	$(BIN)/studyapp db upgrade
	$(BIN)/studyapp import decks/
	$(BIN)/studyapp serve --host 127.0.0.1 --port 5000

## Set up and run every test, on SQLite and PostgreSQL, including the browser tests.
test: install services
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist loadfile

## Start what the tests need: PostgreSQL, and Chromium for the browser tests (as root).
services:
	bash .ci/services

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python benchmarks/review_round_trip.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts
