# Two commands on a fresh machine: `make book` builds the whole book, `make test` runs
# every test (and installs what the tests need). See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: book pdf test bench extract preview setup system-deps tex-deps clean mutation swot

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

## tools the tests run whose dependencies conflict with the book's (cffconvert: jsonschema<4)
TOOLS := .venv-tools
$(TOOLS)/.installed: requirements-tools.lock
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check -r requirements-tools.lock
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

setup: $(STAMP) node_modules/.package-lock.json

## system packages the tests need (Debian): a browser, Java for the HTML validator, and tools to build without a network
system-deps:
	@command -v chromium >/dev/null && command -v ip >/dev/null && command -v unshare >/dev/null && command -v java >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver iproute2 util-linux default-jre-headless >/dev/null; }

## XeLaTeX with Cyrillic support and GNU FreeFont (Debian), for the PDF editions
TEX_PACKAGES := texlive-xetex latexmk texlive-latex-extra texlive-fonts-recommended fonts-freefont-otf \
	texlive-lang-cyrillic tex-gyre poppler-utils
tex-deps:
	@command -v xelatex >/dev/null && command -v latexmk >/dev/null && command -v pdftoppm >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; }

book: setup
	$(PY) -m tooling.build

## the site with a PDF edition of each language, linked from its "How to cite" page
pdf: setup tex-deps
	$(PY) -m tooling.build --pdf

## the tests in parallel workers, one per processor (at most four); a test file stays on one
## worker, so that the fixtures its tests share (a clean build, a browser) are made once
test: setup $(TOOLS)/.installed system-deps pdf
	$(PY) -m pytest --numprocesses auto --maxprocesses 4 --dist loadfile

bench: setup
	$(PY) -m tooling.bench

## mutation testing of the mirror rule, the indicators, the DOTS reader, the schemas, the
## routes, AHP and the SWOT synthesis, the claims ledger with its verdict rules and the
## science modules of the factor and gravity chapters
## against their fast tests (configured in pyproject.toml); not part of `make test`
mutation: setup
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children 2
	$(VENV)/bin/mutmut results
	$(VENV)/bin/mutmut export-cicd-stats
	cat mutants/mutmut-cicd-stats.json

## the SWOT chapter with your own judgements as one page: make swot JUDGEMENTS=my.csv EDITION=ru
## (JUDGEMENTS a file or a folder of files, one per judge; EDITION kk, en or ru; OUT a folder, by
## default _build/swot/<name>-<edition>). EDITION, not LANG: LANG is the locale of the shell.
ifeq ($(origin LANG),command line)
EDITION ?= $(LANG)
endif
EDITION ?= en
swot: setup
	@test -n "$(JUDGEMENTS)" || { echo "make swot JUDGEMENTS=<file or folder> EDITION=kk|en|ru [OUT=<folder>]" >&2; exit 2; }
	@env LANG=C.UTF-8 LC_ALL= $(PY) -m tooling.swot_report "$(JUDGEMENTS)" --edition "$(EDITION)" $(if $(OUT),--output "$(OUT)")

extract: setup
	$(PY) -m analysis.data.extract

preview: book
	$(PY) -m http.server --bind 127.0.0.1 --directory _build/site 8000

clean:
	rm -rf _build
