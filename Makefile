# Peta Ekonomi. `make help` lists the targets.
.DEFAULT_GOAL := help
VENV := .venv
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help setup db data run test lint audit bench-etl bench-api bench-pages bench-load

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install what is missing: .venv, PostgreSQL and PostGIS (idempotent)
	@bash scripts/setup.sh

db: setup ## Create the database (with PostGIS) and apply the migrations
	$(FLASK) db create
	$(FLASK) db upgrade

data: db ## Load every bundled dataset of datasets/ (re-running changes nothing)
	$(FLASK) etl load-all datasets

run: data ## Serve the platform with the bundled data on http://127.0.0.1:5000
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup ## Run the whole test suite against a real, throwaway PostGIS database
	$(VENV)/bin/pytest

lint: setup ## Check the code with ruff
	$(VENV)/bin/ruff check .

audit: setup ## Check the installed packages for known vulnerabilities (pip-audit; PyPI's data)
	$(VENV)/bin/python scripts/audit.py

bench-etl: setup ## Benchmark: load 1,000,000 producers, ours against ogr2ogr
	$(VENV)/bin/python bench/etl_bench.py

bench-api: setup ## Benchmark: tiles and items at 100,000 and 1,000,000 producers, against tipg and pygeoapi
	$(VENV)/bin/python bench/api_bench.py --rows 100000
	$(VENV)/bin/python bench/api_bench.py --rows 1000000

LIGHTHOUSE := 12.8.2
bench-pages: setup ## Benchmark: weight and draw time of / against plain Folium, then Lighthouse (mobile) against 5590c64
	$(VENV)/bin/python bench/page_bench.py
	npm install --no-save --no-audit --no-fund --prefix bench/.node lighthouse@$(LIGHTHOUSE)
	$(VENV)/bin/python bench/page_bench.py --lighthouse --baseline 5590c64

bench-load: setup ## Benchmark: 60 s of mixed reads under gunicorn, then again while a steward uploads 100,000 producers
	$(VENV)/bin/python bench/load_test.py
