# make run : create .venv, install, build the demo workspace if missing, serve http://127.0.0.1:8000
# make test: create .venv, install with test extras, run the whole test suite (slow tests included)
# make test-fast: the same without the tests marked slow (the inner loop while editing)
# make bench: the quick benchmarks (bench/run_all.py; results under bench/results/quick/)
# make browser-deps: Debian's chromium, fonts-noto-cjk and poppler-utils (report card PDF, browser tests)
#   with apt-get (sudo when not root), only those missing; `make test` tries it when chromium is missing
# make screenshots: docs/img/*.png, one per dashboard page (docs/screenshots.py; needs chromium)
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
HOME_DIR ?= $(or $(INDUSCOPE_HOME),$(CURDIR)/workspace)

.PHONY: run test test-fast install install-test demo bench browser-deps browser-deps-try screenshots clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# stamps make a second `make` fast: reinstall only when pyproject.toml changes
$(VENV)/.stamp-install: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.stamp-install

install: $(VENV)/.stamp-install
install-test: $(VENV)/.stamp-test

demo: install
	@if [ ! -f "$(HOME_DIR)/workspace.duckdb" ]; then \
	  $(BIN)/induscope --workspace "$(HOME_DIR)" demo; \
	else echo "demo workspace present: $(HOME_DIR)"; fi

run: demo
	$(BIN)/induscope --workspace "$(HOME_DIR)" serve --host 127.0.0.1 --port 8000

# PYTEST_ARGS: extra pytest options, e.g. make test PYTEST_ARGS="--durations=25"
test: install-test
	@$(MAKE) --no-print-directory browser-deps-try
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install-test
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python bench/run_all.py

# the system packages of the report card's PDF and the browser tests (Debian / Ubuntu: apt-get)
BROWSER_PKGS := chromium fonts-noto-cjk poppler-utils
browser-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg-query -W -f='$${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" || missing="$$missing fonts-noto-cjk"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -z "$$missing" ]; then echo "browser-deps: $(BROWSER_PKGS) are installed"; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "browser-deps: no apt-get on this system: install$$missing yourself" >&2; exit 1; fi; \
	sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	echo "browser-deps: installing$$missing with $${sudo:+sudo }apt-get (Debian packages; no browser download)"; \
	$$sudo apt-get update -q && $$sudo apt-get install -y -q --no-install-recommends $$missing

# called by `make test`: installs the browser packages only where apt-get can run without a password
# prompt; never fails (without chromium the browser and PDF tests skip, each saying why)
browser-deps-try:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1 && { [ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then \
	  $(MAKE) --no-print-directory browser-deps || \
	    echo "make test: could not install chromium; the browser tests will skip with the reason"; \
	else echo "make test: chromium is missing and apt-get cannot run here (run make browser-deps as root);" \
	  "the browser tests will skip with the reason"; fi

screenshots: install-test
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
