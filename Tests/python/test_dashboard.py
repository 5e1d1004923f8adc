"""The Grafana dashboard: shipped the same by the chart and the manifests, and every panel's PromQL evaluated by
a real Prometheus against metrics from real pods (model servers and the operator) of the embedded control plane."""
import json
import re

import pytest
import yaml

import models
import test_install_artifacts as artifacts
from conftest import ROOT, DevCluster, Operator, live_images
from live_support import DiscoveringPrometheus, http, model_store_manifests
from server_support import free_port

DASHBOARD = ROOT / "charts" / "modelship" / "dashboards" / "modelship.json"


def expressions():
    dashboard = json.loads(DASHBOARD.read_text())
    return [(panel["title"], target["expr"]) for panel in dashboard["panels"] for target in panel["targets"]]


def test_chart_and_manifests_ship_the_same_dashboard():
    assert (ROOT / "manifests" / "dashboards" / "modelship.json").read_text() == DASHBOARD.read_text()
    rendered = [doc for doc in artifacts.render() if doc["kind"] == "ConfigMap" and doc["metadata"]["name"].endswith("-dashboard")]
    assert len(rendered) == 1 and rendered[0]["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(rendered[0]["data"]["modelship.json"]) == json.loads(DASHBOARD.read_text())
    assert not [doc for doc in artifacts.render({"grafanaDashboard": {"enabled": False}}) if doc["kind"] == "ConfigMap"]


@pytest.fixture(scope="module")
def observed(tmp_path_factory):
    """A live dev cluster with the operator and two model versions serving traffic, scraped through pod discovery."""
    tmp = tmp_path_factory.mktemp("dashboard")
    cluster = DevCluster(tmp, args=live_images())
    metrics_port = free_port()
    operator = Operator(cluster, tmp, metrics_port=metrics_port)
    model = models.mlp(tmp / "mlp.onnx")
    cluster.kubectl("apply", "-f", "-", input=model_store_manifests({"mlp.onnx": model.read_bytes()}))
    for name, version in [("scorer-a", "3"), ("scorer-b", "4")]:
        cluster.kubectl("apply", "-f", "-", input=yaml.safe_dump({
            "apiVersion": "modelship.dev/v1alpha1", "kind": "ModelDeployment", "metadata": {"name": name},
            "spec": {"model": {"uri": "http://model-store.default.svc.cluster.local/mlp.onnx", "version": version},
                     "scaling": {"replicas": 1}}}))
    prometheus = DiscoveringPrometheus(cluster, tmp, operator_metrics=[f"127.0.0.1:{metrics_port}"])
    try:
        for name in ["scorer-a", "scorer-b"]:
            cluster.kubectl("wait", "--for=jsonpath={.status.phase}=Healthy", f"mdep/{name}", "--timeout=120s")
        body = {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}
        bad = {"inputs": [{"name": "x", "shape": [1, 5], "datatype": "FP32", "data": [1, 2, 3, 4, 5]}]}
        addresses = {name: cluster.kubectl("get", "service", name, "-o", "jsonpath={.spec.clusterIP}").stdout
                     for name in ["scorer-a", "scorer-b"]}

        def burst():
            for name, ip in addresses.items():
                for _ in range(20):
                    assert http(f"http://{ip}/v2/models/{name}/infer", body)[0] == 200
                assert http(f"http://{ip}/v2/models/{name}/infer", bad)[0] == 400
        # rate() needs a counter's increase between two scrapes: a first burst creates the series, a second one
        # (after Prometheus has them) increases them.
        burst()
        prometheus.wait_for('count(modelship_requests_total{code="400"}) == 2', 60, "both models' counters scraped")
        burst()
        yield prometheus
    finally:
        prometheus.stop()
        assert operator.stop() == 0
        cluster.stop()


def substitute(expression):
    """A panel's PromQL as Grafana sends it: $__rate_interval and the template variables substituted."""
    return expression.replace("$__rate_interval", "1m").replace("$namespace", ".*").replace("$model", ".*")


def evaluate(prometheus, expression):
    return prometheus.query(substitute(expression))


@pytest.mark.parametrize("title, expression", expressions(), ids=[f"{title}: {expr[:40]}" for title, expr in expressions()])
def test_every_panel_query_answers_from_live_metrics(observed, title, expression):
    prometheus = observed
    if "reconcile_errors" in expression:
        # No reconcile fails in a healthy run: the query must still be valid PromQL over a metric that exists.
        evaluate(prometheus, expression)
        assert prometheus.query("count(modelship_reconcile_total)"), "the operator's metrics are not scraped"
        return
    # Wait until every expected series has a number (a NaN is not equal to itself), then read them.
    query = substitute(expression)
    expected = 2 if "by (model, version" in expression else 1
    prometheus.wait_for(f"count(({query}) == ({query})) >= {expected}", 60, f"{title!r} to have data")
    series = evaluate(prometheus, expression)
    labels = [entry["metric"] for entry in series]
    if "by (model, version" in expression:
        assert {(label["model"], label["version"]) for label in labels} == {("scorer-a", "3"), ("scorer-b", "4")}, labels
    if title.startswith("Success rate"):
        # 20 answered and one refused (400, the caller's fault) per model: a success rate of exactly 1.
        assert all(float(entry["value"][1]) == 1.0 for entry in series), series
    if "reconcile" in expression:
        assert {label["controller"] for label in labels} == {"modeldeployment"}, labels


def test_dashboard_variables_resolve(observed):
    dashboard = json.loads(DASHBOARD.read_text())
    for variable in dashboard["templating"]["list"][1:]:
        match = re.fullmatch(r"label_values\((.*), (\w+)\)", variable["query"]["query"])
        selector, label = match.groups()
        series = observed.query(selector.replace("$namespace", ".*"))
        assert {entry["metric"][label] for entry in series} >= ({"default"} if label == "namespace" else {"scorer-a", "scorer-b"})
