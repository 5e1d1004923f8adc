"""Install artefacts checked with real tools: Helm (helm-python-sdk), kubernetes-validate, kustomize (kubectl), Lua 5.1."""
import pathlib
import subprocess
import sys

import helm_python as helm
import pytest
import yaml

from conftest import ROOT

CHART = ROOT / "charts" / "modelship"
K8S_VERSION = "1.31.0"


def render(values=None):
    rendered = helm.Chart.load(str(CHART)).render(values=values or {}, name="modelship", namespace="modelship-system")
    documents = []
    for name, text in rendered.items():
        if name.endswith(".yaml"):
            documents += [doc for doc in yaml.safe_load_all(text) if doc]
    return documents


def by_kind(documents, kind):
    return [doc for doc in documents if doc["kind"] == kind]


def validate(tmp_path, documents, name):
    path = tmp_path / name
    path.write_text(yaml.safe_dump_all(documents))
    result = subprocess.run([pathlib.Path(sys.executable).parent / "kubernetes-validate", "--strict", "-k", K8S_VERSION, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("passed for resource") == len(documents)


def test_chart_lints_clean_in_strict_mode():
    report = helm.lint(str(CHART), strict=True)
    assert report["errors"] == []
    assert report["messages"] == []


def test_chart_renders_a_restricted_operator_with_leader_election():
    documents = render()
    deployment = by_kind(documents, "Deployment")[0]
    assert deployment["spec"]["replicas"] == 2
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert "--leader-elect=true" in container["args"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert container["image"] == "ghcr.io/modelship/modelship-operator:0.1.0"
    assert by_kind(documents, "Role"), "leader election needs its Role"


def test_chart_values_are_applied_and_checked_by_the_schema():
    documents = render({"watchNamespaces": ["ml", "team-b"], "leaderElection": {"enabled": False}, "replicaCount": 1})
    args = by_kind(documents, "Deployment")[0]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "--watch-namespaces=ml,team-b" in args
    assert not by_kind(documents, "Role")
    with pytest.raises(helm.HelmError):
        render({"logging": {"format": "xml"}})
    with pytest.raises(helm.HelmError):
        render({"replicas": 3})  # a typo of replicaCount is refused, not ignored


def test_watching_given_namespaces_grants_rights_only_there():
    documents = render({"watchNamespaces": ["ml", "team-b"]})
    assert not by_kind(documents, "ClusterRoleBinding")
    bindings = by_kind(documents, "RoleBinding")
    assert sorted(b["metadata"]["namespace"] for b in bindings) == ["ml", "modelship-system", "team-b"]
    for binding in bindings:
        if binding["metadata"]["namespace"] != "modelship-system":  # the leader-election Role's own binding
            assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "modelship"}
    assert len(by_kind(render(), "ClusterRoleBinding")) == 1


def test_the_chart_labels_the_namespace_it_creates_for_pod_security():
    assert not by_kind(render(), "Namespace")
    namespace = by_kind(render({"namespace": {"create": True}}), "Namespace")[0]
    assert namespace["metadata"]["name"] == "modelship-system"
    assert {f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ["enforce", "audit", "warn"]}.items() <= \
        namespace["metadata"]["labels"].items()
    assert namespace["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    with pytest.raises(helm.HelmError):
        render({"namespace": {"podSecurityLevel": "strict"}})
    notes = helm.Chart.load(str(CHART)).render(values={}, name="modelship", namespace="modelship-system")
    assert "kubectl label namespace modelship-system pod-security.kubernetes.io/enforce=restricted" in "".join(
        text for name, text in notes.items() if name.endswith("NOTES.txt"))


def test_chart_and_manifests_agree_on_crd_and_rbac():
    chart_crd = (CHART / "crds" / "modelship.dev_modeldeployments.yaml").read_text()
    assert chart_crd == (ROOT / "crds" / "modelship.dev_modeldeployments.yaml").read_text(), "copy crds/ into the chart"
    manifests = list(yaml.safe_load_all((ROOT / "manifests" / "rbac.yaml").read_text()))
    manifest_rules = by_kind(manifests, "ClusterRole")[0]["rules"]
    chart_rules = by_kind(render(), "ClusterRole")[0]["rules"]
    assert chart_rules == manifest_rules


def test_rendered_chart_and_kustomization_validate_strictly(tmp_path):
    validate(tmp_path, render(), "chart.yaml")
    kustomized = subprocess.run(["kubectl", "kustomize", str(ROOT / "manifests")], capture_output=True, text=True, check=True).stdout
    documents = [doc for doc in yaml.safe_load_all(kustomized) if doc]
    assert {doc["kind"] for doc in documents} >= {"Namespace", "CustomResourceDefinition", "ClusterRole", "Deployment", "Service"}
    validate(tmp_path, documents, "manifests.yaml")


def test_argocd_health_script_under_lua_5_1():
    result = subprocess.run(["lua5.1", str(ROOT / "Tests" / "lua" / "health_test.lua"), str(ROOT / "manifests" / "argocd" / "health.lua")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("10 passed, 0 failed")


def test_every_flag_the_chart_and_manifests_pass_exists():
    help_text = subprocess.run([str(ROOT / ".build" / "debug" / "modelship-operator"), "--help"],
                               capture_output=True, text=True, check=True).stdout
    known = {token.split("=")[0].split()[0] for token in help_text.split() if token.startswith("--")}
    chart_args = by_kind(render({"watchNamespaces": ["a"]}), "Deployment")[0]["spec"]["template"]["spec"]["containers"][0]["args"]
    manifest_args = by_kind(list(yaml.safe_load_all((ROOT / "manifests" / "operator.yaml").read_text())), "Deployment")[0][
        "spec"]["template"]["spec"]["containers"][0]["args"]
    for argument in chart_args + manifest_args:
        assert argument.split("=")[0] in known, f"{argument} is not a flag of modelship-operator"


def test_api_reference_matches_the_crd():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen-api-reference.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
