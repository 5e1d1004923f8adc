# Modelship: `make demo` runs the product on the embedded control plane; `make test` runs every test.
SWIFT ?= swift
PYTHON ?= .venv/bin/python
BIN := .build/debug

.PHONY: all build test test-swift test-python deps demo clean

all: build

deps: ## Tools the tests and the demo need (idempotent: installs only what is missing).
	@scripts/install-deps.sh

build:
	$(SWIFT) build

test: deps build
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(PYTHON) -m pytest -q Tests/python
	Tests/CONNXRuntimeCheck/run.sh

test-swift: build
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-python: build
	$(PYTHON) -m pytest -q Tests/python

demo: deps build
	@scripts/demo.sh

clean:
	rm -rf .build .modelship
