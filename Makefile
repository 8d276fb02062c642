# hotline — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
# The newest Python on the machine, tested beside the distribution's own.
VENV_NEWEST := .venv-newest
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-newest lint format system-deps venv messages static asterisk asterisk-start \
	asterisk-stop migrate demo serve call

run: system-deps venv messages static asterisk migrate demo asterisk-start serve

# The demo only: its supervisor and administrator sign in without a phone
# (see README); production settings refuse this variable.
run: export HOTLINE_DEMO_SKIP_SECOND_FACTOR := 1

# The suite without Asterisk and the browser runs in one worker per core
# (pytest-xdist); the tests of real calls and the browser run one at a time,
# since they share the session's Asterisk and time real media.
TEST_WORKERS ?= auto
UNIT_TESTS := -m "not asterisk and not browser" -n $(TEST_WORKERS) --durations=15

# The newest Python's run goes beside the real calls' tests, at the lowest CPU
# priority: those tests wait on timers and media most of the time, and the
# scheduler gives them the CPU whenever they want it. Its own test databases
# (test_*_gwN) and Redis numbers (one per worker) are not the calls' tests'.
test: system-deps venv messages static asterisk lint
	$(VENV)/bin/pytest $(UNIT_TESTS)
	@mkdir -p var; nice -n 19 $(MAKE) --no-print-directory test-newest > var/test-newest.log 2>&1 & \
	newest=$$!; \
	$(VENV)/bin/pytest -m "asterisk or browser" --durations=15; calls=$$?; \
	wait $$newest; newest_status=$$?; \
	echo "--- the newest Python's run (var/test-newest.log):"; cat var/test-newest.log; \
	[ $$calls -eq 0 ] && [ $$newest_status -eq 0 ]

# The suite without Asterisk and the browser on the newest Python, when it
# differs from the distribution's (the whole suite already ran on that one).
test-newest: venv
	@newest=$$(scripts/find-python.sh --newest); \
	if [ "$$($$newest -c 'import sys; print(sys.version_info[:2])')" = \
	     "$$($(PY) -c 'import sys; print(sys.version_info[:2])')" ]; then \
		echo "test-newest: $(PY) is already the newest Python"; \
	else \
		$(MAKE) $(VENV_NEWEST)/.installed && \
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
