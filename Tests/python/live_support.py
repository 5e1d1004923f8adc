"""Helpers for tests on the embedded control plane's data plane: pods that run as processes."""
import json
import os
import select
import time
import urllib.error
import urllib.request

import yaml

ECHO_SERVER = '''
import http.server, os, sys
ready = True
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/ready":
            self.answer(200 if ready else 503, b"ready" if ready else b"not ready")
        elif self.path == "/greeting":
            with open(os.path.join(os.path.dirname(__file__), "greeting")) as f:
                self.answer(200, f.read().encode())
        else:
            self.answer(200, os.environ["POD_NAME"].encode())
    def do_POST(self):
        global ready
        ready = False
        self.answer(200, b"ok")
    def answer(self, code, body):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, fmt, *args):
        if self.path != "/ready":
            print("request", fmt % args, flush=True)
print("listening on", os.environ["POD_IP"], flush=True)
http.server.ThreadingHTTPServer((os.environ["POD_IP"], 8080), Handler).serve_forever()
'''


def python_app(name, command, files, probe, replicas=1, mount="/app", binary=False, env=()):
    """A ConfigMap of `files`, a Deployment of Python pods that mount it at `mount` and run `command` (with POD_IP and
    POD_NAME in their environment), and a Service on port 80 to their port `http` (8080), as YAML."""
    import base64
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{name}-files"},
                  "binaryData" if binary else "data": {key: base64.b64encode(value).decode() if binary else value
                                                       for key, value in files.items()}}
    container = {
        "name": "main", "image": "python:3.11-slim", "command": command,
        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}, *env],
        "ports": [{"name": "http", "containerPort": 8080}], "readinessProbe": probe,
        "volumeMounts": [{"name": "files", "mountPath": mount}],
    }
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"terminationGracePeriodSeconds": 5, "containers": [container],
                                       "volumes": [{"name": "files", "configMap": {"name": f"{name}-files"}}]}}},
    }
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
               "spec": {"selector": {"app": name}, "ports": [{"name": "web", "port": 80, "targetPort": "http"}]}}
    return yaml.safe_dump_all([config_map, deployment, service])


def echo_manifests(name="echo", replicas=2, greeting="hello"):
    """A small Python HTTP server (from a ConfigMap volume) that answers with its pod's name, with a readiness probe
    that a POST turns to failing, and its Service."""
    return python_app(name, ["python3", "-u", "/app/server.py"], {"server.py": ECHO_SERVER, "greeting": greeting},
                      {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 1, "failureThreshold": 1}, replicas=replicas)


def model_store_manifests(files: dict, name="model-store"):
    """A Python HTTP server pod that serves `files` (name -> bytes) and its Service: models reach server pods over the
    pod network, as from an artifact store in a cluster."""
    return python_app(name, ["python3", "-m", "http.server", "8080", "--bind", "$(POD_IP)", "--directory", "/srv/models"], files,
                      {"tcpSocket": {"port": "http"}, "periodSeconds": 1}, mount="/srv/models", binary=True)


def wait_pods_exist(cluster, selector, count=1, timeout=60.0):
    """Waits (on a watch) until `count` pods match the selector; kubectl wait needs them to exist already."""
    import subprocess
    import threading
    watch = subprocess.Popen(["kubectl", "get", "pods", "-l", selector, "--watch", "-o", "name"], stdout=subprocess.PIPE, text=True,
                             env=cluster.env())
    timer = threading.Timer(timeout, watch.kill)
    timer.start()
    seen = set()
    try:
        for line in watch.stdout:
            seen.add(line.strip())
            if len(seen) >= count:
                return
        raise AssertionError(f"fewer than {count} pods matched {selector} within {timeout}s: {seen}")
    finally:
        timer.cancel()
        watch.kill()
        watch.wait()


def get_json(cluster, *args):
    return json.loads(cluster.kubectl("get", *args, "-o", "json").stdout)


def pods(cluster, selector):
    return get_json(cluster, "pods", "-l", selector)["items"]


def pid_of(pod, container=0):
    container_id = pod["status"]["containerStatuses"][container]["containerID"]
    assert container_id.startswith("process://"), container_id
    return int(container_id.removeprefix("process://"))


def http(url, body=None, timeout=10):
    """(status, text) of a GET, or a POST when there is a body."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_exited(pids, timeout=30.0):
    """Waits until every process has exited (pidfd_open: woken by the exit itself, no polling)."""
    deadline = time.monotonic() + timeout
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            remaining = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([fd], [], [], remaining)
            assert ready, f"process {pid} still runs after {timeout}s: {open(f'/proc/{pid}/cmdline').read()!r}"
        finally:
            os.close(fd)


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def wait_for_file_change(directory, predicate, timeout, what):
    """For what a kubelet writes into a pod's volume directory: woken by inotify on each file written or renamed
    into `directory`, checks `predicate` until it is true or the deadline passes."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    in_close_write, in_moved_to, in_create, in_cloexec = 0x8, 0x80, 0x100, 0o2000000
    fd = libc.inotify_init1(in_cloexec)
    assert fd >= 0, f"inotify_init1 failed: errno {ctypes.get_errno()}"
    try:
        assert libc.inotify_add_watch(fd, str(directory).encode(), in_close_write | in_moved_to | in_create) >= 0
        deadline = time.monotonic() + timeout
        while not (value := predicate()):
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(0.0, remaining))
            if not ready:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            os.read(fd, 65536)
        return value
    finally:
        os.close(fd)


class AlertReceiver:
    """An Alertmanager stand-in: Prometheus sends alerts here when their expression holds, so a test waits for a
    query's condition by waiting for its alert (pushed by Prometheus's rule evaluation, no polling)."""

    def __init__(self):
        import http.server
        import threading
        self.fired = set()
        self.changed = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                alerts = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.changed:
                    receiver.fired.update(alert["labels"]["alertname"] for alert in alerts)
                    receiver.changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, name, timeout, what):
        with self.changed:
            if not self.changed.wait_for(lambda: name in self.fired, timeout):
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class DiscoveringPrometheus:
    """Prometheus fed by pod discovery through the dev cluster's API server, as the demo runs it. Debian builds
    Prometheus without Kubernetes discovery, so vmagent (Debian's victoria-metrics, an independent Kubernetes client)
    discovers the pods with the kubernetes_sd_configs that scripts/prometheus-config.py writes, scrapes them, and
    remote-writes to Debian's Prometheus, which answers the queries."""

    def __init__(self, cluster, tmp, operator_metrics=()):
        import shutil
        import subprocess
        import sys

        from server_support import ROOT, OutputWatch, free_port
        self.port, self.agent_port = free_port(), free_port()
        extra = [flag for target in operator_metrics for flag in ("--operator", target)]
        config = subprocess.run([sys.executable, str(ROOT / "scripts" / "prometheus-config.py"), str(cluster.kubeconfig), str(tmp), *extra],
                                check=True, capture_output=True, text=True).stdout.strip()
        # Prometheus receives the samples and evaluates the tests' wait conditions as alerting rules. An alert that
        # fires before the reloaded notifier knows its Alertmanager is dropped; resending every second covers that.
        self.alerts = AlertReceiver()
        self.rules, self.waits = tmp / "waits.yml", []
        self.rules.write_text("groups: []\n")
        (tmp / "receiver.yml").write_text(
            "global: {evaluation_interval: 1s}\n"
            f"rule_files: [{self.rules}]\n"
            f"alerting: {{alertmanagers: [{{api_version: v2, static_configs: [{{targets: ['127.0.0.1:{self.alerts.port}']}}]}}]}}\n")
        self.process = subprocess.Popen(
            [shutil.which("prometheus"), f"--config.file={tmp / 'receiver.yml'}", f"--storage.tsdb.path={tmp / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--web.enable-remote-write-receiver", "--web.enable-lifecycle",
             "--rules.alert.resend-delay=1s"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output = OutputWatch(self.process.stdout, tmp / "prometheus.log")
        self.output.wait_line(lambda line: "Server is ready to receive web requests" in line, 60, "Prometheus to start")
        self.agent = subprocess.Popen(
            [shutil.which("vmagent"), f"-promscrape.config={config}", f"-httpListenAddr=127.0.0.1:{self.agent_port}",
             f"-remoteWrite.url=http://127.0.0.1:{self.port}/api/v1/write", f"-remoteWrite.tmpDataPath={tmp / 'vmagent'}",
             "-remoteWrite.flushInterval=200ms"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.agent_output = OutputWatch(self.agent.stdout, tmp / "vmagent.log")
        self.agent_output.wait_line(lambda line: "starting http server at" in line, 60, "vmagent to start")

    def targets(self):
        """The agent's active targets, as Prometheus's /api/v1/targets lists them."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.agent_port}/api/v1/targets", timeout=10) as response:
            return json.load(response)["data"]["activeTargets"]

    def query(self, expression):
        from server_support import prometheus_query
        return prometheus_query(self.port, expression)

    def wait_for(self, expression, timeout, what):
        """Waits until `expression` returns a sample (the rule's alert fires), then returns the query's result."""
        name = f"Wait{len(self.waits)}"
        self.waits.append({"alert": name, "expr": expression})
        self.rules.write_text(yaml.safe_dump({"groups": [{"name": "waits", "interval": "1s", "rules": self.waits}]}))
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/-/reload", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
        self.alerts.wait(name, timeout, what)
        return self.query(expression)

    def stop(self):
        for process, output in [(self.agent, self.agent_output), (self.process, self.output)]:
            process.terminate()
            process.wait(timeout=30)
            output.finish()
        self.alerts.stop()
