"""A client nobody here wrote: tritonclient[http] against modelship-server, unmodified."""
import numpy as np
import onnxruntime as ort
import pytest
import tritonclient.http as httpclient

import models
from server_support import ModelServer


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("triton")
    mlp_path = models.mlp(tmp / "mlp.onnx", sizes=(4, 8, 2))
    mlp = ModelServer(tmp, mlp_path, name="mlp", version="3")
    ints = ModelServer(tmp, models.int64_sums(tmp / "ints.onnx"), name="ints")
    yield mlp, ints, ort.InferenceSession(str(mlp_path))
    assert mlp.stop() == 0 and ints.stop() == 0


def test_readiness_and_metadata(servers):
    mlp, _, _ = servers
    client = httpclient.InferenceServerClient(url=mlp.url)
    assert client.is_server_live() and client.is_server_ready()
    assert client.is_model_ready("mlp") and client.is_model_ready("mlp", model_version="3")
    assert not client.is_model_ready("nope")
    meta = client.get_model_metadata("mlp")
    assert meta["inputs"] == [{"name": "x", "datatype": "FP32", "shape": [-1, 4]}]
    assert client.get_server_metadata()["name"] == "modelship-server"


@pytest.mark.parametrize("binary", [True, False])
def test_fp32_infer(servers, binary):
    mlp, _, reference = servers
    client = httpclient.InferenceServerClient(url=mlp.url)
    rows = np.random.default_rng(4).standard_normal((6, 4)).astype(np.float32)
    x = httpclient.InferInput("x", list(rows.shape), "FP32")
    x.set_data_from_numpy(rows, binary_data=binary)
    outputs = [httpclient.InferRequestedOutput("y", binary_data=binary)]
    result = client.infer("mlp", [x], outputs=outputs, request_id="t-1")
    np.testing.assert_allclose(result.as_numpy("y"), reference.run(None, {"x": rows})[0], rtol=1e-5, atol=1e-6)
    assert result.get_response()["id"] == "t-1"


def test_int64_infer_with_default_outputs(servers):
    _, ints, _ = servers
    client = httpclient.InferenceServerClient(url=ints.url)
    ids = np.array([[1, 2, 3], [-4, 5, 6]], dtype=np.int64)
    x = httpclient.InferInput("ids", list(ids.shape), "INT64")
    x.set_data_from_numpy(ids)
    result = client.infer("ints", [x])  # no outputs named: tritonclient asks for binary_data_output
    np.testing.assert_array_equal(result.as_numpy("total"), ids.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(result.as_numpy("doubled"), ids * 2)


def test_errors_surface_as_exceptions(servers):
    mlp, _, _ = servers
    client = httpclient.InferenceServerClient(url=mlp.url)
    x = httpclient.InferInput("x", [1, 3], "FP32")
    x.set_data_from_numpy(np.zeros((1, 3), dtype=np.float32))
    with pytest.raises(Exception, match="expects"):
        client.infer("mlp", [x])
