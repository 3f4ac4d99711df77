# Quote Board — the two commands are `make run` and `make test`; each sets up .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
APP_STAMP := $(VENV)/.app-installed
DEV_STAMP := $(VENV)/.dev-installed
BUILD_STAMP := $(VENV)/.build-installed
LINT_DIRS := desktop tests installer $(wildcard benchmarks)
export QT_API := pyside6

.PHONY: run test check lint format sim smoke venv clean bench bench-quick reliability icons installer gateway

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(APP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dev,postgres]'
	touch $@ $(APP_STAMP)

$(BUILD_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[build,postgres]'
	touch $@ $(APP_STAMP)

venv: $(DEV_STAMP)

## run: set up and start the app (built-in simulator when no API token is configured)
run: $(APP_STAMP)
	$(BIN)/quoteboard $(ARGS)

## test: set up and run the test suite (headless)
test: $(DEV_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest --cov --cov-report=term-missing:skip-covered $(PYTEST_ARGS)

## lint: ruff, mypy --strict on desktop/, import-linter layer contracts
lint: $(DEV_STAMP)
	$(BIN)/ruff check $(LINT_DIRS)
	$(BIN)/ruff format --check $(LINT_DIRS)
	$(BIN)/mypy
	$(BIN)/lint-imports

## check: everything CI checks
check: lint test

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix $(LINT_DIRS)
	$(BIN)/ruff format $(LINT_DIRS)

## sim: run the AllTick-compatible market simulator standalone
sim: $(APP_STAMP)
	$(BIN)/quoteboard-sim $(ARGS)

## gateway: the desk gateway on the simulator (starts redis-server on REDIS_PORT when none answers)
## and, with HISTORY_DSN=postgresql://…, its history writer (README "Desk gateway")
REDIS_PORT ?= 6379
HISTORY_DSN ?=
gateway: $(DEV_STAMP)
	$(BIN)/python -m desktop.gateway.local_stack --port $(REDIS_PORT) $(if $(HISTORY_DSN),--history '$(HISTORY_DSN)')

## smoke: run the whole app headless for 8 seconds and print its JSON summary
smoke: $(APP_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/quoteboard --smoke 8

## reliability: inject every simulator fault into the feed client and print the fault matrix,
## then fuzz the decoder and book with a million frames and feed the recorder poison rows
reliability: $(DEV_STAMP)
	$(BIN)/python -m benchmarks.fault_matrix
	$(BIN)/python -m benchmarks.frame_fuzz 1000000
	$(BIN)/python -m benchmarks.poison_rows

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@ $(APP_STAMP)

## bench: the full benchmark ladder, ours vs the naive baseline (≈ 10 min; see README "Performance")
bench: $(BENCH_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks $(ARGS)

## bench-quick: a small ladder in under a minute (CI runs it to prove the harness works)
bench-quick: $(BENCH_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks --quick $(ARGS)

## icons: render resources/icons/quoteboard.svg to the PNG sizes, .ico and .icns (all committed)
icons: $(APP_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python installer/make_icons.py

## installer: build the PyInstaller bundle (dist/quoteboard/) and the .deb next to it (Linux)
installer: $(BUILD_STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
	  --distpath dist --workpath build/pyinstaller installer/quoteboard.spec
	installer/linux/build_deb.sh dist/quoteboard dist
	@du -sh dist/quoteboard

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .coverage
