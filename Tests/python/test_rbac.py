"""The operator's real requests held against the RBAC it ships with: every request is granted, and every
grant is used (or is a rare path named here with the reason). The embedded control plane records each
distinct (user agent, verb, group, resource, namespace) it serves, as an RBAC authorizer would be asked."""
import json

import pytest
import yaml

from conftest import ROOT, DevCluster, Operator

# Grants the scenario below does not reach, each with the code path that needs it.
RARE = {
    ("apps", "deployments", "get"): "ChildApplier: create answered AlreadyExists before the cache saw the child",
    ("", "services", "get"): "ChildApplier: create answered AlreadyExists before the cache saw the child",
    ("autoscaling", "horizontalpodautoscalers", "get"): "ChildApplier: create answered AlreadyExists before the cache saw it",
    ("policy", "poddisruptionbudgets", "get"): "ChildApplier: create answered AlreadyExists before the cache saw it",
    ("networking.k8s.io", "networkpolicies", "get"): "ChildApplier: create answered AlreadyExists before the cache saw it",
    ("", "pods", "list"): "a rollout past its progress deadline: the pods' waiting reason goes into status",
    ("", "events", "patch"): "EventRecorder: the same Event again within its aggregation window",
    ("modelship.dev", "modeldeployments/finalizers", "update"): "blockOwnerDeletion on owner references, where "
                                                                "OwnerReferencesPermissionEnforcement is on",
}


def rules(kind):
    documents = list(yaml.safe_load_all((ROOT / "manifests" / "rbac.yaml").read_text()))
    return [rule for doc in documents if doc["kind"] == kind for rule in doc["rules"]]


def granted(rule_set, group, resource, verb):
    return any(group in rule["apiGroups"] and resource in rule["resources"] and verb in rule["verbs"] for rule in rule_set)


@pytest.fixture(scope="module")
def accesses(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rbac")
    cluster = DevCluster(tmp)
    cluster.kubectl("create", "namespace", "modelship-system")
    cluster.kubectl("create", "secret", "generic", "s3-creds", "--from-literal=AWS_ACCESS_KEY_ID=a")
    operator = Operator(cluster, tmp, args=("--leader-elect=true", "--leader-election-namespace", "modelship-system"))
    try:
        for example in ["minimal.yaml", "autoscaled.yaml"]:
            cluster.kubectl("apply", "-f", str(ROOT / "examples" / example))
        cluster.kubectl("apply", "-f", "-", input=(
            "apiVersion: modelship.dev/v1alpha1\nkind: ModelDeployment\nmetadata: {name: private}\n"
            "spec: {model: {uri: 's3://m/x.onnx', version: '1', storageSecretRef: {name: s3-creds}}}\n"))
        for name in ["fraud-detector", "ranker", "private"]:
            cluster.kubectl("wait", "--for=jsonpath={.status.phase}=Healthy", f"mdep/{name}", "--timeout=60s")
        # New autoscaling bounds patch the HPA; a PodDisruptionBudget someone else edited is repaired.
        cluster.kubectl("patch", "mdep", "ranker", "--type=merge", "-p", '{"spec": {"scaling": {"autoscaling": {"maxReplicas": 5}}}}')
        cluster.kubectl("wait", "--for=jsonpath={.spec.maxReplicas}=5", "hpa/ranker-stable", "--timeout=60s")
        cluster.kubectl("patch", "pdb", "fraud-detector-stable", "--type=merge", "-p", '{"spec": {"maxUnavailable": 2}}')
        cluster.kubectl("wait", "--for=jsonpath={.spec.maxUnavailable}=1", "pdb/fraud-detector-stable", "--timeout=60s")
        # Fewer replicas remove the PodDisruptionBudget; fixed replicas remove the HPA.
        cluster.kubectl("patch", "mdep", "fraud-detector", "--type=merge", "-p", '{"spec": {"scaling": {"replicas": 1}}}')
        cluster.kubectl("patch", "mdep", "ranker", "--type=merge", "-p", '{"spec": {"scaling": {"autoscaling": null, "replicas": 1}}}')
        cluster.kubectl("wait", "--for=delete", "pdb/fraud-detector-stable", "hpa/ranker-stable", "--timeout=60s")
        # A NetworkPolicy comes, is repaired after an edit, and goes.
        cluster.kubectl("apply", "-f", str(ROOT / "examples" / "network-policy.yaml"))
        cluster.kubectl("wait", "--for=jsonpath={.spec.policyTypes[0]}=Ingress", "networkpolicy/card-scorer", "--timeout=60s")
        cluster.kubectl("patch", "networkpolicy", "card-scorer", "--type=merge", "-p", '{"spec": {"policyTypes": ["Egress"]}}')
        cluster.kubectl("wait", "--for=jsonpath={.spec.policyTypes[0]}=Ingress", "networkpolicy/card-scorer", "--timeout=60s")
        cluster.kubectl("patch", "mdep", "card-scorer", "--type=merge", "-p", '{"spec": {"networkPolicy": null}}')
        cluster.kubectl("wait", "--for=delete", "networkpolicy/card-scorer", "--timeout=60s")
        # A Service someone else edited is repaired.
        cluster.kubectl("patch", "service", "private", "--type=merge", "-p", '{"spec": {"selector": {"modelship.dev/role": "edited"}}}')
        cluster.kubectl("wait", "--for=jsonpath={.spec.selector.modelship\\.dev/role}=stable", "service/private", "--timeout=60s")
        seen = json.loads(cluster.kubectl("get", "--raw", "/__admin/access").stdout)
    finally:
        operator_code = operator.stop()
        cluster.stop()
    assert operator_code == 0
    return [entry for entry in seen if entry["userAgent"].startswith("modelship-operator/")]


def test_every_request_the_operator_makes_is_granted(accesses):
    cluster_rules, election_rules = rules("ClusterRole"), rules("Role")
    assert accesses, "no request from the operator was recorded"
    for access in accesses:
        group, resource, verb = access["group"], access["resource"], access["verb"]
        allowed = granted(cluster_rules, group, resource, verb) or (
            access.get("namespace") == "modelship-system" and granted(election_rules, group, resource, verb))
        assert allowed, f"the operator sent {verb} {group}/{resource} ({access.get('namespace')}), which its RBAC does not grant"


def test_every_grant_is_used(accesses):
    used = {(access["group"], access["resource"], access["verb"]) for access in accesses}
    for rule in rules("ClusterRole") + rules("Role"):
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                for verb in rule["verbs"]:
                    key = (group, resource, verb)
                    assert key in used or key in RARE, f"{verb} on {group}/{resource} is granted but never used"
    for key in RARE:
        assert granted(rules("ClusterRole"), *key), f"{key} is listed as rare but not granted"


def test_an_operator_watching_given_namespaces_asks_for_nothing_cluster_wide(tmp_path):
    cluster = DevCluster(tmp_path)
    try:
        cluster.kubectl("create", "namespace", "ml")
        operator = Operator(cluster, tmp_path, args=("--leader-elect=false", "--watch-namespaces=ml"))
        cluster.kubectl("apply", "-n", "ml", "-f", str(ROOT / "examples" / "minimal.yaml"))
        cluster.kubectl("wait", "-n", "ml", "--for=jsonpath={.status.phase}=Healthy", "mdep/fraud-detector", "--timeout=60s")
        seen = json.loads(cluster.kubectl("get", "--raw", "/__admin/access").stdout)
        assert operator.stop() == 0
    finally:
        cluster.stop()
    from_operator = [entry for entry in seen if entry["userAgent"].startswith("modelship-operator/")]
    assert from_operator and all(entry.get("namespace") == "ml" for entry in from_operator), from_operator
