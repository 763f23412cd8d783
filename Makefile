# customer-agent: `make run` installs and starts the server; `make test` installs and runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run test lint typecheck clean-data eval bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	# the embedding model's ONNX export (once per machine, ~/.cache/customer-agent/models)
	$(BIN)/python -c "from knowledge_base.embedder import Embedder; Embedder()"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/customer-agent serve

# The whole suite on the embedded default (SQLite), then every scenario through the real
# engine again on the PostgreSQL server of this machine (store and LangGraph checkpoints).
test: install
	$(BIN)/python -m pytest -q -n 2
	CUSTOMER_AGENT_TEST_DATABASE=postgresql $(BIN)/python -m pytest -q -n 2 tests/scenarios

# `make eval EVAL_ARGS="--baseline reports/main/report.json --jobs 2"` to gate on a baseline.
eval: install
	$(BIN)/customer-agent eval run evals/suites --report reports/latest $(EVAL_ARGS)

bench: install
	$(BIN)/customer-agent bench --json reports/bench.json

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

clean-data:
	rm -rf data
