"""The operator as users meet it: kubectl apply, get, describe, explain, scale."""
import json

from conftest import ROOT


def wait_phase(cluster, name, phase, timeout="60s"):
    cluster.kubectl("wait", f"--for=jsonpath={{.status.phase}}={phase}", f"mdep/{name}", f"--timeout={timeout}")


def test_examples_apply_and_become_healthy(operated):
    for example in ["minimal.yaml", "autoscaled.yaml", "gpu.yaml"]:
        operated.kubectl("apply", "-f", str(ROOT / "examples" / example))
    for name in ["fraud-detector", "ranker", "image-embedder"]:
        wait_phase(operated, name, "Healthy")
    table = operated.kubectl("get", "mdep").stdout.splitlines()
    assert table[0].split() == ["NAME", "PHASE", "VERSION", "READY", "REPLICAS", "AGE"]
    rows = {line.split()[0]: line.split() for line in table[1:]}
    assert rows["fraud-detector"][1:5] == ["Healthy", "7", "2", "2"]
    assert rows["ranker"][1:3] == ["Healthy", "12"]
    gpu = json.loads(operated.kubectl("get", "deployment", "image-embedder-stable", "-o", "json").stdout)
    container = gpu["spec"]["template"]["spec"]["containers"][0]
    assert container["image"].endswith("-cuda"), "the GPU example names the CUDA build of the server"
    assert {"name": "MODELSHIP_DEVICE", "value": "cuda"} in container["env"]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in gpu["spec"]["template"]["spec"]["tolerations"]
    assert operated.kubectl("get", "hpa", "ranker-stable", "-o", "jsonpath={.spec.maxReplicas}").stdout == "10"


def test_describe_answers_what_runs_and_why(operated):
    operated.kubectl("apply", "-f", str(ROOT / "examples" / "minimal.yaml"))
    wait_phase(operated, "fraud-detector", "Healthy")
    described = operated.kubectl("describe", "mdep", "fraud-detector").stdout
    for expected in ["Phase:                   Healthy", "Model version 7 is serving on 2/2 replicas", "Type:                  Ready",
                     "RolloutComplete", "Created Deployment fraud-detector-stable", "Events:"]:
        assert expected in described, f"missing {expected!r} in:\n{described}"


def test_explain_documents_the_api(operated):
    explained = operated.kubectl("explain", "modeldeployment.spec.model").stdout
    assert "uri\t<string> -required-" in explained and "storageSecretRef" in explained
    assert "s3://bucket/key" in explained


def test_scale_subresource_and_invalid_specs(operated):
    operated.kubectl("apply", "-f", str(ROOT / "examples" / "minimal.yaml"))
    operated.kubectl("scale", "mdep", "fraud-detector", "--replicas=3")
    operated.kubectl("wait", "--for=jsonpath={.status.readyReplicas}=3", "mdep/fraud-detector", "--timeout=60s")

    rejected = operated.kubectl("apply", "-f", "-", check=False, input=(
        "apiVersion: modelship.dev/v1alpha1\nkind: ModelDeployment\nmetadata: {name: bad}\n"
        "spec: {model: {uri: 's3://m/x.onnx', version: '1'}, scaling: {replicas: -1}}\n"))
    assert rejected.returncode != 0 and "spec.scaling.replicas" in rejected.stderr

    operated.kubectl("apply", "-f", "-", input=(
        "apiVersion: modelship.dev/v1alpha1\nkind: ModelDeployment\nmetadata: {name: conflicted}\n"
        "spec: {model: {uri: 's3://m/x.onnx', version: '1'}, scaling: {replicas: 2, autoscaling: {maxReplicas: 3}}}\n"))
    wait_phase(operated, "conflicted", "Failed")
    message = operated.kubectl("get", "mdep", "conflicted", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}").stdout
    assert message == "InvalidSpec"
    events = operated.kubectl("get", "events", "--field-selector", "involvedObject.name=conflicted").stdout
    assert "InvalidSpec" in events and "Warning" in events
    assert operated.kubectl("get", "deployments", "-l", "app.kubernetes.io/instance=conflicted", "-o", "name").stdout == ""
