# make run : create .venv, install, build the demo workspace if missing, serve http://127.0.0.1:8000
# make test: create .venv, install with test extras, run the test suite
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
HOME_DIR ?= $(or $(INDUSCOPE_HOME),$(CURDIR)/workspace)

.PHONY: run test install install-test demo bench clean

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

test: install-test
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
