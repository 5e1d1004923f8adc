"""ModelStore against real servers: a local HTTP server and moto (S3) enforcing SigV4 signatures.

moto runs from .venv-s3 (scripts/requirements-s3.txt): `moto_server -H 127.0.0.1 -p PORT`, with
INITIAL_NO_AUTH_ACTION_COUNT so that s3_setup.py can create a user, a bucket and objects before
authentication is enforced for everything else, including the server's downloads.
"""
import functools
import hashlib
import http.server
import json
import os
import subprocess
import threading

import pytest

import models
from server_support import ROOT, ModelServer, OutputWatch, free_port


def wait_for_exit(server):
    code = server.process.wait(timeout=60)
    return code, server.logs()


def termination_message(tmp_path, server):
    return (tmp_path / f"termination-{server.port}").read_text()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("files")
    models.mlp(root / "mlp.onnx", sizes=(4, 8, 3))
    (root / "notes.txt").write_text("not a model")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_http_download_is_verified_and_cached(tmp_path, files):
    root, base = files
    digest = hashlib.sha256((root / "mlp.onnx").read_bytes()).hexdigest()
    server = ModelServer(tmp_path, f"{base}/mlp.onnx", args=["--model-sha256", digest])
    assert server.stop() == 0
    cached = [p for p in (tmp_path / "cache").iterdir()]
    assert len(cached) == 1 and cached[0].name.endswith("-mlp.onnx") and cached[0].read_bytes() == (root / "mlp.onnx").read_bytes()
    # The cached copy is used: it is served even though the URL now answers 404.
    (root / "mlp.onnx").rename(root / "moved.onnx")
    try:
        again = ModelServer(tmp_path, f"{base}/mlp.onnx", args=["--model-sha256", digest])
        assert "model found in cache" in again.logs()
        assert again.stop() == 0
    finally:
        (root / "moved.onnx").rename(root / "mlp.onnx")


@pytest.mark.parametrize("uri_path,args,message", [
    ("/missing.onnx", [], "was not found (HTTP 404)"),
    ("/mlp.onnx", ["--model-sha256", "0" * 64], "checksum mismatch"),
    ("/notes.txt", [], "is not a loadable ONNX model"),
])
def test_http_failures_stop_the_server_with_a_clear_reason(tmp_path, files, uri_path, args, message):
    _, base = files
    server = ModelServer(tmp_path, base + uri_path, args=args, ready=False)
    code, logs = wait_for_exit(server)
    assert code != 0 and message in logs
    assert message in termination_message(tmp_path, server)
    assert not any(p.name.endswith(".onnx") for p in (tmp_path / "cache").glob("*")), "a failed download left a model in the cache"


def test_local_paths_and_model_directories(tmp_path):
    directory = tmp_path / "model-dir"
    directory.mkdir()
    models.mlp(directory / "model.onnx")
    server = ModelServer(tmp_path, f"file://{directory}")
    assert server.stop() == 0
    missing = ModelServer(tmp_path, tmp_path / "nope.onnx", ready=False)
    code, logs = wait_for_exit(missing)
    assert code != 0 and "does not exist" in logs


@pytest.fixture(scope="module")
def s3(tmp_path_factory, files):
    root, _ = files
    tmp = tmp_path_factory.mktemp("s3")
    port = free_port()
    moto = subprocess.Popen([str(ROOT / ".venv-s3" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="6"))
    output = OutputWatch(moto.stdout, tmp / "moto.log")
    endpoint = f"http://127.0.0.1:{port}"
    output.wait_line(lambda line: "Running on" in line, 30, "moto to listen")  # werkzeug says so once bound
    setup = subprocess.run([str(ROOT / ".venv-s3" / "bin" / "python"), str(ROOT / "Tests" / "python" / "s3_setup.py"),
                            endpoint, "models", f"team a/mlp v1.onnx={root / 'mlp.onnx'}"],
                           capture_output=True, text=True, check=True)
    yield endpoint, json.loads(setup.stdout)
    moto.terminate()
    moto.wait(timeout=10)
    output.finish()


def s3_env(endpoint, credentials, secret=None):
    return {"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": credentials["access_key_id"],
            "AWS_SECRET_ACCESS_KEY": secret or credentials["secret_access_key"]}


def test_s3_download_with_sigv4(tmp_path, s3):
    endpoint, credentials = s3
    server = ModelServer(tmp_path, "s3://models/team a/mlp v1.onnx", env=s3_env(endpoint, credentials))
    status, answer = server.json("POST", "/v2/models/m/infer",
                                 {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]})
    assert status == 200 and answer["outputs"][0]["shape"] == [1, 3]
    assert server.stop() == 0


@pytest.mark.parametrize("uri,secret,message", [
    ("s3://models/team a/mlp v1.onnx", "wrong-secret", "was denied (HTTP 403)"),
    ("s3://models/absent.onnx", None, "was not found (HTTP 404)"),
])
def test_s3_failures_are_named(tmp_path, s3, uri, secret, message):
    endpoint, credentials = s3
    server = ModelServer(tmp_path, uri, env=s3_env(endpoint, credentials, secret), ready=False)
    code, logs = wait_for_exit(server)
    assert code != 0 and message in logs


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """An HTTP server that serves the model only with one of two Authorization headers, recording what it saw."""
    import base64
    root = tmp_path_factory.mktemp("guarded")
    models.mlp(root / "mlp.onnx", sizes=(4, 8, 3))
    accepted = {"Bearer s3cr3t-token", "Basic " + base64.b64encode(b"reader:p@ss w0rd").decode()}
    seen = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            seen.append((self.path, self.headers.get("Authorization")))
            if self.headers.get("Authorization") not in accepted:
                self.send_error(401)
                return
            self.path = self.path.split("?")[0]
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()


@pytest.mark.parametrize("env", [
    {"MODELSHIP_HTTP_AUTHORIZATION": "Bearer s3cr3t-token"},
    {"MODELSHIP_HTTP_BEARER_TOKEN": "s3cr3t-token"},
    {"MODELSHIP_HTTP_USERNAME": "reader", "MODELSHIP_HTTP_PASSWORD": "p@ss w0rd"},
])
def test_http_credentials_come_from_the_environment(tmp_path, guarded, env):
    host, seen = guarded
    server = ModelServer(tmp_path, f"http://{host}/mlp.onnx", env=env)
    assert server.stop() == 0
    assert seen[-1][0] == "/mlp.onnx"
    assert "s3cr3t" not in server.logs() and "w0rd" not in server.logs()


def test_credentials_in_a_url_are_used_but_never_shown(tmp_path, guarded):
    host, seen = guarded
    server = ModelServer(tmp_path, f"http://reader:p%40ss%20w0rd@{host}/mlp.onnx?sig=signed-value")
    assert server.stop() == 0
    assert seen[-1][0] == "/mlp.onnx?sig=signed-value", "the user part must leave the URL and become a header"
    shown = server.logs() + "".join(p.name for p in (tmp_path / "cache").iterdir())
    assert "w0rd" not in shown and "signed-value" not in shown and "reader" not in shown
    assert f"http://REDACTED@{host}/mlp.onnx?sig=REDACTED" in server.logs()
    # Refused: the reason names the redacted URL, in the log and the termination message alike.
    refused = ModelServer(tmp_path, f"http://reader:wrong-w0rd@{host}/mlp.onnx?sig=signed-value", ready=False)
    code, logs = wait_for_exit(refused)
    message = termination_message(tmp_path, refused)
    assert code != 0 and "was denied (HTTP 401)" in message and f"http://REDACTED@{host}/mlp.onnx?sig=REDACTED" in message
    assert "wrong-w0rd" not in logs + message and "signed-value" not in logs + message
