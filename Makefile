# statusgen: `make html` builds the example site into output/, `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUTPUT ?= output

.DEFAULT_GOAL := html
.PHONY: html publish check test test-fast fuzz bench serve clean system-deps messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

html: $(STAMP)  ## check the content, then build the site into output/ (the old site stays if anything fails)
	$(BIN)/statusgen build . -o $(OUTPUT)

# SITEURL: where the site will be served (make publish SITEURL=https://status.example.com); without it, the
# environment's STATUSGEN_SITEURL, else the example default in publishconf.py.
publish: $(STAMP)  ## check, then build output/ for production: absolute URLs from SITEURL (publishconf.py)
	$(if $(SITEURL),STATUSGEN_SITEURL='$(SITEURL)' )$(BIN)/statusgen build . -s publishconf.py -o $(OUTPUT)

check: $(STAMP)  ## validate content/ and report every problem as path:line: message
	$(BIN)/statusgen check .

system-deps:
	bash scripts/install-system-deps.sh

test: $(STAMP) system-deps  ## unit, build, feed and browser tests
	PYTHONDONTWRITEBYTECODE=1 $(BIN)/python -m pytest  # no __pycache__ beside the test sites' settings files

# Tests declare their kind (markers build, browser, slow: see tests/conftest.py); test-fast leaves those out. Byte
# code is kept, even where the environment says PYTHONDONTWRITEBYTECODE, in a folder of its own (no __pycache__
# beside a test site's settings file): else pytest rewrites and compiles every test module again at each run, 5 of
# the run's CPU seconds, and each `statusgen` process compiles statusgen again. STATUSGEN_TEST_TIER=fast: the
# property tests draw fewer cases (tests/conftest.py, cases); `make test` draws them all.
test-fast: $(STAMP)  ## the library tests alone: no Pelican build, no browser, no git remotes (seconds)
	STATUSGEN_TEST_TIER=fast PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache $(BIN)/python -m pytest -m "not build and not browser and not slow" --ignore tests/test_fuzz.py

# `make test` runs tests/test_fuzz.py too, with 400 derandomized cases; this is the long run, 10,000 fresh ones.
fuzz: $(STAMP)  ## fuzz `statusgen check` with 10,000 generated incident files (hypothesis)
	STATUSGEN_FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest tests/test_fuzz.py

# Byte code first, as an installed statusgen has it (pip compiles a wheel's modules; an editable install under
# PYTHONDONTWRITEBYTECODE has none, and every process would compile statusgen again).
bench: $(STAMP)  ## build synthetic sites of 100, 1,000 and 10,000 incidents, cold and after one change (BENCH="--large" adds 30,000)
	$(BIN)/python -m compileall -q statusgen
	$(BIN)/python bench/bench.py $(BENCH)

serve: $(STAMP)  ## preview on http://127.0.0.1:8000: rebuilt, and the open page reloaded, after every change
	$(BIN)/statusgen serve .

# The catalogs: every word statusgen writes, extracted from statusgen/ and the theme (babel.cfg), merged into each
# language's .po (translate what is new or marked fuzzy there), and compiled to the .mo files the build reads.
LOCALES := statusgen/locale
messages: $(STAMP)  ## extract, update and compile the translation catalogs (statusgen/locale)
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ -k N_plural:1,2 -k ngettext:1,2 -k pgettext:1c,2 --no-location --sort-output \
		--project statusgen --copyright-holder "statusgen authors" -o $(LOCALES)/statusgen.pot .
	$(BIN)/pybabel -q update -i $(LOCALES)/statusgen.pot -d $(LOCALES) -D statusgen --no-fuzzy-matching
	# Babel dates the catalogs now: a fixed date instead, so that the same words compile to the same bytes
	sed -i 's/^"POT-Creation-Date: .*\\n"$$/"POT-Creation-Date: 2026-12-01 00:00+0000\\n"/' \
		$(LOCALES)/statusgen.pot $(LOCALES)/*/LC_MESSAGES/statusgen.po
	$(BIN)/pybabel -q compile -d $(LOCALES) -D statusgen --statistics

clean:
	rm -rf $(OUTPUT) .$(OUTPUT).* bench/out .pytest_cache
