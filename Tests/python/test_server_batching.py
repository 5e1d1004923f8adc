"""Dynamic batching under concurrency: every caller gets its own rows back, batches really form, and
the metrics the canary analysis reads are there and add up."""
import concurrent.futures
import json

import numpy as np
import pytest
import onnxruntime as ort

import models
from server_support import ModelServer, metric, parse_metrics


@pytest.mark.parametrize("executor", ["thread", "event-loop"])
def test_concurrent_callers_get_their_own_rows(tmp_path, executor):
    path = models.mlp(tmp_path / "mlp.onnx", sizes=(8, 32, 4))
    reference = ort.InferenceSession(str(path))
    # A long delay makes batching visible: callers that arrive together must share runs.
    server = ModelServer(tmp_path, path, name="mlp",
                         args=["--max-batch-size", "16", "--max-batch-delay", "50ms", "--inference-executor", executor])
    rng = np.random.default_rng(5)
    requests = [rng.standard_normal((1 + i % 3, 8)).astype(np.float32) for i in range(96)]

    def call(rows):
        body = {"inputs": [{"name": "x", "shape": list(rows.shape), "datatype": "FP32", "data": rows.flatten().tolist()}]}
        status, answer = server.json("POST", "/v2/models/mlp/infer", body)
        assert status == 200, answer
        return np.array(answer["outputs"][0]["data"], dtype=np.float32).reshape(answer["outputs"][0]["shape"])

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=24) as pool:
            results = list(pool.map(call, requests))
        for rows, got in zip(requests, results):
            np.testing.assert_allclose(got, reference.run(None, {"x": rows})[0], rtol=1e-5, atol=1e-6)

        samples = parse_metrics(server.metrics())
        total_rows = sum(len(r) for r in requests)
        runs = metric(samples, "modelship_batch_size_count", model="mlp")
        assert metric(samples, "modelship_batch_size_sum", model="mlp") == total_rows
        assert runs < len(requests), "no two requests ever shared a run"
        assert metric(samples, "modelship_batch_size_bucket", model="mlp", le="16.0") == runs, "a run exceeded --max-batch-size"
        assert metric(samples, "modelship_requests_total", model="mlp", version="1", protocol="v2", code="200") == len(requests)
        assert metric(samples, "modelship_request_duration_seconds_count", model="mlp", protocol="v2") == len(requests)
        assert metric(samples, "modelship_inference_duration_seconds_count", model="mlp") == runs
        assert metric(samples, "modelship_inflight_requests", model="mlp") == 0
        assert metric(samples, "modelship_queue_depth", model="mlp") == 0
        assert metric(samples, "modelship_model_ready", model="mlp") == 1
        assert metric(samples, "modelship_model_info", model="mlp", version="1", platform="onnxruntime_onnx") == 1
        assert metric(samples, "modelship_model_load_duration_seconds", model="mlp") > 0
    finally:
        assert server.stop() == 0


def test_a_full_queue_answers_503_with_retry_after(tmp_path):
    # Runs of ~1 GFLOP on one thread keep the executor busy while 32 callers pile up behind it.
    path = models.mlp(tmp_path / "mlp.onnx", sizes=(512, 1024, 1024, 10))
    server = ModelServer(tmp_path, path, name="mlp", args=["--max-queue-size", "2", "--max-batch-size", "1", "--max-batch-delay", "0ms"])
    rows = np.ones((512, 512), dtype=np.float32)
    header = json.dumps({"inputs": [{"name": "x", "shape": [512, 512], "datatype": "FP32",
                                     "parameters": {"binary_data_size": rows.nbytes}}]}).encode()
    body, headers = header + rows.tobytes(), {"Inference-Header-Content-Length": str(len(header))}

    def call(_):
        status, response_headers, payload = server.request("POST", "/v2/models/mlp/infer", body, headers)
        return status, response_headers.get("retry-after"), payload

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
            results = list(pool.map(call, range(64)))
        statuses = [s for s, _, _ in results]
        assert set(statuses) <= {200, 503}
        assert 200 in statuses and 503 in statuses, f"expected some requests refused, got {statuses}"
        assert all(retry == "1" and b"queue for this model is full" in payload for s, retry, payload in results if s == 503)
        samples = parse_metrics(server.metrics())
        assert metric(samples, "modelship_requests_total", model="mlp", code="503") == statuses.count(503)
    finally:
        assert server.stop() == 0
