# newslens: the two commands of the README, and a few more.
#   make report   set everything up, build the sample corpus, execute every notebook, render HTML
#   make test     set everything up, then run the whole test suite
# Everything installs into .venv from requirements.lock (exact pins); nothing is installed by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.newslens-installed
export PYTHONHASHSEED := 0

.PHONY: help setup report test lab bench lint format clean-cache browser

help:
	@echo "make report  - set up, build the sample corpus, run every notebook, render reports/"
	@echo "make test    - set up, run the whole test suite (installs Chromium when root)"
	@echo "make lab     - open JupyterLab on notebooks/ with the project's kernel"
	@echo "make bench   - run the benchmarks (quality, accuracy, speed ratios)"

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "newslens needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name newslens --display-name "Python (newslens)" >/dev/null
	$(PY) -m newslens setup
	@touch $@

setup: $(STAMP)

report: setup
	$(PY) -m newslens build --quiet
	$(PY) -m newslens report

browser:
	@bash scripts/ensure_chromium.sh

test: setup browser
	$(PY) -m pytest

# --allow-root: jupyter refuses to start as root otherwise (containers); no update/news checks.
lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) \
		--LabApp.news_url= --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

bench: setup
	$(PY) benchmarks/run_all.py

lint: setup
	$(VENV)/bin/ruff check lib tests benchmarks
	$(VENV)/bin/ruff format --check lib tests benchmarks

format: setup
	$(VENV)/bin/ruff format lib tests benchmarks

clean-cache:
	rm -rf data/processed reports
