"""HTTP/1.1 framing as the server does it itself: pipelined requests answered in order, malformed
requests answered with a JSON 400 before the connection closes, HTTP/1.0 keep-alive, `Expect:
100-continue`, `Connection: close`, large bodies, and idle keep-alive connections on SIGTERM.
Raw sockets, so the bytes on the wire are what is checked."""
import json
import signal
import socket

import numpy as np
import onnxruntime as ort
import pytest

import models
from server_support import ModelServer


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("http")
    return tmp, models.mlp(tmp / "mlp.onnx", sizes=(4, 8, 3))


@pytest.fixture(scope="module")
def server(model):
    tmp, path = model
    server = ModelServer(tmp, path, name="mlp")
    yield server
    assert server.stop() == 0


def reference(model_path, rows):
    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": np.asarray(rows, dtype=np.float32)})[0]


def infer_request(rows, version="1.1", extra_headers=""):
    body = json.dumps({"inputs": [{"name": "x", "shape": [len(rows), 4], "datatype": "FP32",
                                   "data": [v for row in rows for v in row]}]}).encode()
    head = (f"POST /v2/models/mlp/infer HTTP/{version}\r\nHost: test\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra_headers}\r\n")
    return head.encode() + body


class Responses:
    """Reads whole responses, one after another, from one connection."""

    def __init__(self, sock):
        self.file = sock.makefile("rb")

    def next(self):
        status_line = self.file.readline()
        assert status_line, "the server closed the connection instead of answering"
        version, status, _ = status_line.decode().split(" ", 2)
        headers = {}
        while (line := self.file.readline()) not in (b"\r\n", b""):
            name, value = line.decode().split(":", 1)
            headers[name.strip().lower()] = value.strip()
        body = self.file.read(int(headers.get("content-length", "0")))
        return version, int(status), headers, body

    def closed(self):
        return self.file.read() == b""


def connect(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    return sock, Responses(sock)


def outputs(body):
    return np.asarray(json.loads(body)["outputs"][0]["data"], dtype=np.float32)


def test_pipelined_requests_are_answered_in_order(server, model):
    rows_a, rows_b = [[1, 2, 3, 4]], [[-1, 0.5, 2, 8], [3, 3, 3, 3]]
    sock, responses = connect(server)
    with sock:
        sock.sendall(infer_request(rows_a) + b"GET /v2/health/ready HTTP/1.1\r\nHost: t\r\n\r\n" + infer_request(rows_b))
        first, second, third = responses.next(), responses.next(), responses.next()
    assert first[1] == 200 and np.allclose(outputs(first[3]), reference(model[1], rows_a).flatten(), atol=1e-5)
    assert second[1] == 200 and json.loads(second[3]) == {"ready": True}
    assert third[1] == 200 and np.allclose(outputs(third[3]), reference(model[1], rows_b).flatten(), atol=1e-5)


def test_a_malformed_request_gets_a_json_400_then_the_connection_closes(server):
    sock, responses = connect(server)
    with sock:
        sock.sendall(b"GET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\nNOT AN HTTP REQUEST\r\n\r\n")
        answered, rejected = responses.next(), responses.next()
        assert responses.closed()
    assert answered[1] == 200 and json.loads(answered[3]) == {"live": True}
    assert rejected[1] == 400 and rejected[2]["connection"] == "close"
    assert "malformed HTTP request" in json.loads(rejected[3])["error"]
    assert server.request("GET", "/v2/health/live")[0] == 200


def test_http_1_0_closes_unless_kept_alive(server):
    sock, responses = connect(server)
    with sock:
        sock.sendall(b"GET /v2/health/live HTTP/1.0\r\n\r\n")
        version, status, headers, _ = responses.next()
        assert (version, status, headers["connection"]) == ("HTTP/1.0", 200, "close")
        assert responses.closed()
    sock, responses = connect(server)
    with sock:
        for _ in range(2):
            sock.sendall(b"GET /v2/health/live HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            version, status, headers, _ = responses.next()
            assert (version, status, headers["connection"]) == ("HTTP/1.0", 200, "keep-alive")


def test_connection_close_is_honoured(server):
    sock, responses = connect(server)
    with sock:
        sock.sendall(infer_request([[1, 1, 1, 1]], extra_headers="Connection: close\r\n"))
        _, status, headers, _ = responses.next()
        assert (status, headers["connection"]) == (200, "close")
        assert responses.closed()


def test_expect_100_continue_gets_the_interim_response_before_the_body(server, model):
    request = infer_request([[0, 1, 0, 1]], extra_headers="Expect: 100-continue\r\n")
    head, body = request.split(b"\r\n\r\n", 1)
    sock, responses = connect(server)
    with sock:
        sock.sendall(head + b"\r\n\r\n")
        interim = responses.file.readline() + responses.file.readline()
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        _, status, _, payload = responses.next()
    assert status == 200 and np.allclose(outputs(payload), reference(model[1], [[0, 1, 0, 1]]).flatten(), atol=1e-5)


def test_a_response_larger_than_one_buffer_arrives_whole(server, model):
    rows = np.random.default_rng(3).standard_normal((3000, 4)).astype(np.float32).tolist()
    sock, responses = connect(server)
    with sock:
        sock.sendall(infer_request(rows) + b"GET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\n")
        _, status, headers, payload = responses.next()
        after = responses.next()
    assert status == 200 and len(payload) == int(headers["content-length"]) > 16 * 1024
    assert np.allclose(outputs(payload), reference(model[1], rows).flatten(), atol=1e-5)
    assert after[1] == 200


def test_sigterm_closes_idle_keep_alive_connections(model):
    tmp, path = model
    server = ModelServer(tmp, path, name="mlp")
    sock, responses = connect(server)
    with sock:
        sock.sendall(b"GET /v2/health/live HTTP/1.1\r\nHost: t\r\n\r\n")
        assert responses.next()[1] == 200
        server.process.send_signal(signal.SIGTERM)
        assert responses.closed(), "the idle connection was not closed on shutdown"
    assert server.process.wait(timeout=30) == 0


def test_each_failed_request_is_one_log_line_without_its_payload(model):
    tmp, path = model
    server = ModelServer(tmp, path, name="mlp", args=["--log-format", "json"])
    try:
        wrong_shape = {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [123456.789, 1, 2]}]}
        assert server.request("POST", "/v2/models/mlp/infer", wrong_shape)[0] == 400
        line = json.loads(server.output.wait_line(lambda text: "request failed" in text, 10, "the failure to be logged"))
        assert (line["level"], line["status"], line["method"], line["path"]) == ("info", "400", "POST", "/v2/models/mlp/infer")
        assert "expects [-1, 4]" in line["error"] and line["client"].startswith("[IPv4]127.0.0.1")
        assert server.request("GET", "/v2/health/live")[0] == 200
    finally:
        assert server.stop() == 0
    failures = [text for text in server.logs().splitlines() if "request failed" in text]
    assert len(failures) == 1 and "123456" not in server.logs()


def test_a_chunked_request_body_is_read_whole(server, model):
    rows = [[2, 4, 6, 8]]
    body = infer_request(rows).split(b"\r\n\r\n", 1)[1]
    head = (b"POST /v2/models/mlp/infer HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:7], body[7:30], body[30:])) + b"0\r\n\r\n"
    sock, responses = connect(server)
    with sock:
        sock.sendall(head + chunks)
        _, status, _, payload = responses.next()
    assert status == 200 and np.allclose(outputs(payload), reference(model[1], rows).flatten(), atol=1e-5)
