#!/usr/bin/env bash
# Provides libonnxruntime for C/Swift builds without system packages: installs the pinned PyPI
# `onnxruntime` wheel (and `onnx`, used by the checks) into .venv and links the wheel's library into
# .build-ort/lib, where `-L`/`-rpath` can find it. The wheel ships no headers; Sources/CONNXRuntime
# declares the API itself. Safe to run again. Progress goes to stderr; stdout is the lib dir only.
set -euo pipefail
cd "$(dirname "$0")/.."

# The one place the versions are pinned; ORT_REQUIREMENTS=scripts/requirements-cuda.txt takes the
# onnxruntime-gpu wheel instead (Dockerfile.server-cuda), whose module is also called onnxruntime.
requirements=${ORT_REQUIREMENTS:-scripts/requirements-test.txt}
ort_pin=$(grep -E '^onnxruntime(-gpu)?==' "$requirements")
onnx_pin=$(grep -E '^onnx==' "$requirements")
ort_package=${ort_pin%%==*}
ort_version=${ort_pin#*==}
lib_dir=${ORT_LIB_DIR:-$PWD/.build-ort/lib}
venv=${ORT_VENV:-.venv}

[ "$(uname -s)" = Linux ] || { echo "setup-onnxruntime.sh: only Linux wheels are handled" >&2; exit 1; }
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"

installed_version() { "$venv/bin/python" -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p'; }
if [ "$(installed_version "$ort_package")" != "$ort_version" ] || [ "$(installed_version onnx)" != "${onnx_pin#onnx==}" ]; then
  echo "installing $ort_pin $onnx_pin into $venv" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$ort_pin" "$onnx_pin" >&2
fi

# Locate the package without importing it (importing would load the library).
capi=$("$venv/bin/python" -c 'import importlib.util as u; print(u.find_spec("onnxruntime").submodule_search_locations[0])')/capi
lib=$capi/libonnxruntime.so.$ort_version
[ -f "$lib" ] || { echo "setup-onnxruntime.sh: $lib not found" >&2; exit 1; }

# Relink from scratch so a version change leaves no stale links. Provider plugins are linked too:
# the runtime looks for them next to the path it was loaded from, which is this directory.
mkdir -p "$lib_dir"
rm -f "$lib_dir"/libonnxruntime*
ln -s "$lib" "$lib_dir/libonnxruntime.so.1"
ln -s libonnxruntime.so.1 "$lib_dir/libonnxruntime.so"
for provider in "$capi"/libonnxruntime_providers_*.so; do
  [ -e "$provider" ] && ln -s "$provider" "$lib_dir/"
done
echo "$lib_dir"
