# hotline — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
# The newest Python on the machine, tested beside the distribution's own.
VENV_NEWEST := .venv-newest
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-calls test-deploy test-fast test-newest lint format system-deps venv messages static asterisk asterisk-start \
	asterisk-stop migrate demo serve call

run: system-deps venv messages static asterisk migrate demo asterisk-start serve

# The demo only: its supervisor and administrator sign in without a phone
# (see README); production settings refuse this variable.
run: export HOTLINE_DEMO_SKIP_SECOND_FACTOR := 1

# `make test` runs three parts at the same time, each into var/test/<part>.log,
# printed whole as it ends (scripts/test-parts.sh, decision 0034). One after
# the other they took 45 minutes on the 2-core CI machine; side by side the
# longest part (the real calls, about 22 minutes) sets the time:
#
#   calls   the tests of real calls and the browser, one at a time: they share
#           the session's Asterisk and time real media;
#   deploy  the install on a debootstrapped Debian 12, its simulated internet,
#           the upgrade under a call: a "VPS" in namespaces of its own (its own
#           Asterisk, PostgreSQL, Redis, browser), so nothing of the calls' part;
#   fast    the suite without Asterisk and the browser, on the distribution's
#           Python and then on the newest, at the lowest CPU priority: the other
#           two parts wait on timers, media and downloads most of the time, and
#           the scheduler gives them the CPU whenever they want it.
#
# The two fast runs go one after the other, never together: each names its
# test databases (test_*_gwN) and Redis numbers (REDIS_URL's + 1 + N) after
# its xdist workers only (tests/conftest.py), so together they would share them.
# The calls' part has test_* and REDIS_URL's own number; the deploy part uses
# neither.
#
# TEST_WORKERS: xdist workers of the fast runs; more than the cores, since a
# worker waits on PostgreSQL, Redis and the servers its tests start.
TEST_WORKERS ?= 4
UNIT_TESTS := -m "not asterisk and not browser" -n $(TEST_WORKERS) --durations=15
DEPLOY_TESTS := tests/deploy -m "asterisk or browser" --durations=15
CALLS_TESTS := -m "asterisk or browser" --ignore=tests/deploy --durations=15

test: system-deps venv messages static asterisk lint
	@scripts/test-parts.sh \
		"calls=$(MAKE) --no-print-directory test-calls" \
		"deploy=$(MAKE) --no-print-directory test-deploy" \
		"fast=nice -n 19 $(MAKE) --no-print-directory test-fast"

test-calls: venv
	$(VENV)/bin/pytest $(CALLS_TESTS)

test-deploy: venv
	$(VENV)/bin/pytest $(DEPLOY_TESTS)

# Both fast runs, whatever the first one's result.
test-fast: venv
	@$(VENV)/bin/pytest $(UNIT_TESTS); first=$$?; \
	$(MAKE) --no-print-directory test-newest; newest=$$?; \
	[ $$first -eq 0 ] && [ $$newest -eq 0 ]

# The suite without Asterisk and the browser on the newest Python, when it
# differs from the distribution's (the fast part already ran on that one).
test-newest: venv
	@newest=$$(scripts/find-python.sh --newest); \
	if [ "$$($$newest -c 'import sys; print(sys.version_info[:2])')" = \
	     "$$($(PY) -c 'import sys; print(sys.version_info[:2])')" ]; then \
		echo "test-newest: $(PY) is already the newest Python"; \
	else \
		$(MAKE) $(VENV_NEWEST)/.installed && \
		echo "--- the newest Python's run:" && \
		$(VENV_NEWEST)/bin/pytest $(UNIT_TESTS); \
	fi

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

system-deps:
	@scripts/install-system-deps.sh

venv: $(VENV)/.installed

# --clear: a virtual environment left by another interpreter is made afresh.
$(VENV)/.installed: pyproject.toml
	$$(scripts/find-python.sh) -m venv --clear $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

$(VENV_NEWEST)/.installed: pyproject.toml
	$$(scripts/find-python.sh --newest) -m venv --clear $(VENV_NEWEST)
	$(VENV_NEWEST)/bin/pip install --quiet --upgrade pip
	$(VENV_NEWEST)/bin/pip install --quiet -e '.[test]'
	touch $@

messages: venv
	$(MANAGE) compilemessages --ignore=.venv --ignore=.venv-newest --ignore=node_modules -v 0

# JsSIP from npm ships no browser bundle: esbuild makes one into the
# git-ignored hotline/static/vendor/ before collectstatic.
static: venv node_modules/.installed
	npm run --silent build
	mkdir -p var
	$(MANAGE) collectstatic --noinput -v 0

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

asterisk:
	@asterisk/install.sh

asterisk-start: venv
	@asterisk/ctl.sh start

asterisk-stop:
	@asterisk/ctl.sh stop

migrate: venv
	mkdir -p var
	$(MANAGE) migrate --noinput -v 0

demo: venv
	$(MANAGE) load_demo_data
	$(MANAGE) load_demo_desk

serve: venv
	HOTLINE_DAILY_JOBS=$${HOTLINE_DAILY_JOBS:-1} $(VENV)/bin/daphne -b $(HOST) -p $(PORT) hotline.asgi:application

call:
	@asterisk/call.sh
