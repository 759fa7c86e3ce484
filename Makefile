# Two commands on a fresh machine: `make book` builds the whole book, `make test` runs
# every test (and installs what the tests need). See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: book test bench extract preview setup system-deps clean mutation

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

setup: $(STAMP) node_modules/.package-lock.json

## system packages the tests need (Debian): a browser, and tools to build without a network
system-deps:
	@command -v chromium >/dev/null && command -v ip >/dev/null && command -v unshare >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver iproute2 util-linux >/dev/null; }

book: setup
	$(PY) -m tooling.build

test: setup system-deps book
	$(PY) -m pytest

bench: setup
	$(PY) -m tooling.bench

## mutation testing of the mirror rule, the indicators, the DOTS reader and the schemas
## against their fast tests (configured in pyproject.toml); not part of `make test`
mutation: setup
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children 2
	$(VENV)/bin/mutmut results
	$(VENV)/bin/mutmut export-cicd-stats
	cat mutants/mutmut-cicd-stats.json

extract: setup
	$(PY) -m analysis.data.extract

preview: book
	$(PY) -m http.server --bind 127.0.0.1 --directory _build/site 8000

clean:
	rm -rf _build
