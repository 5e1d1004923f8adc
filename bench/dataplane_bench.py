#!/usr/bin/env python3
"""The embedded control plane's data plane, measured (docs/benchmarks.md, "Data plane"):

1. Pod created -> Ready: modelship-server pods with the operator's own pod template (its probes: startup and
   readiness every 5 s) and a small model, created through the API and watched until Ready; against the same
   server started directly as a process and polled until /v2/health/ready answers (the peer: no kubelet, no
   probe period), in the same run.
2. Requests per second through a Service's ClusterIP (the userspace proxy) against the pod's own address, c=64,
   one row per request, alternating the two `--pairs` times (wrk on one half of the CPUs).

    .venv/bin/python bench/dataplane_bench.py [--bin .build/release] [--pods 5] [--pairs 4] [--seconds 4]

Needs wrk (`scripts/install-deps.sh --bench`). Uses release binaries when --bin names them (build them with
`swift build -c release --product modelship-dev-cluster` and `--product modelship-server` with the Makefile's
linker flags).
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "python"))
sys.path.insert(0, str(ROOT / "bench"))

import conftest  # noqa: E402
import models  # noqa: E402
from kubernetes import client, config, watch  # noqa: E402
from live_support import model_store_manifests  # noqa: E402
from server_bench import cpu_split, run_wrk  # noqa: E402
from server_support import free_port  # noqa: E402

MODEL_DEPLOYMENT = """
apiVersion: modelship.dev/v1alpha1
kind: ModelDeployment
metadata: {name: bench}
spec:
  model: {uri: "http://model-store.default.svc.cluster.local/mlp.onnx", version: "1"}
  scaling: {replicas: 1}
"""


def core(cluster):
    configuration = client.Configuration()
    config.load_kube_config(config_file=str(cluster.kubeconfig), client_configuration=configuration)
    return client.CoreV1Api(client.ApiClient(configuration))


def pod_ready_seconds(cluster, template, index):
    """Creates a pod from the operator's template and watches it until Ready; returns the seconds it took."""
    api = core(cluster)
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"ready-{index}", "labels": {"bench": "ready"},
                                                             "annotations": template["metadata"].get("annotations", {})},
            "spec": template["spec"]}
    start = time.monotonic()
    created = api.create_namespaced_pod("default", body)
    stream = watch.Watch()
    for event in stream.stream(api.list_namespaced_pod, "default", field_selector=f"metadata.name=ready-{index}",
                               resource_version=created.metadata.resource_version, timeout_seconds=120):
        conditions = event["object"].status.conditions or []
        if any(c.type == "Ready" and c.status == "True" for c in conditions):
            stream.stop()
            elapsed = time.monotonic() - start
            api.delete_namespaced_pod(f"ready-{index}", "default", grace_period_seconds=0)
            return elapsed
    raise RuntimeError(f"pod ready-{index} did not become Ready")


def direct_ready_seconds(server, model, work):
    """The peer: the same server and model as a plain process, polled every 50 ms until ready."""
    port = free_port()
    start = time.monotonic()
    process = subprocess.Popen([str(server), "serve", "--model-uri", f"file://{model}", "--model-name", "bench", "--host", "127.0.0.1",
                                "--port", str(port), "--cache-dir", str(work / "cache")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/health/ready", timeout=1).status == 200:
                    return time.monotonic() - start
            except OSError:
                pass
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=str(ROOT / ".build" / "debug"))
    parser.add_argument("--pods", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=4)
    args = parser.parse_args()
    binaries = pathlib.Path(args.bin).resolve()
    conftest.BIN = binaries
    images = [flag.replace(str(ROOT / ".build" / "debug"), str(binaries)) for flag in conftest.live_images()]
    work = pathlib.Path(tempfile.mkdtemp(prefix="dataplane-bench-"))
    model = models.mlp(work / "mlp.onnx", sizes=(256, 512, 512, 10))
    load_cpus, _ = cpu_split()
    cluster = conftest.DevCluster(work, args=images)
    operator = conftest.Operator(cluster, work)
    try:
        cluster.kubectl("apply", "-f", "-", input=model_store_manifests({"mlp.onnx": model.read_bytes()}))
        cluster.kubectl("rollout", "status", "deployment/model-store", "--timeout=60s")
        cluster.kubectl("apply", "-f", "-", input=MODEL_DEPLOYMENT)
        cluster.kubectl("wait", "--for=jsonpath={.status.phase}=Healthy", "mdep/bench", "--timeout=120s")
        template = json.loads(cluster.kubectl("get", "deployment", "bench-stable", "-o", "json").stdout)["spec"]["template"]

        ready, direct = [], []
        for index in range(args.pods):
            ready.append(pod_ready_seconds(cluster, template, index))
            direct.append(direct_ready_seconds(binaries / "modelship-server", model, work))
        print(f"binaries: {binaries}")
        print(f"pod created -> Ready (operator's template, {args.pods} pods): "
              f"min {min(ready):.2f} s, median {statistics.median(ready):.2f} s, max {max(ready):.2f} s")
        print(f"same server as a plain process -> ready (peer): "
              f"min {min(direct):.2f} s, median {statistics.median(direct):.2f} s, max {max(direct):.2f} s")

        pod_ip = json.loads(cluster.kubectl("get", "pods", "-l", "app.kubernetes.io/instance=bench", "-o", "json").stdout)["items"][0]["status"]["podIP"]
        cluster_ip = cluster.kubectl("get", "service", "bench", "-o", "jsonpath={.spec.clusterIP}").stdout
        rows = [[0.01 * i for i in range(256)]]
        body = work / "body.json"
        body.write_text(json.dumps({"inputs": [{"name": "x", "shape": [1, 256], "datatype": "FP32", "data": rows[0]}]}))
        run_wrk(load_cpus, f"http://{pod_ip}:8080/v2/models/bench/infer", body, 2, 8)  # warm-up
        ratios, proxied, straight = [], [], []
        for _ in range(args.pairs):
            a = run_wrk(load_cpus, f"http://{cluster_ip}/v2/models/bench/infer", body, args.seconds, 64)
            b = run_wrk(load_cpus, f"http://{pod_ip}:8080/v2/models/bench/infer", body, args.seconds, 64)
            assert a["errors"] == 0 and b["errors"] == 0, (a, b)
            proxied.append(a["rps"])
            straight.append(b["rps"])
            ratios.append(a["rps"] / b["rps"])
        print(f"c=64, one row, wrk on CPUs {load_cpus}, {args.pairs} alternating pairs of {args.seconds} s:")
        print(f"  through the ClusterIP (proxy): median {statistics.median(proxied):.0f} req/s ({min(proxied):.0f}-{max(proxied):.0f})")
        print(f"  to the pod directly:           median {statistics.median(straight):.0f} req/s ({min(straight):.0f}-{max(straight):.0f})")
        print(f"  proxy/direct: median {statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})")
    finally:
        operator.stop()
        cluster.stop()


if __name__ == "__main__":
    main()
