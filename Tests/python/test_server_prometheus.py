"""Real Prometheus (Debian's `prometheus`) scrapes modelship-server, and the success-rate and latency-p99
queries that docs/server.md gives for canary analysis answer as documented: 5xx answers count as
failures, 4xx answers (the caller's fault) do not. The queries are read from the document itself."""
import collections
import concurrent.futures
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

import models
from server_support import ROOT, ModelServer, OutputWatch, free_port, prometheus_query

MODEL, VERSION = "fraud-detector", "8"  # the names the documented queries use


def documented_queries():
    block = re.search(r"```promql\n(.*?)```", (ROOT / "docs" / "server.md").read_text(), re.S).group(1)
    success, p99 = [q.strip() for q in re.split(r"^#.*$", block, flags=re.M) if q.strip()]
    return success, p99


class Prometheus:
    def __init__(self, tmp, target_port):
        self.port = free_port()
        config = tmp / "prometheus.yml"
        config.write_text("global: {scrape_interval: 1s}\nscrape_configs:\n- job_name: modelship\n"
                          f"  static_configs: [{{targets: ['127.0.0.1:{target_port}']}}]\n")
        self.process = subprocess.Popen(
            [shutil.which("prometheus"), f"--config.file={config}", f"--storage.tsdb.path={tmp / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output = OutputWatch(self.process.stdout, tmp / "prometheus.log")
        self.output.wait_line(lambda line: "Server is ready to receive web requests" in line, 60, "Prometheus to start")

    def query(self, expression):
        return prometheus_query(self.port, expression)

    def request_counts(self):
        series = self.query(f'sum by (code) (modelship_requests_total{{model="{MODEL}", version="{VERSION}"}})')
        return {int(s["metric"]["code"]): int(float(s["value"][1])) for s in series}

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.output.finish()


def test_prometheus_answers_the_documented_canary_queries(tmp_path):
    # Slow runs, one at a time, and a queue of one: a burst of six gets answers and 503s (overloaded).
    path = models.mlp(tmp_path / "mlp.onnx", sizes=(512, 2048, 2048, 10))
    server = ModelServer(tmp_path, path, name=MODEL, version=VERSION,
                         args=["--max-batch-size", "1", "--max-queue-size", "1", "--inference-executor", "thread",
                               "--log-level", "debug"])
    rows = np.ones((256, 512), dtype=np.float32)
    header = json.dumps({"inputs": [{"name": "x", "shape": list(rows.shape), "datatype": "FP32",
                                     "parameters": {"binary_data_size": rows.nbytes}}]}).encode()
    good, good_headers = header + rows.tobytes(), {"Inference-Header-Content-Length": str(len(header))}
    bad = {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}
    sent = collections.Counter()

    def traffic():
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            calls = [pool.submit(server.request, "POST", f"/v2/models/{MODEL}/infer", good, good_headers, 120) for _ in range(6)]
            statuses = [call.result()[0] for call in calls]
        statuses.append(server.request("POST", f"/v2/models/{MODEL}/infer", bad)[0])
        sent.update(statuses)
        return collections.Counter(statuses)

    def scraped_twice():
        # Prometheus scrapes a target one scrape after another and stores each before the next: once the
        # server has answered two scrapes after the traffic, the first of them is in Prometheus.
        server.output.wait_lines(lambda line: "request answered" in line and "path=/metrics" in line, 2, 30,
                                 "two scrapes after the traffic", after=server.output.mark())

    prometheus = None
    try:
        # Every series the queries read exists before the measured window: a counter's first sample
        # carries no increase for rate().
        first = traffic()
        assert {200, 400, 503} <= set(first), first
        prometheus = Prometheus(tmp_path, server.port)
        scraped_twice()
        assert prometheus.request_counts() == dict(sent)
        window = traffic()
        scraped_twice()
        assert prometheus.request_counts() == dict(sent)

        success_query, p99_query = documented_queries()
        success_rate = float(prometheus.query(success_query)[0]["value"][1])
        expected = (window[200] + window[400]) / sum(window.values())
        assert window[503] > 0 and success_rate == pytest.approx(expected, abs=0.02), (success_rate, window)
        p99 = float(prometheus.query(p99_query)[0]["value"][1])
        assert 0.005 < p99 < 60, p99  # the slow answers, in seconds
    finally:
        if prometheus:
            prometheus.stop()
        assert server.stop() == 0
