#!/usr/bin/env python3
"""Controller at scale on the embedded control plane, against a limit measured in the same run.

For each count (default 1,000 and 10,000): starts modelship-dev-cluster, creates N ModelDeployments at once
(16 client threads) while the operator runs as its own process, and measures the time until all are Healthy,
write requests per ModelDeployment (the API server's counts, the benchmark's own creates excluded), the
reconcile latency p50/p99 (the operator's histogram), the write requests during an idle resync of all N,
and the peak RSS of the operator and of the API server. Then the same with the limit instead of the operator:
modelship-scale-limit, a plain client making the operator's writes (the same children, the same two statuses,
Pending then Healthy, the same Events) at the same concurrency and client rate limit, with no cache, queue or
comparison. The ratio operator/limit is the figure. "limit-fewest" is the same client writing one small
Healthy status patch only (6.5 writes per model instead of 7.5): shown beside it, for transparency.

Usage: bench/controller_scale.py [--counts 1000,10000] [--rounds N] [--rate-limit lifted|default] [--modes operator,limit,limit-fewest]
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
    def __init__(self, tmp, history=200000):
        self.kubeconfig = tmp / "kubeconfig"
        self.process = start([str(BIN / "modelship-dev-cluster"), "--port", "0", "--kubeconfig", str(self.kubeconfig),
                              "--log-level", "error", "--history-capacity", str(history)], open(tmp / "cluster.log", "w"))
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
    bodies = [{"apiVersion": "modelship.dev/v1alpha1", "kind": "ModelDeployment", "metadata": {"name": f"model-{i:05d}"},
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


def histogram_quantile(port, name, quantile):
    """Prometheus's histogram_quantile over all series of one histogram (linear within the bucket)."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    buckets = {}
    for line in text.splitlines():
        if line.startswith(name + "_bucket{"):
            le = line.split('le="')[1].split('"')[0]
            bound = float("inf") if le == "+Inf" else float(le)
            buckets[bound] = buckets.get(bound, 0) + float(line.split()[-1])
    bounds = sorted(buckets)
    total = buckets[bounds[-1]] if bounds else 0
    if total == 0:
        return float("nan")
    rank, previous_bound, previous_count = quantile * total, 0.0, 0.0
    for bound in bounds:
        if buckets[bound] >= rank:
            if bound == float("inf"):
                return previous_bound
            return previous_bound + (bound - previous_bound) * (rank - previous_count) / max(buckets[bound] - previous_count, 1e-9)
        previous_bound, previous_count = bound, buckets[bound]
    return bounds[-2] if len(bounds) > 1 else float("nan")


def settle(cluster):
    """Waits until the write count stops moving (the last Events land after the last status)."""
    settled, previous = 0, -1
    while settled < 4:
        current = sum(cluster.writes().values())
        settled = settled + 1 if current == previous else 0
        previous = current
        time.sleep(0.5)


def run(count, qps, burst, mode, tmp, wrapper=()):
    """mode "operator" runs modelship-operator; "limit" runs modelship-scale-limit."""
    cluster = Cluster(tmp, history=max(200000, 40 * count))
    kubectl_env = dict(os.environ, KUBECONFIG=str(cluster.kubeconfig))
    subprocess.run(["kubectl", "apply", "-f", str(ROOT / "crds" / "modelship.dev_modeldeployments.yaml")], env=kubectl_env,
                   check=True, capture_output=True)
    subprocess.run(["kubectl", "wait", "--for=condition=Established", "crd/modeldeployments.modelship.dev"], env=kubectl_env,
                   check=True, capture_output=True)
    port = 18000 + os.getpid() % 1000
    if mode == "operator":
        command = [str(BIN / "modelship-operator"), "--leader-elect=false", "--metrics-bind-address", f"127.0.0.1:{port}",
                   "--health-probe-bind-address", "127.0.0.1:0", "--log-level", "error", "--concurrency", "8",
                   "--kube-api-qps", str(qps), "--kube-api-burst", str(burst), "--resync-seconds", "20"]
    else:
        command = [str(BIN / "modelship-scale-limit"), "--kubeconfig", str(cluster.kubeconfig), "--count", str(count),
                   "--concurrency", "8", "--kube-api-qps", str(qps), "--kube-api-burst", str(burst),
                   "--statuses", "fewest" if mode == "limit-fewest" else "same"]
    worker = start(list(wrapper) + command, open(tmp / f"{mode}.log", "w"), env=kubectl_env)
    time.sleep(1)  # let it list and open its watches before the burst
    cluster.admin("DELETE")
    started = time.monotonic()
    create_all(cluster, "default", count)
    ready = wait_all_healthy(cluster, "default", count, timeout=1800)
    elapsed = time.monotonic() - started
    settle(cluster)
    writes = cluster.writes()
    result = {"mode": mode, "count": count, "ready": ready, "seconds_to_all_healthy": round(elapsed, 1),
              "writes_per_model": round(sum(writes.values()) / count, 2), "writes_by_kind": writes,
              "api_server_peak_rss_mb": round(rss_peak_mb(cluster.process.pid), 1)}
    if mode == "operator":
        result["reconcile_p50_ms"] = round(1000 * histogram_quantile(port, "modelship_reconcile_duration_seconds", 0.5), 1)
        result["reconcile_p99_ms"] = round(1000 * histogram_quantile(port, "modelship_reconcile_duration_seconds", 0.99), 1)
        # Idle resync: one more full pass over all objects, counting writes meanwhile.
        cluster.admin("DELETE")
        before = metric(port, "modelship_reconcile_total")
        result["reconciles_per_model"] = round(before / count, 2)
        deadline = time.monotonic() + 600
        while metric(port, "modelship_reconcile_total") < before + count and time.monotonic() < deadline:
            time.sleep(0.5)
        result["idle_resync_reconciles"] = int(metric(port, "modelship_reconcile_total") - before)
        result["idle_resync_writes"] = sum(cluster.writes().values())
        result["operator_peak_rss_mb"] = round(rss_peak_mb(worker.pid), 1)
        worker.terminate()
    worker.wait()
    cluster.stop()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", default="1000,10000", help="comma-separated numbers of ModelDeployments")
    parser.add_argument("--rate-limit", choices=["lifted", "default"], default="lifted",
                        help="the client rate limit of both the operator and the limit: none, or the operator's default")
    parser.add_argument("--modes", default="operator,limit,limit-fewest", help="which of operator, limit and limit-fewest to run")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per count, alternating the order of the sides")
    parser.add_argument("--wrapper", default="", help="a command to run the operator or limit under, e.g. 'perf record -o op.data --'")
    args = parser.parse_args()
    qps, burst = 0, 1
    if args.rate_limit == "default":
        help_text = subprocess.run([str(BIN / "modelship-operator"), "--help"], capture_output=True, text=True).stdout
        qps = float(help_text.split("--kube-api-qps <kube-api-qps>")[1].split("(default: ")[1].split(")")[0])
        burst = int(help_text.split("--kube-api-burst <kube-api-burst>")[1].split("(default: ")[1].split(")")[0])
    results = []
    modes = args.modes.split(",")
    for count in [int(c) for c in args.counts.split(",")]:
        for round_ in range(args.rounds):
            # Alternate the order, so that a machine getting slower or faster during a round does not favour a side.
            for mode in modes if round_ % 2 == 0 else list(reversed(modes)):
                with tempfile.TemporaryDirectory() as tmp:
                    result = run(count, qps, burst, mode, pathlib.Path(tmp), args.wrapper.split())
                    result["round"] = round_ + 1
                    results.append(result)
                    print(json.dumps(result, sort_keys=True), file=sys.stderr)
    report(results, args.rate_limit)


def report(results, rate_limit):
    print(f"binaries: {BIN}; client rate limit: {rate_limit}")
    print("| models | round | operator: all Healthy | limit (same writes) | ratio (goal <= 1.5) | limit-fewest | ratio to it "
          "| writes/model (operator / limit / fewest) | idle-resync writes "
          "| reconcile p50 / p99 | operator RSS (goal < 500 MB) | API server RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    rounds = {}
    for result in results:
        rounds.setdefault((result["count"], result["round"]), {})[result["mode"]] = result
    ratios = {}
    for (count, round_), runs in rounds.items():
        if "operator" not in runs or "limit" not in runs:
            continue
        ours, limit = runs["operator"], runs["limit"]
        fewest = runs.get("limit-fewest")
        ratio = ours["seconds_to_all_healthy"] / limit["seconds_to_all_healthy"]
        ratios.setdefault(count, {"limit": [], "fewest": []})["limit"].append(ratio)
        fewest_cells = "| - | - "
        if fewest:
            fewest_ratio = ours["seconds_to_all_healthy"] / fewest["seconds_to_all_healthy"]
            ratios[count]["fewest"].append(fewest_ratio)
            fewest_cells = f"| {fewest['seconds_to_all_healthy']} s | {fewest_ratio:.2f}x "
        print(f"| {count:,} | {round_} | {ours['seconds_to_all_healthy']} s | {limit['seconds_to_all_healthy']} s | {ratio:.2f}x "
              + fewest_cells +
              f"| {ours['writes_per_model']} / {limit['writes_per_model']} / {fewest['writes_per_model'] if fewest else '-'} "
              f"| {ours['idle_resync_writes']} ({ours['idle_resync_reconciles']:,} reconciles) "
              f"| {ours['reconcile_p50_ms']} / {ours['reconcile_p99_ms']} ms | {ours['operator_peak_rss_mb']} MB "
              f"| {ours['api_server_peak_rss_mb']} MB |")
    for count, by_limit in ratios.items():
        for name, values in by_limit.items():
            if values:
                values = sorted(values)
                print(f"{count:,} models, operator / {name}: median {values[len(values) // 2]:.2f}x, "
                      f"range {values[0]:.2f}x-{values[-1]:.2f}x over {len(values)} rounds")
    operator_runs = sorted((r for r in results if r["mode"] == "operator"), key=lambda r: r["count"])
    if len({r["count"] for r in operator_runs}) > 1:
        small, large = operator_runs[0], operator_runs[-1]
        factor = large["count"] / small["count"]
        print(f"growth {small['count']:,} -> {large['count']:,} (x{factor:g} models): time x{large['seconds_to_all_healthy'] / small['seconds_to_all_healthy']:.1f}, "
              f"operator RSS x{large['operator_peak_rss_mb'] / small['operator_peak_rss_mb']:.1f}, "
              f"API server RSS x{large['api_server_peak_rss_mb'] / small['api_server_peak_rss_mb']:.1f}")

if __name__ == "__main__":
    sys.exit(main())
