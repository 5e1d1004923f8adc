#!/usr/bin/env bash
# Acid test for Sources/CONNXRuntime: compiles check.c (plus shim.c, whose static asserts pin the
# OrtApi slots) against the wheel's libonnxruntime, runs it on a tiny model and compares the result
# with the Python onnxruntime reference. Exits non-zero on a build failure, crash or mismatch.
set -euo pipefail
cd "$(dirname "$0")/../.."

lib_dir=$(scripts/setup-onnxruntime.sh)
work=.build-ort/check
mkdir -p "$work"
"${ORT_VENV:-.venv}/bin/python" Tests/CONNXRuntimeCheck/make_model.py "$work/model.onnx"
cc -std=c11 -Wall -Wextra -Werror -O1 -I Sources/CONNXRuntime/include \
  Tests/CONNXRuntimeCheck/check.c Sources/CONNXRuntime/shim.c -o "$work/check" \
  -L "$lib_dir" -lonnxruntime -Wl,-rpath,"$lib_dir"
"$work/check" "$work/model.onnx" | tee "$work/check.out"
"${ORT_VENV:-.venv}/bin/python" Tests/CONNXRuntimeCheck/reference.py "$work/model.onnx" "$work/check.out"
