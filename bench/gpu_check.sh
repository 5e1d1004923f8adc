#!/usr/bin/env bash
# The CUDA execution-provider check for modelship-server, for a machine with an NVIDIA GPU (docs/server.md).
# Needs python3 with `onnx` and an `onnxruntime` build that has CUDAExecutionProvider, and a modelship-server
# built with --static-swift-stdlib (argument 1). Serves one generated MLP (256-512-512-10) twice, --device cpu
# and --device cuda, checks that both agree with onnxruntime's CUDA session, and times 64-row binary requests.
set -u
bin=$1
work=${OUT:-/tmp/gpu-check}
mkdir -p "$work/ortlib"
read -r capi providers < <(python3 -c 'import onnxruntime as o, os; print(os.path.join(os.path.dirname(o.__file__), "capi"), ",".join(o.get_available_providers()))')
echo "onnxruntime providers: $providers"
# The runtime finds provider libraries next to the path it was loaded from: link them all into one directory.
for f in "$capi"/libonnxruntime*.so*; do ln -sf "$f" "$work/ortlib/"; done
ln -sf "$(ls "$capi"/libonnxruntime.so.1.* | head -1)" "$work/ortlib/libonnxruntime.so.1"
python3 -c "import sys; sys.path.insert(0, 'Tests/python'); import models, pathlib; models.mlp(pathlib.Path('$work/mlp.onnx'), sizes=(256, 512, 512, 10))"
for device in cpu cuda; do
  port=$([ $device = cpu ] && echo 18080 || echo 18081)
  LD_LIBRARY_PATH="$work/ortlib" "$bin" serve --model-uri "$work/mlp.onnx" --model-name mlp --host 127.0.0.1 \
    --port $port --device $device --termination-log "$work/termination-$device" > "$work/server-$device.log" 2>&1 &
done
python3 - "$work" <<'PY'
import json, sys, time, urllib.request
import numpy as np, onnxruntime as ort
work = sys.argv[1]
def ready(port):
    for _ in range(600):
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/health/ready", timeout=1).status == 200
        except OSError:
            time.sleep(0.1)  # polling a condition
    return False
x = np.random.default_rng(0).standard_normal((64, 256)).astype(np.float32)
header = json.dumps({"inputs": [{"name": "x", "shape": [64, 256], "datatype": "FP32", "parameters": {"binary_data_size": x.nbytes}}],
                     "outputs": [{"name": "y", "parameters": {"binary_data": True}}]}).encode()
def infer(port):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v2/models/mlp/infer", data=header + x.tobytes(),
                                     headers={"Inference-Header-Content-Length": str(len(header))})
    with urllib.request.urlopen(request) as response:
        length = int(response.headers["Inference-Header-Content-Length"])
        return np.frombuffer(response.read()[length:], dtype="<f4").reshape(64, 10)
reference = ort.InferenceSession(f"{work}/mlp.onnx", providers=["CUDAExecutionProvider", "CPUExecutionProvider"])
print("reference session providers:", reference.get_providers())
failures = [] if "CUDAExecutionProvider" in reference.get_providers() else ["onnxruntime has no CUDA provider here"]
expected = reference.run(None, {"x": x})[0]
for device, port in (("cpu", 18080), ("cuda", 18081)):
    if not ready(port):
        print(device, "server not ready:", open(f"{work}/server-{device}.log").read()[-1500:])
        failures.append(f"the {device} server did not become ready")
        continue
    got = infer(port)
    difference = float(np.abs(got - expected).max())
    print(device, "max abs difference from the onnxruntime reference:", difference)
    if difference > 1e-3:
        failures.append(f"{device} outputs differ from the reference by {difference}")
    start, n = time.perf_counter(), 300
    for _ in range(n):
        infer(port)
    elapsed = time.perf_counter() - start
    print(f"{device}: {n} sequential 64-row binary requests, {n / elapsed:.0f} req/s, {64 * n / elapsed:.0f} rows/s")
print("FAILED: " + "; ".join(failures) if failures else "PASSED")
sys.exit(1 if failures else 0)
PY
status=$?
grep -h "model ready\|error" "$work"/server-*.log | cut -c1-300
kill %1 %2 2>/dev/null
exit $status
