"""kubectl, a client nobody here wrote, against the embedded API server."""
import json
import subprocess
import os

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:IMAGE_TAG
        ports: [{containerPort: 80}]
"""

CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Phase, type: string, jsonPath: .status.phase}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1, maximum: 10}
              color: {type: string, enum: [red, blue], default: red}
          status:
            type: object
            properties:
              phase: {type: string}
"""


def test_version_and_namespaces(cluster):
    out = cluster.kubectl("version", "-o", "json").stdout
    assert json.loads(out)["serverVersion"]["major"] == "1"
    names = cluster.kubectl("get", "namespaces", "-o", "name").stdout.split()
    assert "namespace/default" in names and "namespace/kube-system" in names


def test_apply_update_patch_describe_delete_deployment(cluster):
    cluster.kubectl("create", "namespace", "shop")
    cluster.kubectl("apply", "-n", "shop", "-f", "-", input=DEPLOYMENT.replace("IMAGE_TAG", "1.25"))
    cluster.kubectl("apply", "-n", "shop", "-f", "-", input=DEPLOYMENT.replace("IMAGE_TAG", "1.26"))
    deployment = json.loads(cluster.kubectl("get", "-n", "shop", "deployment", "web", "-o", "json").stdout)
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert deployment["metadata"]["generation"] == 2
    assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"  # server defaulting
    cluster.kubectl("patch", "-n", "shop", "deployment", "web", "--type=merge", "-p", '{"spec":{"replicas":3}}')
    cluster.kubectl("scale", "-n", "shop", "deployment", "web", "--replicas=2")
    assert cluster.kubectl("get", "-n", "shop", "deploy", "web", "-o", "jsonpath={.spec.replicas}").stdout == "2"
    described = cluster.kubectl("describe", "-n", "shop", "deployment", "web").stdout
    assert "nginx:1.26" in described and "RollingUpdate" in described
    cluster.kubectl("delete", "-n", "shop", "deployment", "web")
    missing = cluster.kubectl("get", "-n", "shop", "deployment", "web", check=False)
    assert missing.returncode != 0 and "NotFound" in missing.stderr


def test_custom_resources_with_schema_columns_and_validation(cluster):
    cluster.kubectl("apply", "-f", "-", input=CRD)
    resources = cluster.kubectl("api-resources", "--api-group=example.com").stdout
    assert "widgets" in resources and "wd" in resources
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3, unknown: dropped}\n"
    # kubectl validates strictly by default, through the server (fieldValidation=Strict).
    strict = cluster.kubectl("apply", "-f", "-", input=widget, check=False)
    assert strict.returncode != 0 and 'strict decoding error: unknown field "spec.unknown"' in strict.stderr
    warned = cluster.kubectl("apply", "--validate=warn", "-f", "-", input=widget)
    assert 'unknown field "spec.unknown"' in warned.stderr
    stored = json.loads(cluster.kubectl("get", "widget", "w1", "-o", "json").stdout)
    assert stored["spec"] == {"size": 3, "color": "red"}  # pruned and defaulted
    table = cluster.kubectl("get", "wd").stdout
    # Declared printer columns replace the default Age column, as on a real server.
    assert table.split("\n")[0].split() == ["NAME", "SIZE", "PHASE"]
    assert "w1" in table and "3" in table
    bad = cluster.kubectl("apply", "-f", "-", check=False,
                          input="apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2}\nspec: {size: 11, color: green}\n")
    assert bad.returncode != 0
    assert "spec.size" in bad.stderr and "spec.color" in bad.stderr
    cluster.kubectl("delete", "crd", "widgets.example.com")
    assert "widgets" not in cluster.kubectl("api-resources", "--api-group=example.com").stdout


def test_get_watch_receives_changes(cluster):
    env = dict(os.environ, KUBECONFIG=str(cluster.kubeconfig))
    cluster.kubectl("create", "configmap", "seed", "--from-literal=a=b")
    watcher = subprocess.Popen(["kubectl", "get", "configmaps", "-w", "-o", "name", "--request-timeout=20s"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        # The initial list is printed before the watch starts, so seeing it means the watch is open.
        assert watcher.stdout.readline().strip() == "configmap/seed"
        cluster.kubectl("create", "configmap", "watched", "--from-literal=a=b")
        seen = set()
        while "configmap/watched" not in seen:
            line = watcher.stdout.readline()
            assert line, "watch ended before the change arrived"
            seen.add(line.strip())
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)


def test_explain_diff_and_server_dry_run(cluster):
    cluster.kubectl("apply", "-f", "-", input=CRD)
    explained = cluster.kubectl("explain", "widget.spec").stdout
    assert "size" in explained and "-required-" in explained and "enum: red, blue" in explained
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: d1}\nspec: {size: 2}\n"
    cluster.kubectl("apply", "-f", "-", input=widget)
    unchanged = cluster.kubectl("diff", "-f", "-", input=widget, check=False)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    changed = cluster.kubectl("diff", "-f", "-", input=widget.replace("size: 2", "size: 5"), check=False)
    assert changed.returncode == 1 and "+  size: 5" in changed.stdout
    cluster.kubectl("apply", "--dry-run=server", "-f", "-", input=widget.replace("size: 2", "size: 7"))
    assert cluster.kubectl("get", "widget", "d1", "-o", "jsonpath={.spec.size}").stdout == "2"


def test_modeldeployment_schema_errors_name_every_field(cluster):
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    cluster.kubectl("apply", "-f", os.path.join(root, "crds", "modelship.dev_modeldeployments.yaml"))
    invalid = """
apiVersion: modelship.dev/v1alpha1
kind: ModelDeployment
metadata: {name: broken}
spec:
  model: {uri: "ftp://models/m.onnx", version: "-bad-"}
  server:
    threads: four
    env: [{name: OK}, {name: "1=bad"}]
  scaling: {replicas: -1}
"""
    bad = cluster.kubectl("apply", "-f", "-", input=invalid, check=False)
    assert bad.returncode != 0
    for expected in ["spec.model.uri in body should match '^(file://|pvc://|https?://|s3://).+'",
                     "spec.model.version in body should match",
                     "spec.server.env[1].name in body should match",
                     'spec.server.threads in body must be of type integer: "string"',
                     "spec.scaling.replicas in body should be greater than or equal to 0"]:
        assert expected in bad.stderr, (expected, bad.stderr)
    assert "env[0]" not in bad.stderr
    missing = cluster.kubectl("apply", "-f", "-", check=False, input="""
apiVersion: modelship.dev/v1alpha1
kind: ModelDeployment
metadata: {name: incomplete}
spec:
  model: {uri: "s3://models/m.onnx"}
""")
    assert missing.returncode != 0 and "spec.model.version: Required value" in missing.stderr, missing.stderr
    assert "broken" not in cluster.kubectl("get", "modeldeployments", "-o", "name").stdout
