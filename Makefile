# make run : create .venv, install, build the demo workspace if missing, serve http://127.0.0.1:8000
# make test: create .venv, install with test extras, run the whole test suite (slow tests included)
# make test-fast: the same without the tests marked slow (the inner loop while editing)
# make bench: the quick benchmarks (bench/run_all.py; results under bench/results/quick/)
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
HOME_DIR ?= $(or $(INDUSCOPE_HOME),$(CURDIR)/workspace)

.PHONY: run test test-fast install install-test demo bench clean

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
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install-test
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
