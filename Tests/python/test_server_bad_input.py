"""Bad input gets a 4xx with a JSON error that names the problem, and nothing crashes the server:
checked case by case, then with a few thousand random and mutated requests."""
import concurrent.futures
import json
import random

import numpy as np
import pytest

import models
from server_support import ModelServer, metric, parse_metrics

VALID = {"inputs": [{"name": "x", "shape": [2, 4], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6, 7, 8]}]}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    server = ModelServer(tmp, models.mlp(tmp / "mlp.onnx", sizes=(4, 8, 3)), name="mlp", version="2",
                         args=["--max-request-bytes", "4096"])
    yield server
    assert server.stop() == 0, "the server did not exit cleanly after the bad-input tests"


def with_input(**changes):
    return {"inputs": [{**VALID["inputs"][0], **changes}]}


CASES = [
    ("POST", "/v2/models/mlp/infer", b'{"inputs": [', {}, 400, "malformed JSON"),
    ("POST", "/v2/models/mlp/infer", b"[]", {}, 400, "expected '{'"),
    ("POST", "/v2/models/nope/infer", VALID, {}, 404, "unknown model 'nope'"),
    ("POST", "/v2/models/mlp/versions/9/infer", VALID, {}, 404, "unknown version '9'"),
    ("POST", "/v2/models/mlp/infer", {"inputs": [{**VALID["inputs"][0], "name": "z"}]}, {}, 400, "unknown input 'z'"),
    ("POST", "/v2/models/mlp/infer", {"inputs": VALID["inputs"] + [{**VALID["inputs"][0], "name": "extra"}]}, {}, 400, "unknown input 'extra'"),
    ("POST", "/v2/models/mlp/infer", {"inputs": VALID["inputs"] * 2}, {}, 400, "given twice"),
    ("POST", "/v2/models/mlp/infer", with_input(datatype="INT32", data=[1] * 8), {}, 400, "datatype INT32 but the model expects FP32"),
    ("POST", "/v2/models/mlp/infer", with_input(data=[1, 2, 3]), {}, 400, "has 3 elements but shape [2, 4] needs 8"),
    ("POST", "/v2/models/mlp/infer", with_input(shape=[4, 2]), {}, 400, "expects [-1, 4]"),
    ("POST", "/v2/models/mlp/infer", with_input(shape=[-1, 4]), {}, 400, "integer out of range"),
    ("POST", "/v2/models/mlp/infer", with_input(data=["a"] * 8), {}, 400, "malformed JSON"),
    ("POST", "/v2/models/mlp/infer", {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32",
                                                  "parameters": {"binary_data_size": 1 << 40}}]},
     {}, 400, "claims 1099511627776 binary bytes"),
    ("POST", "/v2/models/mlp/infer", with_input(shape=[2147483647, 2147483647]), {}, 400, "needs"),
    ("POST", "/v2/models/mlp/infer", b"{" + b'"a":' * 100 + b"1", {}, 400, "malformed JSON"),
    ("POST", "/v2/models/mlp/infer", json.dumps(with_input(data=[0.5] * 2000)).encode(), {}, 413, "larger than the limit of 4096"),
    ("POST", "/v2/models/mlp/infer", VALID, {"Content-Type": "text/plain"}, 415, "Content-Type 'text/plain'"),
    ("POST", "/v2/models/mlp/infer", b'{"inputs":[]}', {"Inference-Header-Content-Length": "999"}, 400, "outside the body"),
    ("POST", "/v1/models/mlp:predict", {"instances": [[1, 2, 3]]}, {}, 400, "expects [-1, 4]"),
    ("POST", "/v1/models/mlp:explain", {"instances": [[1, 2, 3, 4]]}, {}, 404, "no such endpoint: POST /v1/models/mlp:explain"),
    ("GET", "/v2/models/mlp/infer", None, {}, 405, "answers POST, not GET"),
    ("GET", "/v2/models/other", None, {}, 404, "unknown model 'other'"),
    ("GET", "/no/such/path", None, {}, 404, "no such endpoint"),
]


@pytest.mark.parametrize("method,path,body,headers,status,message", CASES, ids=[c[5] for c in CASES])
def test_bad_request_gets_a_named_json_error(server, method, path, body, headers, status, message):
    if isinstance(body, dict):
        body = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **headers}
    got, response_headers, payload = server.request(method, path, body, headers)
    assert got == status, payload
    assert response_headers["content-type"] == "application/json"
    error = json.loads(payload)["error"]
    assert message in error, error


def mutate(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        position = rng.randrange(len(data) + 1)
        if choice < 0.3 and data:
            data[min(position, len(data) - 1)] = rng.randrange(256)
        elif choice < 0.5:
            data[position:position] = rng.choice([b"[", b"]", b"{", b"}", b",", b'"', b"\\", b"-", b"e9", b"1" * 30, b"null", b"\x00"])
        elif choice < 0.7:
            del data[position:position + rng.randint(1, 8)]
        elif choice < 0.85:
            data = data[:position]
        else:
            data[position:position] = data[rng.randrange(len(data) + 1):][:rng.randint(1, 20)]
    return bytes(data)


def random_request(rng: random.Random) -> tuple[str, bytes, dict]:
    kind = rng.random()
    headers = {"Content-Type": "application/json"}
    if kind < 0.55:
        body = mutate(rng, json.dumps(VALID).encode())
    elif kind < 0.7:
        value = rng.choice([[], {}, "s", 1, None, True, [[[]]], {"x": [1, 2]}, -1e308, "\u0000"])
        field = rng.choice(["name", "shape", "datatype", "data", "parameters"])
        body = json.dumps(with_input(**{field: value})).encode()
    elif kind < 0.8:
        rows = np.ones((1, 4), dtype=np.float32)
        header = json.dumps({"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32",
                                         "parameters": {"binary_data_size": rng.choice([0, 8, 16, 17, -3, 10**30])}}]}).encode()
        body = mutate(rng, header + rows.tobytes()) if rng.random() < 0.5 else header + rows.tobytes()
        headers["Inference-Header-Content-Length"] = str(rng.choice([len(header), len(header) - 1, 0, len(body) + 5, -2]))
    elif kind < 0.9:
        body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
    else:
        body = mutate(rng, json.dumps({"instances": [[1, 2, 3, 4]]}).encode())
        return "/v1/models/mlp:predict", body, headers
    return "/v2/models/mlp/infer", body, headers


def test_fuzzed_requests_never_crash_the_server(server):
    rng = random.Random(20261127)
    requests = [random_request(rng) for _ in range(3000)]

    def send(request):
        path, body, headers = request
        status, response_headers, payload = server.request("POST", path, body, headers)
        if status >= 400:
            assert response_headers["content-type"] == "application/json" and "error" in json.loads(payload), payload
        return status

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(send, requests))
    assert all(status in (200, 400, 404, 413, 415) for status in statuses), sorted(set(statuses))
    assert statuses.count(400) > 1000, "the fuzzer should mostly produce bad requests"

    # Still alive and still right.
    status, answer = server.json("POST", "/v2/models/mlp/infer", VALID)
    assert status == 200 and answer["outputs"][0]["shape"] == [2, 3]
    assert server.process.poll() is None
    samples = parse_metrics(server.metrics())
    assert metric(samples, "modelship_requests_total", model="mlp", code="500") == 0
