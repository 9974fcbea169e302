# Two commands on a fresh machine with Python 3.11 and pip:
#   make run    install what is needed and start the bot (console chat without a token)
#   make test   install what is needed and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test redis-server install install-dev locales extract-messages update-messages lint eval clean

run: install locales
	$(BIN)/qoldau run

test: install-dev locales redis-server
	$(BIN)/python -m pytest

# The Redis tests start their own redis-server (Debian's package; CI runs as root). Where it
# cannot be installed, those tests are skipped and say why.
redis-server:
	@command -v redis-server >/dev/null || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) || \
		echo "redis-server could not be installed: the Redis tests will be skipped"

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Compiled catalogs are built, never edited or committed.
locales: $(COMPILED)
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@ -l $*

# Translators' workflow: collect the interface strings, then merge them into every catalog.
extract-messages: install
	$(BIN)/pybabel extract -F pyproject.toml -k N_ -o locales/messages.pot --no-wrap \
		--project=qoldau --copyright-holder="Qoldau" .
update-messages: extract-messages
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-wrap

lint: install-dev
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy

eval: install locales
	$(BIN)/qoldau eval ../shared/eval/dev.yaml

clean:
	rm -rf $(VENV) locales/*/LC_MESSAGES/*.mo .pytest_cache .mypy_cache .ruff_cache
