# The course's commands. `make reproduce` and `make test` set everything up themselves:
# a virtual environment in .venv (exact versions from constraints.txt), the data, then the run.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BUDGET ?= full
JOBS ?= 1
export FMNIST_PROGRESS ?= $(if $(CI),0,1)

.PHONY: help install data system lint test test-fast test-lib test-notebooks reproduce report notebooks \
        lab book browser-check lab-check test-oldest bench bench-paper clean release

help:
	@echo "make reproduce [BUDGET=full|smoke] [JOBS=2]  train every experiment (JOBS runs at a time), write results/<budget>/REPORT.md"
	@echo "make report [BUDGET=...]            results/<budget>/ from the finished runs, training nothing"
	@echo "make test                           lint, library tests, notebooks (nbval, smoke budget), book + browser check"
	@echo "make test-fast                      the unit tests only (no slow integration tests, no artifact checks)"
	@echo "make lint                           ruff (lint + format check) and mypy"
	@echo "make lab                            JupyterLab on the course"
	@echo "make book                           build the Jupyter Book (warnings are errors)"
	@echo "make bench                          run the benchmarks (a few minutes)"
	@echo "make bench-paper                    time the paper's 7 models from scratch (quiet machine)"
	@echo "make notebooks [BUDGET=...]         execute the notebooks and store their outputs"

# lab-settings/overrides.json: JupyterLab saves the widgets' state with the notebook (else a
# reopened notebook shows "Error displaying widget" where its widgets were); its server setting
# (lab-settings/jupyter_server_config.py) keeps the saved widgets of a chapter saved unrun.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
$(STAMP): pyproject.toml constraints.txt lab-settings/overrides.json lab-settings/jupyter_server_config.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test,lab,book,search,dev]'
	mkdir -p $(LAB_SETTINGS) && cp lab-settings/overrides.json $(LAB_SETTINGS)/
	mkdir -p $(VENV)/etc/jupyter && cp lab-settings/jupyter_server_config.py $(VENV)/etc/jupyter/
	@touch $@

install: $(STAMP)

# The data: verified copy found (FMNIST_DATA, data/, Debian's package; asked of the lessons' data
# module, not the command line, which imports the machinery: seconds saved on every make)? Else install Debian's
# package when we can (root + apt), else let torchvision download it (online).
data: $(STAMP)
	@if ! $(BIN)/python -c "from fmnist_lib import data; data.locate(download=False)" \
	  > /dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null && [ -z "$$FMNIST_DATA" ]; then \
	    echo "Installing Debian's dataset-fashion-mnist..."; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist > /dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist > /dev/null; } || true; \
	  fi; \
	  $(BIN)/python -m fmnist_lib data || exit 1; \
	fi

# What apt must bring for `make test`: Debian's chromium (the browser checks drive it; never
# Playwright's download), npm (the book's JavaScript) and postgresql (the search's shared-storage
# test). Installed here as root with apt, like `make data`; otherwise it stops, before any work,
# with the command to run.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
system:
	@missing() { \
	  [ -x "$(CHROMIUM)" ] || printf ' chromium'; \
	  command -v $(NPM) > /dev/null || printf ' npm'; \
	  compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" > /dev/null || printf ' postgresql'; }; \
	need=$$(missing); \
	if [ -n "$$need" ] && [ "$$(id -u)" = 0 ] && command -v apt-get > /dev/null; then \
	  echo "Installing Debian's$$need (make test needs them)..."; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need > /dev/null 2>&1 || \
	  { apt-get update -qq > /dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need > /dev/null; } || true; \
	  need=$$(missing); \
	fi; \
	if [ -n "$$need" ]; then \
	  echo "make test needs Debian's$$need: run  sudo apt-get install$$need  then make test again"; \
	  exit 1; \
	fi

test: system lint test-lib test-notebooks browser-check lab-check

# ruff: the library, tests, tools and the notebooks' code cells; mypy: the library (pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline --min-severity low .github/workflows/
	$(BIN)/python tools/release.py check

# A release: the version written everywhere (tools/release.py), the checks, both books and the
# wheel built, a commit and the tag vX.Y.Z. Pushing the tag publishes (.github/workflows/publish.yml).
release: $(STAMP)
	@test -n "$(VERSION)" || { echo "make release VERSION=X.Y.Z"; exit 1; }
	@git diff --quiet HEAD || { echo "release: commit or stash your changes first"; exit 1; }
	$(BIN)/python tools/release.py set $(VERSION)
	$(MAKE) lint
	$(BIN)/python -m pytest -q tests/test_release.py tests/test_packaging.py -p no:cacheprovider
	$(MAKE) book
	rm -rf dist && $(BIN)/python -m build --wheel --outdir dist .
	git commit -qam "Release v$(VERSION)"
	git tag -a v$(VERSION) -m "Release v$(VERSION)"
	@echo "release: tagged v$(VERSION), wheel in dist/. Publish: git push origin HEAD v$(VERSION)"

test-lib: data
	$(BIN)/python -m pytest tests

# The oldest versions pyproject.toml declares (constraints-oldest.txt), in .venv-oldest: chapters
# 1 and 4 at the smoke budget. Reinstalls only when the pins or [project] change. CI runs it.
test-oldest: data
	tools/test_oldest.sh

# Unit tests: no test marked slow (integration: subprocesses, several trainings) or artifacts.
test-fast: data
	$(BIN)/python -m pytest tests -m "not slow and not artifacts" -q

test-notebooks: data
	@if ls notebooks/*.ipynb > /dev/null 2>&1; then \
	  FMNIST_BUDGET=smoke FMNIST_PROGRESS=0 FMNIST_SOLUTIONS=run $(BIN)/python -m pytest --nbval-lax notebooks/ \
	    es/notebooks/ -p no:cacheprovider; \
	else echo "no notebooks yet"; fi

# The book. Its JavaScript (MathJax, the ipywidgets embed manager, RequireJS, anywidget's front end
# for the size calculator) comes from npm
# (package-lock.json) into book_assets/, which Sphinx copies into _build/html/_static/: the site
# needs no CDN. --all: every page is read again, so -W sees every warning on every build.
NPM ?= npm
ASSETS := book_assets
MATHJAX_FILES := tex-mml-chtml.js a11y adaptors input output sre ui
WIDGETS_DIST := node_modules/@jupyter-widgets/html-manager/dist

node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error

$(ASSETS)/.stamp: node_modules/.package-lock.json book_ext/widgets-setup.js
	rm -rf $(ASSETS)
	mkdir -p $(ASSETS)/mathjax $(ASSETS)/widgets $(ASSETS)/requirejs
	cp -R $(addprefix node_modules/mathjax/es5/,$(MATHJAX_FILES)) node_modules/mathjax/LICENSE $(ASSETS)/mathjax/
	cp $(WIDGETS_DIST)/embed-amd.js $(WIDGETS_DIST)/*.woff2 $(WIDGETS_DIST)/*.woff $(WIDGETS_DIST)/*.ttf \
	  $(WIDGETS_DIST)/*.eot $(WIDGETS_DIST)/*.svg book_ext/widgets-setup.js $(ASSETS)/widgets/
	cp node_modules/anywidget/dist/index.js $(ASSETS)/widgets/anywidget.js
	cp node_modules/anywidget/LICENSE $(ASSETS)/widgets/anywidget-LICENSE
	cp node_modules/requirejs/require.js $(ASSETS)/requirejs/
	@touch $@

# The Spanish edition (es/) is a book of its own, built into es/_build and copied into
# _build/html/es/, beside the English pages that link to it.
book: $(STAMP) $(ASSETS)/.stamp
	$(BIN)/jupyter-book build . --all -W -n --keep-going
	$(BIN)/jupyter-book build es --all -W -n --keep-going
	rm -rf _build/html/es && cp -R es/_build/html _build/html/es

# Every page of the built book in Debian's chromium, offline (book_checks/test_browser.py).
browser-check: book
	$(BIN)/python -m pytest book_checks/test_browser.py -p no:cacheprovider

# One chapter in JupyterLab as `make lab` opens it (rooted at notebooks/), driven by chromium:
# Run All at the smoke budget, save (the .py twin follows), reopen: no widget error.
lab-check: data
	$(BIN)/python -m pytest book_checks/test_lab.py -p no:cacheprovider

# Where runs live is the library's decision (fmnist_lib/experiments/runs.py), the same for every command, the
# notebooks and the lab: $FMNIST_RUNS if set; else, at the full budget, the published reference
# runs (results/reference-runs), so nothing that ships is retrained; else runs/.
reproduce: data
	$(BIN)/python -m fmnist_lib reproduce --budget $(BUDGET) --jobs $(JOBS)

# results/<budget>/ again from the finished runs, training nothing.
report: data
	$(BIN)/python -m fmnist_lib report --budget $(BUDGET)

# Execute every notebook of both editions at BUDGET and store it with its outputs (finished
# runs are reused); the Spanish twins are brought in step (code cells) before they run.
notebooks: data
	$(BIN)/python tools/run_notebooks.py --budget $(BUDGET) --edition en
	$(BIN)/python tools/translations.py sync
	$(BIN)/python tools/run_notebooks.py --budget $(BUDGET) --edition es

# The course's own notebooks are trusted, so that the lab draws their saved widgets (and the
# quizzes' saved JavaScript) on first open.
lab: data
	$(BIN)/jupyter trust notebooks/[0-9][0-9]_*.ipynb es/notebooks/[0-9][0-9]_*.ipynb \
	  notebooks/quizzes/*_quiz.ipynb es/notebooks/quizzes/*_quiz.ipynb > /dev/null
	$(BIN)/jupyter lab notebooks/

bench: data
	$(BIN)/python benchmarks/data_pipeline.py
	$(BIN)/python benchmarks/training_overhead.py
	$(BIN)/python benchmarks/profile_epoch.py
	$(BIN)/python benchmarks/roofline.py
	$(BIN)/python benchmarks/speedups.py
	$(BIN)/python benchmarks/layers.py
	$(BIN)/python benchmarks/freed_memory.py
	$(BIN)/python benchmarks/two_at_a_time.py
	$(BIN)/python benchmarks/thread_settings.py
	$(BIN)/python benchmarks/bf16.py

# The paper's seven models trained from scratch (runs/paper-time/), JOBS at a time, timed against
# the machine's GEMM rate: benchmarks/paper_time.md. Run it with nothing else on the machine.
bench-paper: data
	rm -rf runs/paper-time
	$(BIN)/python benchmarks/paper_time.py --jobs $(JOBS)

clean:
	rm -rf _build .pytest_cache
