# Two commands: `make run` sets up and serves the app with the reference record; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.requirements-installed

.PHONY: run serve test test-deep install db seed demo-accounts clean bench \
	translations-extract translations-update translations-compile

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Translations (issue 30): the interface's strings are extracted from the code and templates (babel.cfg) into
# app/translations/messages.pot; `translations-update` merges that template into each language's messages.po (the
# translators' files, committed; a language of config.LANGUAGES without one is started); `translations-compile`
# builds the messages.mo the app reads. The .mo files are build output, not committed (.gitignore): `make run`,
# `make serve` and `make test` compile them first. Fuzzy entries are left out of the .mo (a guess stays English
# until a translator confirms it). No source locations and sorted entries: two branches that mark strings in
# different files then touch different lines of the .po, not every line number below theirs.
# --ignore-dirs replaces Babel's default, which skips every directory whose name starts with "_": without it the
# macros of templates/_macros (the pager, the form errors, the filter bar) would never reach the catalogues.
TRANSLATIONS := app/translations
TRANSLATION_LANGUAGES := fr es ar ru zh
translations-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext -k lazy_ngettext:1,2 --no-location --sort-output \
		--no-wrap --omit-header --ignore-dirs '.* __pycache__' -o $(TRANSLATIONS)/messages.pot .

translations-update: translations-extract
	for lang in $(TRANSLATION_LANGUAGES); do \
		test -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po || \
			$(BIN)/pybabel init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang --no-wrap || exit 1; \
	done
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-wrap --ignore-obsolete --no-fuzzy-matching \
		--ignore-pot-creation-date

translations-compile: install
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

db: install translations-compile
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
test: install translations-compile
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The same suite with the fuzzers and Hypothesis searching far longer (minutes more): before a release, or after
# touching forms, the API's document or the treaty rules.
test-deep: install translations-compile
	HYPOTHESIS_PROFILE=deep FUZZ_EXAMPLES=60 $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup \
		$(PYTEST_ARGS)

# The key pages under load beside a hello-world app, at 20,000 and 200,000 requests (bench/run.py): every cache off
# (the headline) then on, each page on a mix of many accounts of each role opening different records, list pages
# and filters, with a write through the API every second; a table and bench/results.json. BENCH_ARGS chooses size
# and engine, e.g. BENCH_ARGS="--scales 20000 --engine postgresql --pages queue" (bench/run.py --help).
BENCH_ARGS ?=
bench: install translations-compile
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
