"""Readiness follows the model (not ready while downloading), and SIGTERM drains in-flight requests."""
import concurrent.futures
import hashlib
import http.client
import http.server
import json
import os
import re
import signal
import socket
import struct
import subprocess
import threading
import time

import numpy as np
import pytest

import models
from server_support import SERVER, ModelServer, OutputWatch, free_port, metric, parse_metrics


def test_not_ready_until_the_model_is_loaded(tmp_path):
    model = models.mlp(tmp_path / "mlp.onnx").read_bytes()
    release = threading.Event()

    class SlowHandler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            release.wait(60)
            self.send_response(200)
            self.send_header("Content-Length", str(len(model)))
            self.end_headers()
            self.wfile.write(model)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server = ModelServer(tmp_path, f"http://127.0.0.1:{httpd.server_address[1]}/mlp.onnx", ready=False)
    try:
        server.wait_listening(30)
        assert server.json("GET", "/v2/health/live") == (200, {"live": True})
        assert server.json("GET", "/v2/health/ready") == (503, {"ready": False})
        assert server.json("GET", "/v2/models/m/ready") == (503, {"name": "m", "ready": False})
        status, headers, payload = server.request("POST", "/v2/models/m/infer", {"inputs": []})
        assert status == 503 and headers["retry-after"] == "1" and b"not ready" in payload
        assert metric(parse_metrics(server.metrics()), "modelship_model_ready", model="m") == 0
        release.set()
        server.wait_ready()
        assert server.json("GET", "/v2/models/m/ready") == (200, {"name": "m", "ready": True})
    finally:
        release.set()
        assert server.stop() == 0
        httpd.shutdown()


def test_sigterm_drains_in_flight_requests(tmp_path):
    # Runs of ~2.5 GFLOP, one at a time, keep all six requests in flight long enough to send SIGTERM
    # while every one of them is being served (connections not yet accepted would be refused instead).
    path = models.mlp(tmp_path / "mlp.onnx", sizes=(512, 2048, 2048, 10))
    server = ModelServer(tmp_path, path, args=["--max-batch-size", "1", "--inference-executor", "thread", "--log-level", "debug"])
    rows = np.ones((512, 512), dtype=np.float32)
    header = json.dumps({"inputs": [{"name": "x", "shape": list(rows.shape), "datatype": "FP32",
                                     "parameters": {"binary_data_size": rows.nbytes}}]}).encode()
    body, headers = header + rows.tobytes(), {"Inference-Header-Content-Length": str(len(header))}
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        calls = [pool.submit(server.request, "POST", "/v2/models/m/infer", body, headers, 120) for _ in range(6)]
        server.output.wait_lines(lambda line: "request accepted" in line, 6, 30, "all six requests to be in flight")
        assert metric(parse_metrics(server.metrics()), "modelship_inflight_requests", model="m") == 6
        server.process.send_signal(signal.SIGTERM)
        statuses = [call.result(timeout=120)[0] for call in calls]
    assert statuses == [200] * 6, statuses
    assert server.stop() == 0


def test_help_documents_every_flag_and_its_environment_variable():
    text = subprocess.run([str(SERVER), "serve", "--help"], capture_output=True, text=True, check=True).stdout
    flags = re.findall(r"^\s+--([a-z0-9-]+)", text, re.MULTILINE)
    assert {"model-uri", "model-name", "model-version", "port", "max-batch-size", "max-batch-delay", "threads",
            "device", "max-request-bytes", "log-format"} <= set(flags)
    for flag in set(flags) - {"help", "version"}:
        variable = "MODELSHIP_" + flag.upper().replace("-", "_")
        assert variable in text, f"--{flag} does not name its environment variable {variable}"


def test_cuda_without_the_provider_is_a_startup_error(tmp_path):
    server = ModelServer(tmp_path, models.mlp(tmp_path / "mlp.onnx"), args=["--device", "cuda"], ready=False)
    code = server.process.wait(timeout=60)
    assert code != 0 and "CUDA execution provider" in server.logs()


@pytest.mark.parametrize("leaving", ["close", "reset"])
def test_a_client_leaving_mid_request_is_not_waited_for(tmp_path, leaving):
    # With a 2 s batch delay, a request the batcher still expects would hold every later lone request for 2 s.
    server = ModelServer(tmp_path, models.mlp(tmp_path / "mlp.onnx"), args=["--max-batch-delay", "2s", "--log-level", "debug"])
    try:
        with socket.create_connection(("127.0.0.1", server.port)) as client:
            client.sendall(b"POST /v2/models/m/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 1000\r\n\r\n{\"inputs\": [")
            server.output.wait_line(lambda line: "request accepted" in line, 30, "the partial request to be announced")
            assert metric(parse_metrics(server.metrics()), "modelship_inflight_requests", model="m") == 1
            if leaving == "reset":  # close with SO_LINGER 0: the server reads a reset, not an end of stream
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        server.output.wait_line(lambda line: "request abandoned" in line, 30, "the abandoned request to be withdrawn")
        assert metric(parse_metrics(server.metrics()), "modelship_inflight_requests", model="m") == 0
        started = time.monotonic()
        status, _ = server.json("POST", "/v2/models/m/infer",
                                {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]})
        assert status == 200
        assert time.monotonic() - started < 2, "the lone request waited for the batch delay: the batcher still expected the abandoned one"
    finally:
        assert server.stop() == 0


def test_settings_come_from_the_environment_as_the_operator_sets_them(tmp_path):
    path = models.mlp(tmp_path / "mlp.onnx", sizes=(4, 8, 3))
    port = free_port()
    env = dict(os.environ, MODELSHIP_MODEL_URI=str(path), MODELSHIP_MODEL_NAME="from-env", MODELSHIP_MODEL_VERSION="7",
               MODELSHIP_MODEL_SHA256=hashlib.sha256(path.read_bytes()).hexdigest(), MODELSHIP_HOST="127.0.0.1",
               MODELSHIP_PORT=str(port), MODELSHIP_CACHE_DIR=str(tmp_path / "cache"), MODELSHIP_MAX_BATCH_SIZE="3",
               MODELSHIP_LOG_FORMAT="json", MODELSHIP_TERMINATION_LOG=str(tmp_path / "termination"))
    process = subprocess.Popen([str(SERVER), "serve"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    output = OutputWatch(process.stdout, tmp_path / "server.log")
    try:
        ready = json.loads(output.wait_line(lambda line: "model ready" in line, 60, "the model to be ready"))
        assert (ready["model"], ready["batching"]) == ("from-env", "up to 3 rows"), ready
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/v2/models/from-env")
        metadata = json.loads(connection.getresponse().read())
        assert (metadata["name"], metadata["versions"]) == ("from-env", ["7"])
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
        output.finish()
