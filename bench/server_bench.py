#!/usr/bin/env python3
"""modelship-server against the servers users would otherwise run, in one run, on one model, with one load
generator. Not a pass/fail test: it prints figures and ratios (docs/benchmarks.md has the latest).

  make bench-server    (builds modelship-server in release, then runs .venv/bin/python bench/server_bench.py)

Setup: an MLP 256->512->512->10 (FP32, dynamic batch) generated with `onnx`; `wrk` (Debian) with
bench/post.lua; the load generator and each server pinned to separate CPUs with taskset (half and
half), ONNX Runtime threads = the server's CPUs. Peers (from .venv-bench, scripts/requirements-bench.txt):
FastAPI + uvicorn + onnxruntime (plain: asyncio + h11; [standard]: uvloop + httptools), the KServe
Python model server with a custom Model; limits: raw ONNX Runtime in-process and nginx answering
the same POST with a canned response. On a shared machine one run of each can differ by 20% or more,
so the transport-ceiling ratio is also taken from --pairs alternating runs of modelship-server and
nginx, both kept running, and reported as a median with its range.
"""
import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "python"))
import models  # noqa: E402
from server_support import free_port  # noqa: E402

BENCH_PY = ROOT / ".venv-bench" / "bin" / "python"
LOADS = [  # (label, rows per request, connections, binary)
    ("1 row, c=1", 1, 1, False),
    ("1 row, c=8", 1, 8, False),
    ("1 row, c=64", 1, 64, False),
    ("64 rows, c=8", 64, 8, False),
    ("64 rows binary, c=8", 64, 8, True),
]


def cpu_split():
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return cpus, cpus
    half = len(cpus) // 2
    return cpus[:half], cpus[half:]


def taskset(cpus):
    return ["taskset", "-c", ",".join(map(str, cpus))]


def bodies(work: pathlib.Path, rows: int):
    x = np.random.default_rng(rows).standard_normal((rows, 256)).astype(np.float32)
    body = {"id": "bench", "inputs": [{"name": "x", "shape": [rows, 256], "datatype": "FP32", "data": x.flatten().tolist()}]}
    json_path = work / f"body-{rows}.json"
    json_path.write_text(json.dumps(body))
    header = json.dumps({"id": "bench", "inputs": [{"name": "x", "shape": [rows, 256], "datatype": "FP32",
                                     "parameters": {"binary_data_size": x.nbytes}}],
                         "outputs": [{"name": "y", "parameters": {"binary_data": True}}]}).encode()
    binary_path = work / f"body-{rows}.bin"
    binary_path.write_bytes(header + x.tobytes())
    return json_path, (binary_path, len(header))


class Process:
    def __init__(self, command, env=None, log=None):
        self.log = open(log, "w") if log else subprocess.DEVNULL
        self.process = subprocess.Popen(command, env=dict(os.environ, **(env or {})), stdout=self.log, stderr=subprocess.STDOUT)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wait_for(condition, timeout, what):
    """Polls `condition` until it is truthy (the peers announce readiness in different ways; HTTP is common)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def wait_http(url, process):
    def up():
        if process.process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {process.process.returncode}")
        try:
            return urllib.request.urlopen(url, timeout=1).status == 200
        except OSError:
            return False
    wait_for(up, 120, url)


def run_wrk(cpus, url, body_file, seconds, connections, header_length=None, content_type="application/json"):
    env = dict(os.environ, BODY_FILE=str(body_file), CONTENT_TYPE=content_type, HEADER_LENGTH=str(header_length or ""))
    command = taskset(cpus) + ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
                               "-s", str(ROOT / "bench" / "post.lua"), url]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def parse_wrk(out: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def servers(model, server_cpus, work):
    threads = str(len(server_cpus))
    env = {"MODEL": str(model), "THREADS": threads, "OMP_NUM_THREADS": threads}
    swift = ROOT / ".build" / "release" / "modelship-server"
    yield "modelship-server", lambda port: Process(
        taskset(server_cpus) + [str(swift), "serve", "--model-uri", str(model), "--model-name", "mlp", "--host", "127.0.0.1",
                                "--port", str(port), "--threads", threads, "--log-level", "warning"], log=work / "swift.log")
    peers = ROOT / "bench" / "peers"
    for label, loop, http in [("FastAPI (uvicorn)", "asyncio", "h11"), ("FastAPI (uvicorn[standard])", "uvloop", "httptools")]:
        yield label, lambda port, loop=loop, http=http: Process(
            taskset(server_cpus) + [str(BENCH_PY), "-m", "uvicorn", "fastapi_app:app", "--app-dir", str(peers), "--host", "127.0.0.1",
                                    "--port", str(port), "--loop", loop, "--http", http, "--log-level", "warning", "--no-access-log"],
            env=env, log=work / f"fastapi-{http}.log")
    yield "KServe (Python)", lambda port: Process(
        taskset(server_cpus) + [str(BENCH_PY), str(peers / "kserve_model.py")], env={**env, "PORT": str(port)}, log=work / "kserve.log")


def nginx(port, server_cpus, work, canned: bytes):
    """nginx answers every POST to the infer route with the canned bytes through `return 200`: a reverse
    proxy's fastest answer, with no file, no redirect and no upstream (it discards the request body). A
    configuration parameter holds at most 4 KB, so a longer body (the 64-row answer) is served as a static
    file instead (the 405 nginx gives a POST to a file turned into 200), which costs nginx a little more."""
    text = canned.decode()
    assert "$" not in text, "nginx would expand $ in the canned body"
    literal = text.replace("\\", "\\\\").replace("'", "\\'")
    if len(literal) < 4000:
        answer = f"default_type application/json; return 200 '{literal}';"
    else:
        (work / f"canned-{port}.json").write_bytes(canned)
        answer = f"default_type application/json; root {work}; try_files /canned-{port}.json =404; error_page 405 =200 $uri;"
    conf = work / f"nginx-{port}.conf"
    conf.write_text(f"""daemon off; worker_processes 1; pid {work}/nginx-{port}.pid; error_log {work}/nginx.err;
events {{ worker_connections 4096; }}
http {{ access_log off; client_body_temp_path {work}; client_body_buffer_size 2m; client_max_body_size 16m;
  server {{ listen 127.0.0.1:{port}; keepalive_requests 1000000;
    location /v2/health/ready {{ return 200 '{{}}'; }}
    location / {{ {answer} }} }} }}
""")
    return Process(taskset(server_cpus) + ["nginx", "-c", str(conf), "-e", str(work / "nginx.err")])


def assert_answers(port, body_file, expected: bytes):
    """The ceiling must answer exactly what modelship-server answers, or it measures something else."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v2/models/mlp/infer", data=body_file.read_bytes(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200 and response.read() == expected, "nginx does not answer the canned response"


def paired_ceiling(servers_by_label, model, server_cpus, load_cpus, work, body_file, canned, seconds, rounds):
    """The transport-ceiling ratio, robust to a shared machine: modelship-server and nginx run side by side
    (the idle one costs nothing) and wrk alternates between them, `rounds` times; returns each round's ratio."""
    port, nginx_port = free_port(), free_port()
    ours = servers_by_label["modelship-server"](port)
    ceiling = nginx(nginx_port, server_cpus, work, canned)
    ratios = []
    try:
        wait_http(f"http://127.0.0.1:{port}/v2/health/ready", ours)
        wait_http(f"http://127.0.0.1:{nginx_port}/v2/health/ready", ceiling)
        assert_answers(nginx_port, body_file, canned)
        for _ in range(rounds):
            a = run_wrk(load_cpus, f"http://127.0.0.1:{port}/v2/models/mlp/infer", body_file, seconds, 64)
            b = run_wrk(load_cpus, f"http://127.0.0.1:{nginx_port}/v2/models/mlp/infer", body_file, seconds, 64)
            ratios.append(a["rps"] / b["rps"])
            print(f"paired round: modelship-server {a['rps']:.0f} req/s, nginx {b['rps']:.0f} req/s, ratio {ratios[-1]:.2f}", file=sys.stderr)
    finally:
        ours.stop()
        ceiling.stop()
    return ratios


def raw_onnxruntime(model, server_cpus, seconds):
    env = dict(os.environ, MODEL=str(model), THREADS=str(len(server_cpus)), SECONDS=str(seconds))
    out = subprocess.run(taskset(server_cpus) + [str(BENCH_PY), str(ROOT / "bench" / "peers" / "raw_onnxruntime.py"), "1", "64"],
                         env=env, capture_output=True, text=True, check=True).stdout
    return {int(k): v for k, v in json.loads(out).items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run")
    parser.add_argument("--only", default="", help="comma-separated server labels to run (default: all); for quick iterations")
    parser.add_argument("--pairs", type=int, default=6, help="alternating rounds of modelship-server and nginx at c=64 for the ceiling ratio")
    args = parser.parse_args()
    load_cpus, server_cpus = cpu_split()
    work = pathlib.Path(tempfile.mkdtemp(prefix="server-bench-"))
    model = models.mlp(work / "mlp.onnx", sizes=(256, 512, 512, 10))
    body_files = {rows: bodies(work, rows) for rows in (1, 64)}
    results = {}
    canned = {}
    only = set(filter(None, args.only.split(",")))
    for label, start in servers(model, server_cpus, work):
        if only and label not in only and label != "modelship-server":
            continue
        port = free_port()
        process = start(port)
        try:
            wait_http(f"http://127.0.0.1:{port}/v2/health/ready", process)
            url = f"http://127.0.0.1:{port}/v2/models/mlp/infer"
            run_wrk(load_cpus, url, body_files[1][0], 2, 8)  # warm-up
            for load, rows, connections, binary in LOADS:
                if binary and label != "modelship-server":
                    continue
                body_file, header_length = body_files[rows][1] if binary else (body_files[rows][0], None)
                content_type = "application/octet-stream" if binary else "application/json"
                results[(label, load)] = run_wrk(load_cpus, url, body_file, args.seconds, connections, header_length, content_type)
                print(f"{label:30} {load:22} {results[(label, load)]}", file=sys.stderr)
            if label == "modelship-server":
                for rows in (1, 64):
                    request = urllib.request.Request(url, data=body_files[rows][0].read_bytes(), headers={"Content-Type": "application/json"})
                    canned[rows] = urllib.request.urlopen(request).read()
        finally:
            process.stop()
    for rows, connections, load in [(1, 1, "1 row, c=1"), (1, 8, "1 row, c=8"), (1, 64, "1 row, c=64"), (64, 8, "64 rows, c=8")]:
        port = free_port()
        process = nginx(port, server_cpus, work, canned[rows])
        try:
            wait_http(f"http://127.0.0.1:{port}/v2/health/ready", process)
            assert_answers(port, body_files[rows][0], canned[rows])
            results[("nginx (canned)", load)] = run_wrk(load_cpus, f"http://127.0.0.1:{port}/v2/models/mlp/infer",
                                                        body_files[rows][0], args.seconds, connections)
        finally:
            process.stop()
    starters = dict(servers(model, server_cpus, work))
    pairs = paired_ceiling(starters, model, server_cpus, load_cpus, work, body_files[1][0], canned[1],
                           max(2, args.seconds // 2), args.pairs) if args.pairs else []
    raw = raw_onnxruntime(model, server_cpus, args.seconds)
    report(results, raw, load_cpus, server_cpus, args.seconds, pairs)
    json.dump({"results": {f"{k[0]} | {k[1]}": v for k, v in results.items()}, "raw_onnxruntime_rows_per_s": raw},
              open(work / "results.json", "w"), indent=1)
    print(f"\nraw results: {work / 'results.json'}", file=sys.stderr)


def report(results, raw, load_cpus, server_cpus, seconds, pairs):
    print(f"CPUs: wrk on {load_cpus}, servers on {server_cpus}; {seconds} s per run; model MLP 256-512-512-10 FP32\n")
    print("| server | load | req/s | rows/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (label, load), r in results.items():
        rows = 64 if load.startswith("64") else 1
        errors = r["errors"] + (1 if r["socket_errors"] else 0)
        print(f"| {label} | {load} | {r['rps']:.0f} | {r['rps'] * rows:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | "
              f"{r['errors']}{' ' + r['socket_errors'] if r['socket_errors'] else ''} |")
    print(f"\nraw ONNX Runtime in-process: {raw[1]:.0f} rows/s at batch 1, {raw[64]:.0f} rows/s at batch 64\n")
    ours = results[("modelship-server", "1 row, c=64")]
    peers = {label: r for (label, load), r in results.items() if load == "1 row, c=64" and label not in ("modelship-server", "nginx (canned)")}
    ceiling = results[("nginx (canned)", "1 row, c=64")]
    binary = results[("modelship-server", "64 rows binary, c=8")]
    print("| goal | measured | target |")
    print("|---|---:|---:|")
    if peers:  # --only may leave none
        best_label, best = max(peers.items(), key=lambda item: item[1]["rps"])
        print(f"| c=64, 1 row: throughput vs best peer ({best_label}) | {ours['rps'] / best['rps']:.1f}x | >= 3x |")
        print(f"| c=64, 1 row: p99 vs best peer | {ours['p99_ms'] / best['p99_ms']:.2f}x | <= 0.5x |")
    print(f"| c=64, 1 row: throughput vs transport ceiling (nginx), the runs above | {ours['rps'] / ceiling['rps']:.2f}x | >= 0.5x |")
    if pairs:
        print(f"| c=64, 1 row: vs nginx, median of {len(pairs)} alternating pairs (min-max) | {statistics.median(pairs):.2f}x "
              f"({min(pairs):.2f}-{max(pairs):.2f}) | >= 0.5x |")
    print(f"| 64 rows binary, c=8: rows/s vs raw ORT batch 64 | {binary['rps'] * 64 / raw[64]:.2f}x | >= 0.7x |")
    failed = [f"{label} / {load}: {r['errors']} errors" for (label, load), r in results.items() if r["errors"]]
    if failed:
        print("\n**Not valid: some runs answered errors** (" + "; ".join(failed) + ")")


if __name__ == "__main__":
    main()
