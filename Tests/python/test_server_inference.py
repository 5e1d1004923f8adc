"""modelship-server against the Python onnxruntime reference: OIP v2 (JSON and binary), KServe v1, metadata."""
import json
import struct

import numpy as np
import onnxruntime as ort
import pytest

import models
from server_support import ModelServer


@pytest.fixture(scope="module")
def mlp_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mlp")
    path = models.mlp(tmp / "mlp.onnx", sizes=(4, 16, 3))
    server = ModelServer(tmp, path, name="mlp", version="7")
    yield server, ort.InferenceSession(str(path))
    assert server.stop() == 0


@pytest.fixture(scope="module")
def int_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ints")
    path = models.int64_sums(tmp / "ints.onnx")
    server = ModelServer(tmp, f"file://{path}", name="ints")
    yield server
    assert server.stop() == 0


def infer_json(rows):
    return {"inputs": [{"name": "x", "shape": list(rows.shape), "datatype": "FP32", "data": rows.flatten().tolist()}]}


def test_metadata_reports_the_models_signature(mlp_server):
    server, _ = mlp_server
    assert server.json("GET", "/v2") == (200, {"name": "modelship-server", "version": "0.1.0", "extensions": ["binary_tensor_data"]})
    status, meta = server.json("GET", "/v2/models/mlp")
    assert status == 200
    assert meta["versions"] == ["7"] and meta["platform"] == "onnxruntime_onnx"
    assert meta["inputs"] == [{"name": "x", "datatype": "FP32", "shape": [-1, 4]}]
    assert meta["outputs"] == [{"name": "y", "datatype": "FP32", "shape": [-1, 3]}]
    assert server.json("GET", "/v2/models/mlp/versions/7/ready") == (200, {"name": "mlp", "ready": True})
    assert server.json("GET", "/v2/health/live") == (200, {"live": True})
    assert server.json("GET", "/v1/models/mlp") == (200, {"name": "mlp", "ready": True})


def test_json_predictions_match_onnxruntime(mlp_server):
    server, reference = mlp_server
    rows = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    body = {"id": "req-1", **infer_json(rows)}
    status, answer = server.json("POST", "/v2/models/mlp/versions/7/infer", body)
    assert status == 200, answer
    assert answer["id"] == "req-1" and answer["model_name"] == "mlp" and answer["model_version"] == "7"
    [output] = answer["outputs"]
    assert output["name"] == "y" and output["datatype"] == "FP32" and output["shape"] == [5, 3]
    expected = reference.run(None, {"x": rows})[0]
    np.testing.assert_allclose(np.array(output["data"], dtype=np.float32).reshape(5, 3), expected, rtol=1e-5, atol=1e-6)


def test_nested_data_is_accepted(mlp_server):
    server, reference = mlp_server
    rows = np.arange(8, dtype=np.float32).reshape(2, 4) / 8
    body = {"inputs": [{"name": "x", "shape": [2, 4], "datatype": "FP32", "data": rows.tolist()}]}
    status, answer = server.json("POST", "/v2/models/mlp/infer", body)
    assert status == 200, answer
    np.testing.assert_allclose(np.array(answer["outputs"][0]["data"]).reshape(2, 3), reference.run(None, {"x": rows})[0], rtol=1e-5)


def test_binary_tensor_data_in_and_out(mlp_server):
    server, reference = mlp_server
    rows = np.random.default_rng(2).standard_normal((64, 4)).astype(np.float32)
    header = json.dumps({"inputs": [{"name": "x", "shape": [64, 4], "datatype": "FP32", "parameters": {"binary_data_size": rows.nbytes}}],
                         "outputs": [{"name": "y", "parameters": {"binary_data": True}}]}).encode()
    status, headers, payload = server.request("POST", "/v2/models/mlp/infer", header + rows.tobytes(), {
        "Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(len(header))})
    assert status == 200, payload
    json_length = int(headers["inference-header-content-length"])
    answer = json.loads(payload[:json_length])
    [output] = answer["outputs"]
    assert output["parameters"]["binary_data_size"] == 64 * 3 * 4 and "data" not in output
    values = np.frombuffer(payload[json_length:], dtype="<f4").reshape(64, 3)
    np.testing.assert_allclose(values, reference.run(None, {"x": rows})[0], rtol=1e-5, atol=1e-6)


def test_kserve_v1_predict(mlp_server):
    server, reference = mlp_server
    rows = np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)
    status, answer = server.json("POST", "/v1/models/mlp:predict", {"instances": rows.tolist()})
    assert status == 200, answer
    np.testing.assert_allclose(np.array(answer["predictions"], dtype=np.float32), reference.run(None, {"x": rows})[0], rtol=1e-5, atol=1e-6)


def test_int64_inputs_and_output_selection(int_server):
    ids = [[1, 2, 3], [40, 50, -60], [2**40, 1, 1]]
    body = {"inputs": [{"name": "ids", "shape": [3, 3], "datatype": "INT64", "data": ids}], "outputs": [{"name": "total"}]}
    status, answer = int_server.json("POST", "/v2/models/ints/infer", body)
    assert status == 200, answer
    assert [o["name"] for o in answer["outputs"]] == ["total"]
    assert answer["outputs"][0] == {"name": "total", "datatype": "INT64", "shape": [3, 1], "data": [6, 30, 2**40 + 2]}
    body["outputs"] = [{"name": "doubled"}, {"name": "total", "parameters": {"binary_data": True}}]
    status, headers, payload = int_server.request("POST", "/v2/models/ints/infer", body)
    json_length = int(headers["inference-header-content-length"])
    answer = json.loads(payload[:json_length])
    assert [o["name"] for o in answer["outputs"]] == ["doubled", "total"]
    assert answer["outputs"][0]["data"] == [2 * v for row in ids for v in row]
    assert struct.unpack("<3q", payload[json_length:]) == (6, 30, 2**40 + 2)


def test_several_inputs_and_types(tmp_path):
    server = ModelServer(tmp_path, models.two_inputs(tmp_path / "two.onnx"), name="two")
    try:
        body = {"inputs": [{"name": "flag", "shape": [2], "datatype": "BOOL", "data": [True, False]},
                           {"name": "b", "shape": [2, 2], "datatype": "FP64", "data": [0.5, 0.25, 1e300, -1]},
                           {"name": "a", "shape": [2, 2], "datatype": "FP64", "data": [1, 2, 1e300, 1]}]}
        status, answer = server.json("POST", "/v2/models/two/infer", body)
        assert status == 200, answer
        outputs = {o["name"]: o for o in answer["outputs"]}
        assert outputs["s"]["data"] == [1.5, 2.25, 2e300, 0.0]
        assert outputs["not_flag"] == {"name": "not_flag", "datatype": "BOOL", "shape": [2], "data": [False, True]}
    finally:
        assert server.stop() == 0


def test_bytes_tensors_round_trip(tmp_path):
    server = ModelServer(tmp_path, models.strings_identity(tmp_path / "strings.onnx"), name="text")
    try:
        words = ["héllo", "", "a \"quoted\" word"]
        body = {"inputs": [{"name": "text", "shape": [3], "datatype": "BYTES", "data": words}]}
        status, answer = server.json("POST", "/v2/models/text/infer", body)
        assert status == 200, answer
        assert answer["outputs"][0]["data"] == words
    finally:
        assert server.stop() == 0


def test_static_first_dimension_runs_unbatched(tmp_path):
    server = ModelServer(tmp_path, models.static_scale(tmp_path / "static.onnx"), name="static")
    try:
        body = {"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3, 4]}]}
        assert server.json("POST", "/v2/models/static/infer", body)[1]["outputs"][0]["data"] == [3, 6, 9, 12]
        body["inputs"][0]["shape"] = [1, 2]
        body["inputs"][0]["data"] = [1, 2]
        status, answer = server.json("POST", "/v2/models/static/infer", body)
        assert status == 400 and "expects [2, 2]" in answer["error"]
    finally:
        assert server.stop() == 0
