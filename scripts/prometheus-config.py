#!/usr/bin/env python3
"""Writes a Prometheus configuration that discovers pods through a Kubernetes API server, as users run it:
kubernetes_sd_configs (role pod) with the API server's URL, CA and token taken from a kubeconfig, relabelled on
the prometheus.io/* annotations the operator writes, with namespace, pod, model and model_version labels.

    scripts/prometheus-config.py KUBECONFIG DIRECTORY [--interval 1s] [--operator HOST:PORT ...]

Writes DIRECTORY/prometheus.yml and DIRECTORY/ca.pem; prints the configuration's path.
"""
import argparse
import base64
import pathlib

import yaml


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kubeconfig")
    parser.add_argument("directory")
    parser.add_argument("--interval", default="1s")
    parser.add_argument("--operator", action="append", default=[], metavar="HOST:PORT",
                        help="also scrape an operator's metrics endpoint (an operator running outside the cluster)")
    args = parser.parse_args()
    kubeconfig = yaml.safe_load(pathlib.Path(args.kubeconfig).read_text())
    context = next(c["context"] for c in kubeconfig["contexts"] if c["name"] == kubeconfig["current-context"])
    cluster = next(c["cluster"] for c in kubeconfig["clusters"] if c["name"] == context["cluster"])
    user = next(u["user"] for u in kubeconfig["users"] if u["name"] == context["user"])
    directory = pathlib.Path(args.directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    discovery = {"role": "pod", "api_server": cluster["server"]}
    if "certificate-authority-data" in cluster:
        (directory / "ca.pem").write_bytes(base64.b64decode(cluster["certificate-authority-data"]))
        discovery["tls_config"] = {"ca_file": str(directory / "ca.pem")}
    if user.get("token"):
        discovery["authorization"] = {"credentials": user["token"]}
    annotation = "__meta_kubernetes_pod_annotation_"
    config = {
        "global": {"scrape_interval": args.interval},
        "scrape_configs": [{
            "job_name": "kubernetes-pods",
            "kubernetes_sd_configs": [discovery],
            "relabel_configs": [
                {"source_labels": [annotation + "prometheus_io_scrape"], "action": "keep", "regex": "true"},
                {"source_labels": ["__address__", annotation + "prometheus_io_port"], "action": "replace",
                 "regex": r"([^:]+)(?::\d+)?;(\d+)", "replacement": "$1:$2", "target_label": "__address__"},
                {"source_labels": [annotation + "prometheus_io_path"], "action": "replace", "regex": "(.+)",
                 "target_label": "__metrics_path__"},
                {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace"},
                {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
                {"source_labels": ["__meta_kubernetes_pod_label_app_kubernetes_io_instance"], "target_label": "instance_name"},
                {"source_labels": [annotation + "modelship_dev_model_version"], "target_label": "model_version"},
            ],
        }],
    }
    if args.operator:
        config["scrape_configs"].append({"job_name": "modelship-operator", "static_configs": [{"targets": args.operator}]})
    path = directory / "prometheus.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    print(path)


if __name__ == "__main__":
    main()
