# Modelship: `make demo` runs the product on the embedded control plane; `make test` runs every test.
SWIFT ?= swift
PYTHON ?= .venv/bin/python
BIN := .build/debug
# modelship-server links the libonnxruntime of the pinned PyPI wheel, linked into .build-ort/lib by
# scripts/setup-onnxruntime.sh. The second rpath is the image layout: bin/modelship-server + lib/libonnxruntime.so.1.
ORT_LIB := $(CURDIR)/.build-ort/lib
SWIFT_FLAGS := -Xlinker -L$(ORT_LIB) -Xlinker -rpath -Xlinker $(ORT_LIB) -Xlinker -rpath -Xlinker '$$ORIGIN/../lib'

.PHONY: all build ort test test-swift test-python deps demo bench-server clean

all: build

deps: ## Tools the tests and the demo need (idempotent: installs only what is missing).
	@scripts/install-deps.sh

ort: ## libonnxruntime for linking and running modelship-server (idempotent).
	@scripts/setup-onnxruntime.sh >/dev/null

build: ort
	$(SWIFT) build $(SWIFT_FLAGS)

test: deps build
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_FLAGS)
	$(PYTHON) -m pytest -q Tests/python
	Tests/CONNXRuntimeCheck/run.sh
	Tests/CONNXRuntimeCheck/run-gpu-build.sh

test-swift: build
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_FLAGS)

test-python: build
	$(PYTHON) -m pytest -q Tests/python

bench-server: ort ## modelship-server against FastAPI, KServe, raw ONNX Runtime and nginx (docs/benchmarks.md)
	@scripts/install-deps.sh --bench
	$(SWIFT) build -c release --product modelship-server $(SWIFT_FLAGS)
	$(PYTHON) bench/server_bench.py

demo: deps build
	@scripts/demo.sh

clean:
	rm -rf .build .modelship
