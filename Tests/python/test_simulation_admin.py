"""The simulated controllers' hooks over HTTP (/__admin/simulation), driven from outside the process, with
kubectl observing the effects."""
import json
import os
import ssl
import subprocess
import urllib.error
import urllib.request

import base64
import tempfile

import pytest
import yaml

from server_support import OutputWatch


def admin(cluster, body, method="POST"):
    """(status, JSON answer) of a request to /__admin/simulation, authenticated like kubectl."""
    config = yaml.safe_load(cluster.kubeconfig.read_text())
    server = config["clusters"][0]["cluster"]["server"]
    token = config["users"][0]["user"]["token"]
    with tempfile.NamedTemporaryFile("wb", suffix=".pem") as ca:
        ca.write(base64.b64decode(config["clusters"][0]["cluster"]["certificate-authority-data"]))
        ca.flush()
        context = ssl.create_default_context(cafile=ca.name)
        request = urllib.request.Request(server + "/__admin/simulation", method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, context=context) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def jsonpath(cluster, *args):
    return cluster.kubectl("get", *args).stdout.strip()


def test_deployments_fail_and_heal(cluster, tmp_path):
    cluster.kubectl("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2")
    cluster.kubectl("wait", "--for=condition=Available", "deployment/web", "--timeout=60s")
    assert admin(cluster, {"action": "failDeployment", "namespace": "default", "name": "web",
                           "reason": "ErrImagePull", "message": "manifest unknown"}) == (200, {"status": "ok"})
    cluster.kubectl("rollout", "restart", "deployment/web")  # a change the simulator must roll out, and cannot
    # A watch (kubectl get --watch): the line for the pod that waits with the injected reason.
    watch = subprocess.Popen(["kubectl", "get", "pods", "-l", "app=web", "--watch", "-o",
                              'jsonpath={.metadata.name} {.status.containerStatuses[*].state.waiting.reason}{"\\n"}'],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=dict(os.environ, KUBECONFIG=str(cluster.kubeconfig)))
    output = OutputWatch(watch.stdout, tmp_path / "pods-watch.log")
    try:
        output.wait_line(lambda line: line.rstrip().endswith("ErrImagePull"), 60, "a pod waiting with the injected reason")
    finally:
        watch.terminate()
        watch.wait(timeout=10)
        output.finish()
    assert admin(cluster, {"action": "healDeployment", "namespace": "default", "name": "web"})[0] == 200
    # The simulator reconciles after answering; until then the rollout still reads as timed out.
    cluster.kubectl("wait", "deployment/web", "--timeout=60s",
                    "--for=jsonpath={.status.conditions[?(@.type=='Progressing')].reason}=NewReplicaSetAvailable")
    cluster.kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    assert jsonpath(cluster, "deployment", "web", "-o", "jsonpath={.status.readyReplicas}") == "2"


def test_cron_jobs_run_on_demand_and_jobs_end_as_told(cluster):
    cluster.kubectl("create", "cronjob", "nightly", "--image=busybox:1.36", "--schedule=0 3 * * *")
    status, answer = admin(cluster, {"action": "triggerCronJob", "namespace": "default", "name": "nightly"})
    assert status == 201
    job = answer["job"]
    assert jsonpath(cluster, "job", job, "-o", "jsonpath={.metadata.ownerReferences[0].name}") == "nightly"

    cluster.kubectl("create", "job", "train", "--image=busybox:1.36")
    assert admin(cluster, {"action": "setJobOutcome", "namespace": "default", "name": "train",
                           "outcome": "fail", "message": "CUDA out of memory"})[0] == 200
    cluster.kubectl("wait", "--for=condition=Failed", "job/train", "--timeout=60s")


@pytest.mark.parametrize("body,method,status,message", [
    ({"action": "explode", "namespace": "default", "name": "x"}, "POST", 400, "unknown action 'explode'"),
    ({"action": "healDeployment", "namespace": "default"}, "POST", 400, "'name' (a string) is required"),
    ({"action": "setJobOutcome", "namespace": "default", "name": "j", "outcome": "maybe"}, "POST", 400, "'outcome' must be"),
    ({"action": "setHPADesiredReplicas", "namespace": "default", "name": "h", "replicas": -1}, "POST", 400, "non-negative"),
    ({"action": "triggerCronJob", "namespace": "default", "name": "absent"}, "POST", 404, "absent"),
    (None, "GET", 405, "POST an action"),
])
def test_bad_admin_requests_are_refused_with_a_reason(cluster, body, method, status, message):
    got, answer = admin(cluster, body, method)
    assert got == status, answer
    assert message in answer["message"], answer
