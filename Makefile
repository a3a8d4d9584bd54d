# Two commands do all the set-up: `make run` serves, `make test` tests. Both build .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# torch first and pinned: 2.13.0 is the local CPU wheel; any other torch pulls CUDA wheels.
TORCH  := torch==2.13.0
# Python caches bytecode even where the environment says not to (these machines set it): else
# every `guide-rag` process compiles our modules again, and pytest rewrites its plugins at every
# start (tests/conftest.py does the same for a bare `pytest`).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast test-model install install-dev tune ingest bundle lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# run = tune + ingest + serve (+ eval): every layer but the test tools. A replica needs only
# `pip install '.[serve]'` (no torch); see docs/deployment.md (Serving anywhere).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e '.[serve,tune,eval]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Tune adapts the embedding model to the guides (about 4 minutes from nothing, 20 seconds for
# a new guide, a no-op when nothing changed; docs/tuning.md). Ingest is incremental: it embeds
# with the adapted model when there is one, else the base model, and says "up to date" when
# unchanged.
tune: install
	$(BIN)/guide-rag tune

# Exit 3 is "published, some guides skipped" (each named on stderr): serve what could be read.
ingest: install
	$(BIN)/guide-rag ingest || [ $$? -eq 3 ]

# Serves as soon as the index is built; adapts meanwhile and swaps the adapted model in.
run: ingest
	$(BIN)/guide-rag serve --adapt

# The fast suite (fake embedder, real FAISS, real servers) needs no trained model: it runs first,
# on both cores, so a broken contract shows in about a minute. A module whose tests share a
# module-scoped fixture (servers, the browser, stdio MCP sessions) runs on one worker, which starts
# it once; every other test goes to whichever worker is free (loadgroup, tests/conftest.py). Then
# the model is adapted (a no-op when nothing changed) and the model, quality and system tests
# (venvs, nginx) run.
test: test-fast test-model

test-fast: install-dev
	$(BIN)/python -m pytest -m "not model and not system" -n 2 --dist loadgroup $(PYTEST_ARGS)

test-model: install-dev
	$(BIN)/guide-rag tune
	$(BIN)/python -m pytest -m "model or system" $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install-dev
	$(BIN)/python bench/latency.py

# A bundle of the published index (and its model) for replicas: make bundle OUT=dist/v1.tar
OUT ?= dist/guide-rag-bundle.tar
bundle: ingest
	$(BIN)/guide-rag bundle --out $(OUT)

clean:
	rm -rf $(VENV) index models reports .pytest_cache .ruff_cache .mypy_cache *.egg-info
