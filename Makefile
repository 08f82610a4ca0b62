# The two set-up commands are `make run` and `make test`; everything else is for developers.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the test suite drives: PHP with curl runs a partner integration, and
# headless Chromium with its WebDriver runs the partner portal's end-to-end test.
TEST_DEBIAN_PACKAGES := php-cli php-curl chromium chromium-driver

.PHONY: install install-test run test screenshot bench clean

$(VENV)/.installed: pyproject.toml sdk/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m pip install --quiet -e ./sdk
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test
	scripts/ensure-debian-packages $(TEST_DEBIAN_PACKAGES)

# make run PORT=8001 serves on another port.
HOST ?= 127.0.0.1
PORT ?= 8000
run: export MYENGINE_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: export MYENGINE_LOG_FORMAT ?= console
run: install
	$(BIN)/myengine-server db upgrade
	$(BIN)/myengine-server demo
	MYENGINE_EMBEDDED_WORKER=$${MYENGINE_EMBEDDED_WORKER:-true} \
	$(BIN)/myengine-server serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Renews the README's portal screenshot from the browser end-to-end test.
screenshot: install-test
	MYENGINE_TEST_SCREENSHOT=docs/portal.png \
	$(BIN)/python -m pytest tests/portal/test_end_to_end.py -k sqlite

# Bounded load benchmark (a few minutes); pass options as BENCH_ARGS='--duration 5 --note "..."'.
bench: install
	scripts/ensure-debian-packages wrk
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
