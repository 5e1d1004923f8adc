#!/usr/bin/env python3
"""Controller at scale on the embedded control plane.

Applies N ModelDeployments at once to a running operator and measures: time until all are Healthy, write
requests per ModelDeployment (API server request counts, the benchmark's own creates excluded), peak
operator RSS, and write requests during an idle resync of all N. Runs twice: with the operator's default
client rate limit and with it lifted. Usage: bench/controller_scale.py [--count 1000]
"""
import argparse
import json
import os
import pathlib
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from kubernetes import client, config, watch

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = ROOT / ".build" / "release" if (ROOT / ".build" / "release" / "modelship-operator").exists() else ROOT / ".build" / "debug"
WRITE_VERBS = ("create ", "update ", "patch ", "delete ")


def start(cmd, log, env=None):
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)


class Cluster:
    def __init__(self, tmp):
        self.kubeconfig = tmp / "kubeconfig"
        self.process = start([str(BIN / "modelship-dev-cluster"), "--port", "0", "--kubeconfig", str(self.kubeconfig),
                              "--log-level", "error", "--history-capacity", "200000"], open(tmp / "cluster.log", "w"))
        while not self.kubeconfig.exists():
            time.sleep(0.05)
        configuration = client.Configuration()
        config.load_kube_config(config_file=str(self.kubeconfig), client_configuration=configuration)
        configuration.connection_pool_maxsize = 32
        self.api = client.ApiClient(configuration)
        self.custom = client.CustomObjectsApi(self.api)
        self.configuration = configuration

    def admin(self, method="GET"):
        request = urllib.request.Request(self.configuration.host + "/__admin/faults", method=method,
                                         headers={"Authorization": self.configuration.get_api_key_with_prefix("BearerToken") or self.configuration.api_key.get("authorization", "")})
        context = ssl.create_default_context(cafile=self.configuration.ssl_ca_cert)
        with urllib.request.urlopen(request, context=context) as response:
            return json.loads(response.read() or b"{}")

    def writes(self):
        counts = self.admin()
        return {k: v for k, v in counts.items() if k.startswith(WRITE_VERBS) and k != "create modeldeployments"}

    def stop(self):
        self.process.terminate()
        self.process.wait()


def rss_peak_mb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def create_all(cluster, namespace, count):
    bodies = [{"apiVersion": "modelship.dev/v1alpha1", "kind": "ModelDeployment", "metadata": {"name": f"model-{i:04d}"},
               "spec": {"model": {"uri": f"s3://models/m{i}/model.onnx", "version": "1"}, "scaling": {"replicas": 1 + i % 2}}}
              for i in range(count)]
    chunks = [bodies[i::16] for i in range(16)]

    def worker(chunk):
        for body in chunk:
            cluster.custom.create_namespaced_custom_object("modelship.dev", "v1alpha1", namespace, "modeldeployments", body)
    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def wait_all_healthy(cluster, namespace, count, timeout):
    healthy = set()
    deadline = time.monotonic() + timeout
    listed = cluster.custom.list_namespaced_custom_object("modelship.dev", "v1alpha1", namespace, "modeldeployments")
    for item in listed["items"]:
        if item.get("status", {}).get("phase") == "Healthy":
            healthy.add(item["metadata"]["name"])
    version = listed["metadata"]["resourceVersion"]
    while len(healthy) < count and time.monotonic() < deadline:
        stream = watch.Watch().stream(cluster.custom.list_namespaced_custom_object, "modelship.dev", "v1alpha1", namespace,
                                      "modeldeployments", resource_version=version, timeout_seconds=max(1, int(deadline - time.monotonic())))
        for event in stream:
            obj = event["object"]
            version = obj["metadata"]["resourceVersion"]
            if obj.get("status", {}).get("phase") == "Healthy":
                healthy.add(obj["metadata"]["name"])
            if len(healthy) >= count:
                break
    return len(healthy)


def metric(port, name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + "{") or line.startswith(name + " "))


def run(count, qps, burst, label, tmp):
    cluster = Cluster(tmp)
    subprocess.run(["kubectl", "apply", "-f", str(ROOT / "crds" / "modelship.dev_modeldeployments.yaml")], env=dict(os.environ, KUBECONFIG=str(cluster.kubeconfig)),
                   check=True, capture_output=True)
    subprocess.run(["kubectl", "wait", "--for=condition=Established", "crd/modeldeployments.modelship.dev"],
                   env=dict(os.environ, KUBECONFIG=str(cluster.kubeconfig)), check=True, capture_output=True)
    port = 18000 + os.getpid() % 1000
    operator = start([str(BIN / "modelship-operator"), "--leader-elect=false", "--metrics-bind-address", f"127.0.0.1:{port}",
                      "--health-probe-bind-address", "127.0.0.1:0", "--log-level", "error", "--concurrency", "8",
                      "--kube-api-qps", str(qps), "--kube-api-burst", str(burst), "--resync-seconds", "20"],
                     open(tmp / f"operator-{label}.log", "w"), env=dict(os.environ, KUBECONFIG=str(cluster.kubeconfig)))
    time.sleep(1)  # let the operator list and open its watches before the burst
    cluster.admin("DELETE")
    started = time.monotonic()
    create_all(cluster, "default", count)
    applied = time.monotonic() - started
    ready = wait_all_healthy(cluster, "default", count, timeout=900)
    elapsed = time.monotonic() - started
    writes = cluster.writes()
    total_writes = sum(writes.values())

    # Let trailing writes (the last Events) land: wait until the write count stops moving.
    settled, previous = 0, -1
    while settled < 4:
        current = sum(cluster.writes().values())
        settled = settled + 1 if current == previous else 0
        previous = current
        time.sleep(0.5)
    writes = cluster.writes()
    total_writes = sum(writes.values())

    # Idle resync: wait for one more full pass over all objects, counting writes meanwhile.
    cluster.admin("DELETE")
    before = metric(port, "modelship_reconcile_total")
    deadline = time.monotonic() + 120
    while metric(port, "modelship_reconcile_total") < before + count and time.monotonic() < deadline:
        time.sleep(0.5)
    resynced = metric(port, "modelship_reconcile_total") - before
    idle_writes = sum(cluster.writes().values())
    peak = rss_peak_mb(operator.pid)
    operator.terminate()
    operator.wait()
    cluster.stop()
    return {"label": label, "qps": qps, "count": count, "ready": ready, "seconds_to_all_healthy": round(elapsed, 1),
            "seconds_to_apply": round(applied, 1), "writes_per_model": round(total_writes / count, 2),
            "writes_by_kind": writes, "idle_resync_reconciles": int(resynced), "idle_resync_writes": idle_writes,
            "peak_rss_mb": round(peak, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--only", choices=["default", "lifted"], help="run one of the two configurations")
    args = parser.parse_args()
    results = []
    runs = [("default rate limit", None, None), ("rate limit lifted", 0, 1)]
    if args.only:
        runs = [runs[0] if args.only == "default" else runs[1]]
    for label, qps, burst in runs:
        with tempfile.TemporaryDirectory() as tmp:
            if qps is None:
                help_text = subprocess.run([str(BIN / "modelship-operator"), "--help"], capture_output=True, text=True).stdout
                qps = float(help_text.split("--kube-api-qps <kube-api-qps>")[1].split("(default: ")[1].split(")")[0])
                burst = int(help_text.split("--kube-api-burst <kube-api-burst>")[1].split("(default: ")[1].split(")")[0])
            results.append(run(args.count, qps, burst, label, pathlib.Path(tmp)))
    goals = {"seconds_to_all_healthy": (60, 15), "writes_per_model": 8, "idle_resync_writes": 0, "peak_rss_mb": 200}
    print(f"binaries: {BIN}")
    for result in results:
        print(json.dumps(result, sort_keys=True))
    time_goals = dict(zip(["default rate limit", "rate limit lifted"], goals["seconds_to_all_healthy"]))
    for result in results:
        time_goal = time_goals[result["label"]]
        print(f"{result['label']}: {result['ready']}/{result['count']} Healthy in {result['seconds_to_all_healthy']} s "
              f"(goal {time_goal} s, ratio {result['seconds_to_all_healthy'] / time_goal:.2f}); "
              f"{result['writes_per_model']} writes per model (goal <= 8); idle resync of {result['idle_resync_reconciles']} "
              f"reconciles: {result['idle_resync_writes']} writes (goal 0); peak RSS {result['peak_rss_mb']} MB (goal < 200)")


if __name__ == "__main__":
    sys.exit(main())
