#!/usr/bin/env bash
# The same acid test against the onnxruntime-gpu wheel that Dockerfile.server-cuda ships (pinned in
# scripts/requirements-cuda.txt), on this machine without CUDA: the C API works as on the CPU build, the CUDA
# provider fails cleanly for want of the CUDA runtime, and the CUDA major version that provider links against is
# the one of the image's nvidia/cuda base, so the image carries the libraries the provider needs.
set -euo pipefail
cd "$(dirname "$0")/../.."

export ORT_REQUIREMENTS=scripts/requirements-cuda.txt ORT_VENV=.venv-ort-gpu ORT_LIB_DIR=$PWD/.build-ort/gpu-lib
Tests/CONNXRuntimeCheck/run.sh

cudart=$(ldd "$ORT_LIB_DIR/libonnxruntime_providers_cuda.so" | sed -n 's/.*libcudart\.so\.\([0-9]*\).*/\1/p' | head -1)
image=$(sed -n 's/^FROM nvidia\/cuda:\([0-9]*\)\..*/\1/p' Dockerfile.server-cuda)
if [ -z "$cudart" ] || [ "$cudart" != "$image" ]; then
  echo "the CUDA provider links libcudart.so.${cudart:-?}, but Dockerfile.server-cuda's base is CUDA ${image:-?}" >&2
  exit 1
fi
echo "CUDA provider and image agree: CUDA $cudart"
