# Two commands: `make run` sets up and serves the app with the reference record; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.requirements-installed

.PHONY: run serve test test-deep install db seed demo-accounts clean bench

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

db: install
	mkdir -p instance
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed reference

demo-accounts: seed
	$(FLASK) users demo

run: demo-accounts
	$(FLASK) run --host 127.0.0.1 --port 5000

# Serving for real use (README): gunicorn, WEB_CONCURRENCY workers (2 by default), DATABASE_URL (PostgreSQL),
# RATELIMIT_STORAGE_URI and CACHE_STORAGE_URI=redis://… so that the processes share login throttling and kept
# pages. No demo accounts.
WEB_CONCURRENCY ?= 2
BIND ?= 127.0.0.1:8000
# --no-control-socket: gunicorn's control socket runs a thread in the master that forks the workers; with it on,
# workers died of SIGSEGV under load in our runs (a forked heap in a bad state), and nothing here uses it.
# Jobs (issue 28): JOB_WORKERS RQ workers and the cron scheduler on JOB_QUEUE_URL beside gunicorn, stopped with it.
JOB_QUEUE_URL ?= redis://127.0.0.1:6379/1
JOB_WORKERS ?= 1
serve: seed
	export JOB_QUEUE_URL=$(JOB_QUEUE_URL); pids=""; \
	for i in $$(seq $(JOB_WORKERS)); do $(FLASK) jobs worker & pids="$$pids $$!"; done; \
	$(FLASK) jobs cron & pids="$$pids $$!"; \
	trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	WEB_CONCURRENCY=$(WEB_CONCURRENCY) $(BIN)/gunicorn --no-control-socket --bind $(BIND) --access-logfile - \
		"app:create_app()"

# SQLite by default; PostgreSQL when TEST_DATABASE_URL is set; browser tests when Chromium is present. Across the
# cores (pytest-xdist; the browser tests share one worker and one live server): PYTEST_WORKERS=0 runs in one
# process. PYTEST_ARGS adds options (.ci/run: the ten slowest tests; no browser tests on the PostgreSQL pass).
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=
test: install
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The same suite with the fuzzers and Hypothesis searching far longer (minutes more): before a release, or after
# touching forms, the API's document or the treaty rules.
test-deep: install
	HYPOTHESIS_PROFILE=deep FUZZ_EXAMPLES=60 $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup \
		$(PYTEST_ARGS)

# The key pages under load beside a hello-world app, at 20,000 and 200,000 requests (bench/run.py): every cache off
# (the headline) then on, each page on a mix of many accounts of each role opening different records, list pages
# and filters, with a write through the API every second; a table and bench/results.json. BENCH_ARGS chooses size
# and engine, e.g. BENCH_ARGS="--scales 20000 --engine postgresql --pages queue" (bench/run.py --help).
BENCH_ARGS ?=
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
