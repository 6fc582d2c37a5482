# The verbs of this project. Every target installs what it needs into .venv on first use.
# Settings of every tool live in pyproject.toml.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed

.DEFAULT_GOAL := help
.PHONY: help install system-deps test contract spec-guard lint generate check-generated mock bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(INSTALLED)  ## create .venv and install the project with its dev tools

system-deps:  ## the Debian packages the tests need (chromium, redis-server), installed if missing (as root)
	@scripts/system_deps.sh

test: $(INSTALLED) system-deps  ## run every test: spec, generated client, client, mock, inbox page, contract suite, lint
	$(BIN)/python -m pytest --cov --cov-report=term

contract: $(INSTALLED)  ## the main job: does the server keep the contract? (SMS_BASE_URL, else the local mock)
	@mkdir -p reports
	$(BIN)/python -m pytest contract_tests --junitxml=reports/contract-junit.xml $(PYTEST_ARGS)

spec-guard: $(INSTALLED)  ## fail on a breaking spec change against BASE (default: before the spec's last change)
	$(BIN)/python scripts/spec_guard.py $(if $(BASE),--base $(BASE))

lint: $(INSTALLED) $(NODE_INSTALLED)  ## ruff, mypy --strict, the import layering, and both OpenAPI linters
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/openapi-spec-validator openapi/sms-api.yaml
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true node_modules/.bin/redocly lint openapi/sms-api.yaml

generate: $(INSTALLED)  ## regenerate generated/sms_api from openapi/
	$(BIN)/python scripts/generate.py

check-generated: $(INSTALLED)  ## fail if generated/ is not exactly what openapi/ produces
	$(BIN)/python scripts/check_generated.py

mock: $(INSTALLED)  ## run the mock on http://127.0.0.1:4010 until Ctrl-C (MOCK_ARGS="--store outbox.sqlite3 ...")
	$(BIN)/sms-mock --host 127.0.0.1 --port 4010 $(MOCK_ARGS)

bench: $(INSTALLED) $(NODE_INSTALLED)  ## side-by-side benchmarks (mock vs Prism, client vs bare httpx); installs wrk
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:  ## remove the virtualenv, node tools and caches
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis reports .bench
