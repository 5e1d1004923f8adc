"""The embedded control plane's data plane: pods of mapped images run as processes on their own loopback
addresses, Services route to them through the userspace proxy, and the kubelet's status, restarts, probes,
logs and deletion behave as a real kubelet's. Everything is observed through kubectl and HTTP."""
import json
import re
import signal
import subprocess

import numpy as np
import onnxruntime
import pytest

import models
from conftest import DevCluster, Operator, live_images
from live_support import (DiscoveringPrometheus, alive, echo_manifests, get_json, http, model_store_manifests, pid_of, pods, wait_exited,
                          wait_for_file_change, wait_pods_exist)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A dev cluster that runs pods (server and Python images), with the CRD and the operator."""
    tmp = tmp_path_factory.mktemp("live")
    cluster = DevCluster(tmp, args=live_images())
    cluster.tmp = tmp
    operator = Operator(cluster, tmp)
    yield cluster
    assert operator.stop() == 0
    cluster.stop()


@pytest.fixture(scope="module")
def echo(live):
    live.kubectl("apply", "-f", "-", input=echo_manifests())
    live.kubectl("rollout", "status", "deployment/echo", "--timeout=60s")
    return live


@pytest.fixture(scope="module")
def model_store(live):
    """A model served by a pod, and its URL through the Service's DNS name."""
    model = models.mlp(live.tmp / "mlp.onnx", sizes=(4, 8, 3))
    live.kubectl("apply", "-f", "-", input=model_store_manifests({"mlp.onnx": model.read_bytes()}))
    live.kubectl("rollout", "status", "deployment/model-store", "--timeout=60s")
    return model, "http://model-store.default.svc.cluster.local/mlp.onnx"


def model_deployment(name, uri, replicas=2, version="1"):
    return f"""
apiVersion: modelship.dev/v1alpha1
kind: ModelDeployment
metadata: {{name: {name}}}
spec:
  model: {{uri: "{uri}", version: "{version}"}}
  scaling: {{replicas: {replicas}}}
"""


def test_a_model_answers_inference_through_its_service(live, model_store):
    model, url = model_store
    live.kubectl("apply", "-f", "-", input=model_deployment("live-mlp", url))
    live.kubectl("wait", "--for=jsonpath={.status.phase}=Healthy", "mdep/live-mlp", "--timeout=90s")

    running = pods(live, "app.kubernetes.io/instance=live-mlp")
    addresses = sorted(pod["status"]["podIP"] for pod in running)
    assert len(addresses) == 2 and all(address.startswith("127.") for address in addresses)
    slices = get_json(live, "endpointslices", "-l", "kubernetes.io/service-name=live-mlp")["items"]
    endpoints = [endpoint for piece in slices for endpoint in piece["endpoints"]]
    assert sorted(endpoint["addresses"][0] for endpoint in endpoints) == addresses
    assert all(endpoint["conditions"] == {"ready": True, "serving": True, "terminating": False} for endpoint in endpoints)
    assert slices[0]["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]

    cluster_ip = live.kubectl("get", "service", "live-mlp", "-o", "jsonpath={.spec.clusterIP}").stdout
    assert cluster_ip.startswith("127.") and cluster_ip.split(".")[1] != addresses[0].split(".")[1]
    rows = np.random.default_rng(7).standard_normal((3, 4)).astype(np.float32)
    body = {"inputs": [{"name": "x", "shape": [3, 4], "datatype": "FP32", "data": rows.flatten().tolist()}]}
    status, text = http(f"http://{cluster_ip}/v2/models/live-mlp/infer", body)
    assert status == 200, text
    expected = onnxruntime.InferenceSession(str(model)).run(None, {"x": rows})[0]
    output = json.loads(text)["outputs"][0]
    assert output["shape"] == [3, 3]
    np.testing.assert_allclose(np.array(output["data"], dtype=np.float32).reshape(3, 3), expected, rtol=1e-5, atol=1e-6)

    # One connection per request: the proxy takes the endpoints in turn, so both pods answer some.
    for _ in range(6):
        assert http(f"http://{cluster_ip}/v2/models/live-mlp/infer", body)[0] == 200
    served = [sum(float(line.rsplit(" ", 1)[1]) for line in http(f"http://{ip}:8080/metrics")[1].splitlines()
                  if line.startswith("modelship_requests_total{")) for ip in addresses]
    assert all(count >= 3 for count in served), served


def test_prometheus_discovers_and_scrapes_the_model_pods(live, model_store, tmp_path):
    live.kubectl("apply", "-f", "-", input=model_deployment("live-mlp", model_store[1]))
    live.kubectl("wait", "--for=jsonpath={.status.phase}=Healthy", "mdep/live-mlp", "--timeout=90s")
    expected = {pod["metadata"]["name"]: pod["status"]["podIP"] for pod in pods(live, "app.kubernetes.io/instance=live-mlp")}
    prometheus = DiscoveringPrometheus(live, tmp_path)
    try:
        prometheus.wait_for('count(up{instance_name="live-mlp"} == 1) == 2', 60, "Prometheus to discover and scrape both model pods")
        targets = {t["labels"]["pod"]: t for t in prometheus.targets() if t["labels"].get("instance_name") == "live-mlp"}
        assert set(targets) == set(expected) and all(t["health"] == "up" for t in targets.values())
        for name, target in targets.items():
            assert target["labels"]["namespace"] == "default" and target["labels"]["model_version"] == "1"
            assert target["scrapeUrl"] == f"http://{expected[name]}:8080/metrics"
        # The model store's pod has no scrape annotation: discovered, dropped by the relabelling.
        assert not any(t["labels"].get("pod", "").startswith("model-store") for t in prometheus.targets())

        cluster_ip = live.kubectl("get", "service", "live-mlp", "-o", "jsonpath={.spec.clusterIP}").stdout
        body = {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [0.1, 0.2, 0.3, 0.4]}]}
        before = sum(float(s["value"][1]) for s in prometheus.query('modelship_requests_total{model="live-mlp"}'))
        for _ in range(10):
            assert http(f"http://{cluster_ip}/v2/models/live-mlp/infer", body)[0] == 200
        query = f'sum by (model_version) (modelship_requests_total{{model="live-mlp", code="200"}}) >= {before + 10}'
        counted = prometheus.wait_for(query, 30, "Prometheus to count the ten requests")
        assert [series["metric"] for series in counted] == [{"model_version": "1"}]
        per_pod = prometheus.query('sum by (pod) (modelship_requests_total{model="live-mlp"})')
        assert {series["metric"]["pod"] for series in per_pod} == set(expected)
        up = prometheus.query('up{instance_name="live-mlp"}')
        assert sorted(series["metric"]["pod"] for series in up) == sorted(expected)
    finally:
        prometheus.stop()


def test_a_model_that_cannot_load_crash_loops_with_its_reason(live):
    live.kubectl("apply", "-f", "-", input=model_deployment("no-model", "file:///nonexistent/models/missing.onnx", replicas=1))
    wait_pods_exist(live, "app.kubernetes.io/instance=no-model")
    live.kubectl("wait", "--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=CrashLoopBackOff",
                 "pod", "-l", "app.kubernetes.io/instance=no-model", "--timeout=90s")
    pod = pods(live, "app.kubernetes.io/instance=no-model")[0]
    status = pod["status"]["containerStatuses"][0]
    assert status["restartCount"] >= 1 and status["ready"] is False
    assert status["lastState"]["terminated"]["exitCode"] == 1
    assert "/nonexistent/models/missing.onnx" in status["lastState"]["terminated"]["message"]
    assert status["state"]["waiting"]["message"].startswith("back-off 10s restarting failed container=server")

    described = live.kubectl("describe", "pod", pod["metadata"]["name"]).stdout
    for expected in ["CrashLoopBackOff", "Last State:     Terminated", "Exit Code:    1", "/nonexistent/models/missing.onnx",
                     "Back-off restarting failed container server"]:
        assert expected in described, f"missing {expected!r} in:\n{described}"
    assert live.kubectl("get", "pods", "-l", "app.kubernetes.io/instance=no-model").stdout.split("\n")[1].split()[2] == "CrashLoopBackOff"
    live.kubectl("delete", "mdep", "no-model")


def test_a_rollout_that_makes_no_progress_exceeds_its_deadline(live):
    live.kubectl("apply", "-f", "-", input="""
apiVersion: apps/v1
kind: Deployment
metadata: {name: never-ready}
spec:
  replicas: 1
  progressDeadlineSeconds: 3
  selector: {matchLabels: {app: never-ready}}
  template:
    metadata: {labels: {app: never-ready}}
    spec:
      containers: [{name: main, image: python:3.11, command: ["python3", "-c", "import sys; sys.exit('no model')"]}]
""")
    live.kubectl("wait", "--for=jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}=ProgressDeadlineExceeded",
                 "deployment/never-ready", "--timeout=30s")
    status = get_json(live, "deployment", "never-ready")["status"]
    assert status["unavailableReplicas"] == 1 and "readyReplicas" not in status
    live.kubectl("delete", "deployment", "never-ready")


def test_a_killed_process_restarts_and_keeps_its_logs(echo):
    pod = pods(echo, "app=echo")[0]
    name = pod["metadata"]["name"]
    pid = pid_of(pod)
    signal_pid = __import__("os").kill
    signal_pid(pid, signal.SIGKILL)
    echo.kubectl("wait", "--for=jsonpath={.status.containerStatuses[0].restartCount}=1", f"pod/{name}", "--timeout=30s")
    echo.kubectl("wait", "--for=condition=Ready", f"pod/{name}", "--timeout=30s")
    status = get_json(echo, "pod", name)["status"]["containerStatuses"][0]
    assert status["lastState"]["terminated"]["exitCode"] == 137
    assert status["lastState"]["terminated"]["reason"] == "Error"
    assert pid_of(get_json(echo, "pod", name)) != pid
    previous = echo.kubectl("logs", name, "--previous").stdout
    assert "listening on " + pod["status"]["podIP"] in previous

    # A second crash soon after the first waits out the back-off: CrashLoopBackOff, then running again.
    signal_pid(pid_of(get_json(echo, "pod", name)), signal.SIGKILL)
    echo.kubectl("wait", "--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=CrashLoopBackOff", f"pod/{name}",
                 "--timeout=30s")
    echo.kubectl("wait", "--for=jsonpath={.status.containerStatuses[0].restartCount}=2", f"pod/{name}", "--timeout=30s")
    echo.kubectl("wait", "--for=condition=Ready", f"pod/{name}", "--timeout=30s")
    events = echo.kubectl("get", "events", "--field-selector", f"involvedObject.name={name}").stdout
    assert "BackOff" in events and "Started" in events


def test_readiness_failure_leaves_the_endpoints_and_the_proxy(echo):
    echo.kubectl("rollout", "status", "deployment/echo", "--timeout=60s")
    cluster_ip = echo.kubectl("get", "service", "echo", "-o", "jsonpath={.spec.clusterIP}").stdout
    names = {pod["metadata"]["name"]: pod["status"]["podIP"] for pod in pods(echo, "app=echo")}
    answered = {http(f"http://{cluster_ip}/")[1] for _ in range(8)}
    assert answered == set(names)

    failing, address = sorted(names.items())[0]
    assert http(f"http://{address}:8080/", body=b"fail")[0] == 200
    echo.kubectl("wait", "--for=condition=Ready=false", f"pod/{failing}", "--timeout=30s")
    sliced = get_json(echo, "endpointslices", "-l", "kubernetes.io/service-name=echo")["items"][0]["endpoints"]
    conditions = {endpoint["targetRef"]["name"]: endpoint["conditions"]["ready"] for endpoint in sliced}
    assert conditions[failing] is False and all(ready for name, ready in conditions.items() if name != failing)
    legacy = get_json(echo, "endpoints", "echo")["subsets"][0]
    assert [entry["ip"] for entry in legacy["notReadyAddresses"]] == [address]
    assert {http(f"http://{cluster_ip}/")[1] for _ in range(8)} == set(names) - {failing}

    # The Deployment replaces nothing (the pod runs) but counts it unavailable.
    echo.kubectl("wait", "--for=jsonpath={.status.readyReplicas}=1", "deployment/echo", "--timeout=30s")
    echo.kubectl("delete", "pod", failing, "--timeout=30s")
    echo.kubectl("rollout", "status", "deployment/echo", "--timeout=60s")


def test_logs_follow_tail_timestamps_and_deployment(echo):
    echo.kubectl("rollout", "status", "deployment/echo", "--timeout=60s")
    pod = pods(echo, "app=echo")[0]
    name, address = pod["metadata"]["name"], pod["status"]["podIP"]
    follower = subprocess.Popen(["kubectl", "logs", "-f", name], stdout=subprocess.PIPE, text=True, env=echo.env())
    try:
        assert follower.stdout.readline().startswith("listening on ")
        http(f"http://{address}:8080/followed-path")
        while "followed-path" not in (line := follower.stdout.readline()):
            assert line, "the log stream ended"
    finally:
        follower.kill()
        follower.wait()
    tail = echo.kubectl("logs", name, "--tail=1").stdout.splitlines()
    assert len(tail) == 1 and "followed-path" in tail[0]
    stamped = echo.kubectl("logs", name, "--timestamps", "--tail=1").stdout
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z request ", stamped), stamped
    assert "listening on" in echo.kubectl("logs", "deploy/echo").stdout
    assert echo.kubectl("logs", name, "--since=1h").stdout.startswith("listening on")
    missing = echo.kubectl("logs", name, "-c", "nope", check=False)
    assert missing.returncode != 0 and "container nope is not valid" in missing.stderr


def test_configmap_volumes_follow_their_configmap(echo):
    echo.kubectl("rollout", "status", "deployment/echo", "--timeout=60s")
    pod = pods(echo, "app=echo")[0]
    address = pod["status"]["podIP"]
    assert http(f"http://{address}:8080/greeting")[1] == "hello"
    echo.kubectl("patch", "configmap", "echo-files", "--type=merge", "-p", '{"data": {"greeting": "bonjour"}}')
    # The volume is the pod's directory (docs: mount paths): the kubelet rewrites its files, inotify says when.
    volume = echo.pod_directory / f"default_{pod['metadata']['name']}_{pod['metadata']['uid']}" / "volumes" / "files"
    wait_for_file_change(volume, lambda: http(f"http://{address}:8080/greeting")[1] == "bonjour", 30,
                         "the volume to show the new greeting")


def test_jobs_run_and_their_exit_codes_decide(live):
    def job(name, code, backoff=0, deadline=None):
        extra = f"activeDeadlineSeconds: {deadline}" if deadline else ""
        return f"""
apiVersion: batch/v1
kind: Job
metadata: {{name: {name}}}
spec:
  backoffLimit: {backoff}
  {extra}
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: python:3.11
        command: ["python3", "-c", {json.dumps(code)}]
"""
    live.kubectl("apply", "-f", "-", input=job("succeeds", "print('trained'); import sys; sys.exit(0)"))
    live.kubectl("apply", "-f", "-", input=job("fails", "import sys; print('bad data', file=sys.stderr); sys.exit(3)", backoff=1))
    live.kubectl("apply", "-f", "-", input=job("overruns", "import signal; print('started', flush=True); signal.pause()", deadline=2))
    live.kubectl("wait", "--for=condition=Complete", "job/succeeds", "--timeout=60s")
    assert live.kubectl("logs", "job/succeeds").stdout == "trained\n"
    live.kubectl("wait", "--for=condition=Failed", "job/fails", "--timeout=60s")
    failed = get_json(live, "job", "fails")["status"]
    assert failed["failed"] == 2
    assert [c["reason"] for c in failed["conditions"] if c["type"] == "Failed"] == ["BackoffLimitExceeded"]
    exits = [pod["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] for pod in pods(live, "job-name=fails")]
    assert exits == [3, 3]
    live.kubectl("wait", "--for=condition=Failed", "job/overruns", "--timeout=60s")
    overrun = get_json(live, "job", "overruns")["status"]
    assert [c["reason"] for c in overrun["conditions"] if c["type"] == "Failed"] == ["DeadlineExceeded"]


def test_pods_reach_services_by_their_dns_names(echo):
    probe = (
        "import urllib.request\n"
        "for host in ['echo', 'echo.default', 'echo.default.svc', 'echo.default.svc.cluster.local']:\n"
        "    print(host, urllib.request.urlopen(f'http://{host}/', timeout=5).read().decode(), flush=True)\n")
    echo.kubectl("apply", "-f", "-", input=f"""
apiVersion: batch/v1
kind: Job
metadata: {{name: resolver}}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{{name: main, image: python:3.11, command: ["python3", "-c", {json.dumps(probe)}]}}]
""")
    echo.kubectl("wait", "--for=condition=Complete", "job/resolver", "--timeout=60s")
    answers = dict(line.split(" ", 1) for line in echo.kubectl("logs", "job/resolver").stdout.splitlines())
    assert sorted(answers) == ["echo", "echo.default", "echo.default.svc", "echo.default.svc.cluster.local"]
    assert set(answers.values()) <= {pod["metadata"]["name"] for pod in pods(echo, "app=echo")}
    # The host's resolver is untouched: the names exist only inside pods.
    assert "echo.default.svc.cluster.local" not in open("/etc/hosts").read()


STUBBORN_SERVER = """
import http.server, os, pathlib, signal
pathlib.Path(os.environ["STATE_DIR"], "alive").touch()
signal.signal(signal.SIGTERM, lambda *_: print("ignoring SIGTERM", flush=True))
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
print("serving", flush=True)
http.server.HTTPServer((os.environ["POD_IP"], 8080), Handler).serve_forever()
"""


def stubborn_pod(name, grace=3):
    """A pod that ignores SIGTERM, checked by exec liveness (a file it made) and tcp startup/readiness probes."""
    return f"""
apiVersion: v1
kind: Pod
metadata: {{name: {name}, labels: {{app: {name}}}}}
spec:
  terminationGracePeriodSeconds: {grace}
  containers:
  - name: main
    image: python:3.11
    command: ["python3", "-u", "-c", {json.dumps(STUBBORN_SERVER)}]
    env:
    - {{name: POD_IP, valueFrom: {{fieldRef: {{fieldPath: status.podIP}}}}}}
    - {{name: STATE_DIR, value: /state}}
    ports: [{{name: http, containerPort: 8080}}]
    startupProbe: {{tcpSocket: {{port: http}}, periodSeconds: 1, failureThreshold: 30}}
    readinessProbe: {{tcpSocket: {{port: http}}, periodSeconds: 1}}
    livenessProbe: {{exec: {{command: ["test", "-f", "/state/alive"]}}, periodSeconds: 1, failureThreshold: 2}}
    volumeMounts: [{{name: state, mountPath: /state}}]
  volumes: [{{name: state, emptyDir: {{}}}}]
---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: http}}]
"""


def test_a_failing_liveness_probe_restarts_the_container(live):
    live.kubectl("apply", "-f", "-", input=stubborn_pod("lively"))
    live.kubectl("wait", "--for=condition=Ready", "pod/lively", "--timeout=60s")
    pod = get_json(live, "pod", "lively")
    # The exec probe checks /state/alive, the emptyDir's file in the pod's directory (docs: mount paths).
    alive_file = live.pod_directory / f"default_lively_{pod['metadata']['uid']}" / "volumes" / "state" / "alive"
    assert alive_file.exists()
    alive_file.unlink()
    live.kubectl("wait", "--for=jsonpath={.status.containerStatuses[0].restartCount}=1", "pod/lively", "--timeout=30s")
    live.kubectl("wait", "--for=condition=Ready", "pod/lively", "--timeout=30s")
    events = live.kubectl("get", "events", "--field-selector", "involvedObject.name=lively").stdout
    assert "Liveness probe failed: command [\"test\", \"-f\", \"/state/alive\"] exited with 1" in events
    assert "Container main failed liveness probe, will be restarted" in events
    # It ignored SIGTERM, so the kubelet killed it when the grace period (3 s) ended.
    terminated = get_json(live, "pod", "lively")["status"]["containerStatuses"][0]["lastState"]["terminated"]
    assert terminated["exitCode"] == 137


def test_a_terminating_pod_leaves_the_endpoints_then_is_killed_after_its_grace_period(live):
    live.kubectl("apply", "-f", "-", input=stubborn_pod("stubborn", grace=4))
    live.kubectl("wait", "--for=condition=Ready", "pod/stubborn", "--timeout=60s")
    pid = pid_of(get_json(live, "pod", "stubborn"))
    live.kubectl("delete", "pod", "stubborn", "--wait=false")
    live.kubectl("wait", "--for=jsonpath={.endpoints[0].conditions.terminating}=true", "endpointslice", "-l",
                 "kubernetes.io/service-name=stubborn", "--timeout=10s")
    endpoint = get_json(live, "endpointslices", "-l", "kubernetes.io/service-name=stubborn")["items"][0]["endpoints"][0]
    assert endpoint["conditions"] == {"ready": False, "serving": True, "terminating": True}
    assert alive(pid), "the process must outlive SIGTERM until the grace period ends"
    assert live.kubectl("get", "pod", "stubborn").stdout.split("\n")[1].split()[2] == "Terminating"
    wait_exited([pid], timeout=15)
    live.kubectl("wait", "--for=delete", "pod/stubborn", "--timeout=15s")


def test_cronjob_jobs_run_for_real(live):
    live.kubectl("apply", "-f", "-", input="""
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      completions: 2
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          containers: [{name: main, image: python:3.11, command: ["python3", "-c", "print('retrained')"]}]
""")
    live.kubectl("create", "job", "nightly-now", "--from=cronjob/nightly")
    live.kubectl("wait", "--for=condition=Complete", "job/nightly-now", "--timeout=60s")
    status = get_json(live, "job", "nightly-now")["status"]
    assert status["succeeded"] == 2
    logs = [live.kubectl("logs", pod["metadata"]["name"]).stdout for pod in pods(live, "job-name=nightly-now")]
    assert logs == ["retrained\n", "retrained\n"]


def test_deleting_a_deployment_stops_its_processes(live):
    live.kubectl("apply", "-f", "-", input=echo_manifests("short-lived", replicas=2))
    live.kubectl("rollout", "status", "deployment/short-lived", "--timeout=60s")
    pids = [pid_of(pod) for pod in pods(live, "app=short-lived")]
    assert all(alive(pid) for pid in pids)
    live.kubectl("delete", "deployment", "short-lived")
    wait_exited(pids, timeout=30)
    live.kubectl("wait", "--for=delete", "pod", "-l", "app=short-lived", "--timeout=30s")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["graceful", "killed"])
def test_no_pod_process_outlives_the_dev_cluster(tmp_path, stop):
    cluster = DevCluster(tmp_path, args=live_images())
    try:
        cluster.kubectl("apply", "-f", "-", input=echo_manifests("doomed", replicas=2))
        cluster.kubectl("rollout", "status", "deployment/doomed", "--timeout=60s")
        pids = [pid_of(pod) for pod in pods(cluster, "app=doomed")]
        assert len(pids) == 2 and all(alive(pid) for pid in pids)
    finally:
        cluster.process.send_signal(stop)
        cluster.process.wait(timeout=30)
        cluster.log.close()
    wait_exited(pids, timeout=10)
