# Faster Optimizers: `make lab` to open the course, `make test` to check it. `make help` lists all.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The environment is rebuilt only when pyproject.toml changes (or the stamp is missing).
STAMP := $(VENV)/.installed
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.DEFAULT_GOAL := help
.PHONY: help setup data lab demo test test-browser lint notebooks cache bench html claims repository screenshots clean

help:
	@echo "make lab    create .venv, fetch Fashion-MNIST, open JupyterLab on notebooks/"
	@echo "make test   create .venv, fetch Fashion-MNIST, run unit tests and nbval (quick mode)"
	@echo "make demo NB=01_momentum  one notebook as a page (Voila) on http://127.0.0.1:8866"
	@echo "make test-browser  only the real-browser tests (JupyterLab, Voila, classic Notebook with ipywidgets 7, in Chromium)"
	@echo "make screenshots  the browser test, saving its screenshots into docs/"
	@echo "make html   every executed notebook as HTML, with an index, in site/"
	@echo "make data   make Fashion-MNIST available (and say where it came from)"
	@echo "make lint   ruff over src, tests, benchmarks, tools and notebooks"
	@echo "make bench  time the explorer (against a naive re-plot), stability maps, training and the loss landscape"
	@echo "make notebooks [NB=01_momentum]  re-run notebooks in full mode, saving their outputs"
	@echo "make claims  rebuild docs/claims.md from the verdicts in the executed notebooks"
	@echo "make cache  train afresh and save the full runs that notebooks reuse (data/runs/)"
	@echo "make repository  write pyproject.toml's repository address into badges and setup cells"
	@echo "make clean  remove .venv and caches (data/ is kept)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 13) else "Python 3.10 to 3.13 is needed; found %d.%d. Try: make PYTHON=python3.12 ..." % v)'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the course and its dependencies into $(VENV) (a few minutes the first time)..."
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[tf,lab,test]"
	@touch $@

setup: $(STAMP)

data: $(STAMP)
	$(PY) -m helpers.data

# Jupyter refuses to run as root unless told (a container, a CI job, a cloud machine).
AS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
lab: data
	$(VENV)/bin/jupyter lab $(AS_ROOT) notebooks/

# One notebook for a class: only its text, widgets and figures, served on this machine only.
DEMO ?= 01_momentum
demo: data
	$(VENV)/bin/voila --no-browser --Voila.ip=127.0.0.1 --port=8866 notebooks/$(if $(NB),$(NB),$(DEMO)).ipynb

# Tests run in parallel (pytest-xdist; each notebook's cells together, tests/conftest.py): one
# process more than the cores, as kernels and browsers often wait, and at most 4. JOBS=1: one.
JOBS ?= $(shell $(PYTHON) -c 'import os; print(min(4, len(os.sched_getaffinity(0)) + 1))' 2>/dev/null || echo 2)
test: data
	FASTER_OPTIMIZERS_QUICK=1 $(PY) -m pytest -n $(JOBS) \
		tests notebooks $(NBVAL)

test-browser: data
	$(PY) -m pytest tests/browser

# The README's pictures of the explorer in JupyterLab, in Voila and in the classic Notebook with
# ipywidgets 7, taken by the browser tests.
screenshots: data
	FASTER_OPTIMIZERS_SCREENSHOTS=docs $(PY) -m pytest tests/browser

lint: $(STAMP)
	$(PY) -m ruff check src tests benchmarks tools notebooks

# Each benchmark prints its targets as PASS or MISSED; all of them run, and make bench fails if
# any target was missed.
bench: data
	@status=0; for b in explorer training landscape sweeps; do \
		$(PY) benchmarks/$$b.py || status=1; done; exit $$status

# Notebooks are committed with the outputs of a full run (not quick mode), one at a time, each
# after the notebooks whose saved runs it reads (tools/run_notebooks.py).
NB ?=
notebooks: data
	$(PY) tools/run_notebooks.py $(NB)
	$(PY) tools/claims.py

# The full-mode training runs that notebooks reuse (`training.train(..., cache=...)`), made
# afresh in one call: the saved results are removed, then those notebooks run in full mode
# (outputs not kept), so that a class can show the Fashion-MNIST race without waiting.
CACHED := $(shell grep -l 'cache=' notebooks/[0-9]*.ipynb)
cache: data
	$(PY) -c 'from helpers import training; print(training.clear_cache(), "saved runs removed")'
	out=$$(mktemp -d) && $(PY) tools/run_notebooks.py --output-dir $$out \
		$(basename $(notdir $(CACHED))) && rm -rf $$out
	@echo "saved runs now: $$(ls data/runs | wc -l), in data/runs/"

# docs/claims.md: the table of every claim tested, read from the executed notebooks.
claims: $(STAMP)
	$(PY) tools/claims.py

# A static copy for reading without a kernel: site/index.html and one page per notebook.
html: $(STAMP)
	$(PY) tools/build_html.py site

clean:
	rm -rf $(VENV) .venv-colab build site src/*.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +

# The repository's address lives in pyproject.toml ([project.urls] Repository); a fork changes
# that line and runs this, which rewrites the notebooks' badges and setup cells and the README.
repository: $(STAMP)
	$(PY) tools/repository.py
