# 驿站通 Waystation — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/waystation

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen WAYSTATION_README_SHOTS=1 $(BIN)/pytest \
		tests/ui/test_screenshots.py tests/ui/test_aid_screenshots.py tests/ui/test_every_screen.py

bench: $(STAMP)
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.checkin
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.memory
	$(BIN)/python -m bench.generate
	$(BIN)/python -m bench.print_cards
	$(BIN)/python -m bench.tokens
	$(BIN)/python -m bench.handouts
	$(BIN)/python -m bench.training
	$(BIN)/python -m bench.import_members
	$(BIN)/python -m bench.hostile_files
	$(BIN)/python -m bench.monthly_report
	$(BIN)/python -m bench.power_cut
	$(BIN)/python -m bench.sync_push
	$(BIN)/python -m bench.sync_pull
	$(BIN)/python -m bench.sync_many
	$(BIN)/python -m bench.sync_day
	$(BIN)/python -m bench.scan_during_pull

clean:
	rm -rf $(VENV) build screenshots .mypy_cache .ruff_cache .pytest_cache
