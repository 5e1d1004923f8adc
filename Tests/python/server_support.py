"""Runs modelship-server as a process for the tests, on a free loopback port."""
import http.client
import json
import os
import pathlib
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVER = ROOT / ".build" / "debug" / "modelship-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OutputWatch:
    """Copies a process's output to a log file line by line and wakes whoever waits for a line: tests wait
    for what the process says (listening, model ready) instead of polling it."""

    def __init__(self, stream, log_path: pathlib.Path):
        self.lines: list[str] = []
        self.closed = False
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._copy, args=(stream, log_path), daemon=True)
        self.thread.start()

    def _copy(self, stream, log_path):
        with open(log_path, "w") as log:
            for line in iter(stream.readline, ""):
                log.write(line)
                log.flush()
                with self.changed:
                    self.lines.append(line)
                    self.changed.notify_all()
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def wait_line(self, predicate, timeout: float, what: str, after: int = 0) -> str:
        """The first line from line `after` on (so far or to come) that satisfies `predicate`; fails at exit or
        after `timeout`."""
        return self.wait_lines(predicate, 1, timeout, what, after)[0]

    def wait_lines(self, predicate, count: int, timeout: float, what: str, after: int = 0) -> list[str]:
        """The first `count` lines from line `after` on that satisfy `predicate`, waiting for them as they come."""
        deadline = time.monotonic() + timeout
        found: list[str] = []
        seen = after
        with self.changed:
            while True:
                for line in self.lines[seen:]:
                    if predicate(line):
                        found.append(line)
                        if len(found) == count:
                            return found
                seen = max(seen, len(self.lines))
                if self.closed:
                    raise AssertionError(f"the process exited before {what}:\n{self.text()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting for {what}:\n{self.text()}")
                self.changed.wait(remaining)

    def mark(self) -> int:
        """The number of lines so far, to wait for what comes after them."""
        with self.changed:
            return len(self.lines)

    def text(self) -> str:
        with self.changed:
            return "".join(self.lines)

    def finish(self, timeout=10):
        self.thread.join(timeout)


class ModelServer:
    def __init__(self, tmp: pathlib.Path, model_uri, name="m", version="1", args=(), env=None, ready=True):
        self.port = free_port()
        self.name, self.version = name, version
        self.log_path = tmp / f"server-{self.port}.log"
        command = [str(SERVER), "serve", "--model-uri", str(model_uri), "--model-name", name, "--model-version", version,
                   "--host", "127.0.0.1", "--port", str(self.port), "--cache-dir", str(tmp / "cache"),
                   "--termination-log", str(tmp / f"termination-{self.port}"), "--threads", "1", *args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env=dict(os.environ, **(env or {})))
        self.output = OutputWatch(self.process.stdout, self.log_path)
        if ready:
            self.wait_ready()

    @property
    def url(self):
        return f"127.0.0.1:{self.port}"

    def logs(self) -> str:
        if self.process.poll() is not None:
            self.output.finish()  # everything the process wrote
        return self.output.text()

    def wait_listening(self, timeout=60.0):
        self.output.wait_line(lambda line: "listening" in line, timeout, "the server to listen")

    def wait_ready(self, timeout=60.0):
        """Waits for the server's own word (it logs once it listens and once the model is warmed up), then
        checks that the readiness endpoint agrees."""
        self.wait_listening(timeout)
        self.output.wait_line(lambda line: "model ready" in line, timeout, "the model to be ready")
        status = self.request("GET", "/v2/health/ready")[0]
        assert status == 200, f"the server logged 'model ready' but /v2/health/ready answers {status}"

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
        self.output.finish()
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


def prometheus_query(port: int, expression: str) -> list:
    """The result of an instant PromQL query against a Prometheus on 127.0.0.1:port."""
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.load(response)
    assert body["status"] == "success", body
    return body["data"]["result"]
