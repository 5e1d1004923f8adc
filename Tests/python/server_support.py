"""Runs modelship-server as a process for the tests, on a free loopback port."""
import http.client
import json
import os
import pathlib
import signal
import socket
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVER = ROOT / ".build" / "debug" / "modelship-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout=60.0, what="condition"):
    """Polls `condition` (a callable) until it returns a truthy value; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)  # polling interval, not a wait for an outcome


class ModelServer:
    def __init__(self, tmp: pathlib.Path, model_uri, name="m", version="1", args=(), env=None, ready=True):
        self.port = free_port()
        self.name, self.version = name, version
        self.log_path = tmp / f"server-{self.port}.log"
        self.log = open(self.log_path, "w+")
        command = [str(SERVER), "serve", "--model-uri", str(model_uri), "--model-name", name, "--model-version", version,
                   "--host", "127.0.0.1", "--port", str(self.port), "--cache-dir", str(tmp / "cache"),
                   "--termination-log", str(tmp / f"termination-{self.port}"), "--threads", "1", *args]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                        env=dict(os.environ, **(env or {})))
        if ready:
            self.wait_ready()

    @property
    def url(self):
        return f"127.0.0.1:{self.port}"

    def logs(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def wait_ready(self, timeout=60.0):
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"modelship-server exited with {self.process.returncode}:\n{self.logs()}")
            try:
                return self.request("GET", "/v2/health/ready")[0] == 200
            except OSError:
                return False
        wait_for(ready, timeout, "the server to become ready")

    def request(self, method, path, body=None, headers=None, timeout=30):
        """(status, headers dict with lower-case names, body bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
                headers = {"Content-Type": "application/json", **(headers or {})}
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def json(self, method, path, body=None, headers=None):
        status, _, payload = self.request(method, path, body, headers)
        return status, json.loads(payload)

    def metrics(self) -> str:
        return self.request("GET", "/metrics")[2].decode()

    def stop(self, sig=signal.SIGTERM, timeout=30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        self.log.close()
        return code


def parse_metrics(text: str) -> dict:
    """Prometheus text format -> {(name, frozenset(labels.items())): value}."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        series, value = line.rsplit(" ", 1)
        if "{" in series:
            name, rest = series.split("{", 1)
            labels = {}
            for part in rest.rstrip("}").split(","):
                if part:
                    key, raw = part.split("=", 1)
                    labels[key] = raw.strip('"')
        else:
            name, labels = series, {}
        samples[(name, frozenset(labels.items()))] = float(value)
    return samples


def metric(samples: dict, name: str, **labels) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, l), v in samples.items() if n == name and wanted <= l)
