"""Server-side apply, field ownership and built-in schemas, driven by kubectl and the Python client."""
import json
import pathlib
import subprocess
import sys

from kubernetes import client, config, dynamic
from kubernetes.client.rest import ApiException

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: NAME, namespace: default, labels: {app: NAME, tier: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: NAME}}
  template:
    metadata: {labels: {app: NAME}}
    spec:
      containers: [{name: server, image: nginx:1.27, ports: [{containerPort: 80}]}]
"""


def deployment(name):
    return DEPLOYMENT.replace("NAME", name)


def managed(cluster, kind, name):
    obj = json.loads(cluster.kubectl("get", kind, name, "-o", "json", "--show-managed-fields").stdout)
    return {(entry["manager"], entry["operation"], entry.get("subresource")): entry["fieldsV1"]
            for entry in obj["metadata"].get("managedFields", [])}


def test_server_side_apply_creates_and_records_the_applier(cluster):
    out = cluster.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-create")).stdout
    assert "deployment.apps/ssa-create serverside-applied" in out
    fields = managed(cluster, "deployment", "ssa-create")[("kubectl", "Apply", None)]
    container = fields["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"server"}']
    assert set(container) == {".", "f:name", "f:image", "f:ports"}
    # The port's key includes the protocol the schema defaults.
    assert 'k:{"containerPort":80,"protocol":"TCP"}' in container["f:ports"]
    assert fields["f:metadata"]["f:labels"] == {"f:app": {}, "f:tier": {}}
    # Defaults are not the applier's: it did not set them.
    assert "f:strategy" not in fields["f:spec"]


def test_conflicts_are_refused_until_forced(cluster):
    cluster.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-conflict"))
    cluster.kubectl("patch", "deployment", "ssa-conflict", "--type=merge", "-p", '{"spec":{"replicas":5}}')
    refused = cluster.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-conflict"), check=False)
    assert refused.returncode != 0
    assert 'Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: .spec.replicas' in refused.stderr
    assert cluster.kubectl("get", "deployment", "ssa-conflict", "-o", "jsonpath={.spec.replicas}").stdout == "5"

    # Applying the value another manager set is no conflict: the field becomes shared.
    cluster.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-conflict").replace("replicas: 2", "replicas: 5"))
    owners = managed(cluster, "deployment", "ssa-conflict")
    assert "f:replicas" in owners[("kubectl", "Apply", None)]["f:spec"]
    assert "f:replicas" in owners[("kubectl-patch", "Update", None)]["f:spec"]

    cluster.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", input=deployment("ssa-conflict"))
    assert cluster.kubectl("get", "deployment", "ssa-conflict", "-o", "jsonpath={.spec.replicas}").stdout == "2"
    assert ("kubectl-patch", "Update", None) not in managed(cluster, "deployment", "ssa-conflict")


def test_fields_dropped_from_the_configuration_are_removed_unless_someone_else_owns_them(cluster):
    cluster.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-prune"))
    cluster.kubectl("label", "deployment", "ssa-prune", "owner=ops")
    cluster.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-prune").replace("tier: web", "team: ml"))
    labels = json.loads(cluster.kubectl("get", "deployment", "ssa-prune", "-o", "jsonpath={.metadata.labels}").stdout)
    assert labels == {"app": "ssa-prune", "team": "ml", "owner": "ops"}


def test_client_side_apply_upgrades_to_server_side_and_diff_and_dry_run_work(cluster):
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: migrate, namespace: default}\ndata: {a: '1', b: '2'}\n"
    cluster.kubectl("apply", "-f", "-", input=config_map)
    assert ("kubectl-client-side-apply", "Update", None) in managed(cluster, "configmap", "migrate")
    cluster.kubectl("apply", "--server-side", "-f", "-", input=config_map)
    owners = managed(cluster, "configmap", "migrate")
    # kubectl moved the client-side manager's fields to its Apply entry (a JSON patch of managedFields).
    assert ("kubectl-client-side-apply", "Update", None) not in owners
    assert owners[("kubectl", "Apply", None)]["f:data"] == {"f:a": {}, "f:b": {}}

    changed = config_map.replace("b: '2'", "c: '3'")
    diff = cluster.kubectl("diff", "--server-side", "-f", "-", input=changed, check=False)
    assert diff.returncode == 1 and '-  b: "2"' in diff.stdout and '+  c: "3"' in diff.stdout
    dry = json.loads(cluster.kubectl("apply", "--server-side", "--dry-run=server", "-o", "json", "-f", "-", input=changed).stdout)
    assert dry["data"] == {"a": "1", "c": "3"}
    assert json.loads(cluster.kubectl("get", "configmap", "migrate", "-o", "jsonpath={.data}").stdout) == {"a": "1", "b": "2"}
    cluster.kubectl("apply", "--server-side", "-f", "-", input=changed)
    assert json.loads(cluster.kubectl("get", "configmap", "migrate", "-o", "jsonpath={.data}").stdout) == {"a": "1", "c": "3"}


def test_built_in_kinds_validate_and_prune_against_their_real_schema(cluster):
    bad = deployment("strict").replace("replicas: 2", "replicas: 2\n  bogus: 1")
    refused = cluster.kubectl("apply", "-f", "-", input=bad, check=False)
    assert refused.returncode != 0
    assert 'strict decoding error: unknown field "spec.bogus"' in refused.stderr
    cluster.kubectl("apply", "--validate=false", "-f", "-", input=bad)
    spec = json.loads(cluster.kubectl("get", "deployment", "strict", "-o", "jsonpath={.spec}").stdout)
    assert "bogus" not in spec and spec["replicas"] == 2
    explained = cluster.kubectl("explain", "deployment.spec.strategy.rollingUpdate").stdout
    assert "maxSurge" in explained and "<RollingUpdateDeployment>" in explained


def dynamic_client(cluster):
    configuration = client.Configuration()
    config.load_kube_config(config_file=str(cluster.kubeconfig), client_configuration=configuration)
    return dynamic.DynamicClient(client.ApiClient(configuration))


def test_python_client_server_side_apply_and_required_field_manager(cluster):
    api = dynamic_client(cluster).resources.get(api_version="v1", kind="ConfigMap")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "from-python", "namespace": "default"},
            "data": {"x": "1"}}
    created = api.server_side_apply(body=body, namespace="default", field_manager="pipeline")
    assert created.data.x == "1"
    assert [(m.manager, m.operation) for m in created.metadata.managedFields] == [("pipeline", "Apply")]
    try:
        api.server_side_apply(body=body, namespace="default")
        raise AssertionError("an apply without fieldManager was accepted")
    except ApiException as error:
        assert error.status == 422
        assert "fieldManager: Required value" in json.loads(error.body)["message"]
    other = dict(body, data={"x": "2"})
    try:
        api.server_side_apply(body=other, namespace="default", field_manager="someone-else")
        raise AssertionError("a conflicting apply was accepted")
    except ApiException as error:
        status = json.loads(error.body)
        assert error.status == 409 and status["reason"] == "Conflict"
        assert status["details"]["causes"] == [
            {"reason": "FieldManagerConflict", "message": 'conflict with "pipeline"', "field": ".data.x"}]
    taken = api.server_side_apply(body=other, namespace="default", field_manager="someone-else", force_conflicts=True)
    assert taken.data.x == "2"
    assert [m.manager for m in taken.metadata.managedFields] == ["someone-else"]


def test_built_in_schemas_match_their_generator():
    root = pathlib.Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, str(root / "scripts" / "gen-builtin-openapi.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


GADGET_CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              routes:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties:
                    name: {type: string}
                    weight: {type: integer}
              tags: {type: array, items: {type: string}}
          status:
            type: object
            properties:
              phase: {type: string}
"""

GADGET = """
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g, namespace: default}
spec:
  routes: [{name: ROUTE, weight: 10}]
  tags: [TAG]
"""


def test_custom_resources_merge_by_their_schema_list_types(cluster):
    cluster.kubectl("apply", "--server-side", "-f", "-", input=GADGET_CRD)
    cluster.kubectl("wait", "--for=condition=Established", "crd/gadgets.example.com", "--timeout=30s")
    cluster.kubectl("apply", "--server-side", "--field-manager=team-a", "-f", "-",
                    input=GADGET.replace("ROUTE", "stable").replace("TAG", "a"))
    cluster.kubectl("apply", "--server-side", "--field-manager=team-b", "-f", "-",
                    input=GADGET.replace("ROUTE", "canary").replace("TAG", "a"))
    spec = json.loads(cluster.kubectl("get", "gadget", "g", "-o", "jsonpath={.spec}").stdout)
    # routes is a map-list keyed by name: each team's element is kept; tags is atomic and identical: shared.
    assert spec["routes"] == [{"name": "stable", "weight": 10}, {"name": "canary", "weight": 10}]
    assert spec["tags"] == ["a"]
    refused = cluster.kubectl("apply", "--server-side", "--field-manager=team-b", "-f", "-",
                              input=GADGET.replace("ROUTE", "canary").replace("TAG", "b"), check=False)
    assert refused.returncode != 0 and 'conflict with "team-a": .spec.tags' in refused.stderr
    owners = managed(cluster, "gadget", "g")
    assert 'k:{"name":"stable"}' in owners[("team-a", "Apply", None)]["f:spec"]["f:routes"]
    assert 'k:{"name":"canary"}' in owners[("team-b", "Apply", None)]["f:spec"]["f:routes"]


def test_built_in_kinds_refuse_values_their_go_types_cannot_hold(cluster):
    bad = deployment("typed").replace("replicas: 2", 'replicas: "2"')
    refused = cluster.kubectl("apply", "-f", "-", input=bad, check=False)
    assert refused.returncode != 0
    assert ('cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field '
            'DeploymentSpec.spec.replicas of type int32') in refused.stderr
    assert cluster.kubectl("get", "deployment", "typed", check=False).returncode != 0, "nothing was stored"
    # Quantities take numbers or strings, int-or-string fields take both, null leaves a field alone.
    fine = deployment("typed").replace("ports: [{containerPort: 80}]",
                                       "ports: [{containerPort: 80}], resources: {limits: {cpu: 1, memory: 64Mi}}")
    cluster.kubectl("apply", "-f", "-", input=fine.replace("replicas: 2", "replicas: 2\n  strategy: {rollingUpdate: {maxSurge: 1}}"))
    limits = json.loads(cluster.kubectl("get", "deployment", "typed", "-o",
                                        "jsonpath={.spec.template.spec.containers[0].resources.limits}").stdout)
    assert limits == {"cpu": "1", "memory": "64Mi"}  # stored as the canonical string, as kube-apiserver does
    labelled = cluster.kubectl("label", "deployment", "typed", "tier=9", "--overwrite")
    assert labelled.returncode == 0
    patch = cluster.kubectl("patch", "deployment", "typed", "--type=merge", "-p", '{"metadata":{"labels":{"n":1}}}', check=False)
    assert patch.returncode != 0 and "cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string" in patch.stderr
