# The two set-up commands are `make run` and `make test`; both build .venv from scratch.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CRM := $(BIN)/crm
PLUGIN_DIRS := $(sort $(dir $(wildcard plugins/*/pyproject.toml)))
TEST_PLUGIN_DIRS := $(sort $(dir $(wildcard tests/plugins/*/pyproject.toml)))
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export CRM_PORT ?= 8000
# CRM_DEMO=0 starts without demo data.
CRM_DEMO ?= 1

.PHONY: run test bench bench-deps lint system-deps clean

# `run` needs the runtime dependencies only; `test` adds the test extra on top.
$(VENV)/.installed: pyproject.toml hookspecs/pyproject.toml $(wildcard plugins/*/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ./hookspecs -e . $(foreach dir,$(PLUGIN_DIRS),-e ./$(dir))
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.test-plugins: $(VENV)/.test-installed $(wildcard tests/plugins/*/pyproject.toml)
	$(if $(TEST_PLUGIN_DIRS),$(BIN)/pip install --quiet --no-deps $(foreach dir,$(TEST_PLUGIN_DIRS),-e ./$(dir)))
	touch $@

# Debian's Chromium drives the browser tests (a browser download does not work here).
system-deps:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@# CairoSVG draws report charts as PNG through the system's cairo.
	@/sbin/ldconfig -p | grep -q 'libcairo\.so\.2' || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcairo2 >/dev/null; }
	@# Dovecot is the IMAP server the mail tests start on 127.0.0.1 (the service itself stays off).
	@command -v /usr/sbin/dovecot >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null; }

TEST_PLUGIN_NAMES := $(notdir $(patsubst %/,%,$(TEST_PLUGIN_DIRS)))

# Every first-party plugin make installs is switched on the first time it is seen; later
# choices (`crm plugins disable`, the settings page) are kept in the database and win.
run: export CRM_PLUGINS ?= all
run: $(VENV)/.installed
	@# The test suite's plugins (some broken on purpose) have no place in a running instance.
	@if [ -f $(VENV)/.test-plugins ]; then 		$(BIN)/pip uninstall --quiet --yes $(TEST_PLUGIN_NAMES) && rm -f $(VENV)/.test-plugins; fi
	@mkdir -p var
	$(CRM) migrate
	@# The demo's summary (how to sign in) is held back and printed once the server answers,
	@# so it is the last thing on the screen; the worker writes to var/worker.log.
	@set -e; summary="Started without demo data: create an admin with $(CRM) user create EMAIL --password PW --role admin"; \
	if [ "$(CRM_DEMO)" != 0 ]; then \
		echo "Loading demo data if the database is empty ..."; \
		summary=$$(COLUMNS=200 $(CRM) demo --if-empty --contacts 2000 --seed 7); fi; \
	$(CRM) worker >>var/worker.log 2>&1 & worker=$$!; \
	$(CRM) run --port $(CRM_PORT) & server=$$!; \
	trap 'kill $$worker $$server 2>/dev/null; wait' EXIT INT TERM; \
	$(BIN)/python -m crm_platform.cli.wait_for_health http://127.0.0.1:$(CRM_PORT)/health --pid $$server; \
	echo "Background jobs log to var/worker.log."; \
	printf '%s\n' "$$summary"; \
	wait $$server

# Spread over every core; tests marked xdist_group run one after another in one worker.
test: system-deps $(VENV)/.test-plugins
	$(BIN)/python -m pytest -n auto --dist loadgroup

# wrk (Debian's package) loads the servers under test from its own process.
bench-deps:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

bench: bench-deps $(VENV)/.test-installed
	$(BIN)/python -m bench

lint: $(VENV)/.test-installed
	$(BIN)/python -m ruff check crm_platform hookspecs plugins tests bench
	@# Strict on the plugin contract (the files named in pyproject.toml's [tool.mypy]).
	$(BIN)/python -m mypy

clean:
	rm -rf $(VENV) var .pytest_cache
