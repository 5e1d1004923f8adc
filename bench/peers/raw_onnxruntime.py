"""The compute ceiling: ONNX Runtime in-process, no HTTP. Prints rows/s for batch sizes given as arguments.
Run: MODEL=path THREADS=n SECONDS=s python raw_onnxruntime.py 1 64
"""
import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort

options = ort.SessionOptions()
options.intra_op_num_threads = int(os.environ.get("THREADS", "1"))
session = ort.InferenceSession(os.environ["MODEL"], options, providers=["CPUExecutionProvider"])
seconds = float(os.environ.get("SECONDS", "5"))
results = {}
for batch in map(int, sys.argv[1:]):
    x = np.random.default_rng(0).standard_normal((batch, 256)).astype(np.float32)
    for _ in range(50):
        session.run(None, {"x": x})
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        session.run(None, {"x": x})
        runs += 1
    results[batch] = runs * batch / (time.perf_counter() - start)
print(json.dumps(results))
