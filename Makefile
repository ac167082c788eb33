# Two commands on a fresh machine: `make run` and `make test`. Both bootstrap .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PLUGINS := $(wildcard plugins/*/pyproject.toml)
PLUGIN_PACKAGES := $(filter-out %.egg-info,$(wildcard plugins/*/unigate_* examples/*/unigate_*))

.PHONY: run test lint pytest system-deps clean

$(STAMP): pyproject.toml $(PLUGINS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]' $(foreach p,$(PLUGINS),-e $(dir $(p)))
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/unigate migrate
	$(BIN)/unigate serve

test: $(STAMP) system-deps lint pytest

# Headless Chromium renders pages in the tests; installed from Debian's packages when missing (needs root).
system-deps:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		{ echo 'make test needs chromium: apt-get install chromium' >&2; exit 1; }

lint: $(STAMP)
	$(BIN)/ruff check gateway unified_models tests bench plugins examples
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy $(PLUGIN_PACKAGES)

pytest: $(STAMP)
	$(BIN)/pytest -n 2

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
