"""kube-apiserver behaviours that clients rely on, through kubectl and the Python client."""
import json

import pytest
from kubernetes import client, config
from kubernetes.client.rest import ApiException


def core(cluster):
    configuration = client.Configuration()
    config.load_kube_config(config_file=str(cluster.kubeconfig), client_configuration=configuration)
    return client.CoreV1Api(client.ApiClient(configuration))


def test_a_new_pod_is_pending_with_its_qos_class(cluster):
    cluster.kubectl("run", "bare", "--image=registry.example/unmapped:1", "--restart=Never")
    status = json.loads(cluster.kubectl("get", "pod", "bare", "-o", "json").stdout)["status"]
    assert status == {"phase": "Pending", "qosClass": "BestEffort"}
    guaranteed = core(cluster).create_namespaced_pod("default", {
        "metadata": {"name": "sized"},
        "spec": {"containers": [{"name": "c", "image": "registry.example/unmapped:1",
                                 "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]}})
    assert guaranteed.status.phase == "Pending" and guaranteed.status.qos_class == "Guaranteed"


def test_no_finalizer_can_be_added_to_an_object_being_deleted(cluster):
    cluster.kubectl("create", "configmap", "held")
    cluster.kubectl("patch", "configmap", "held", "--type=merge", "-p", '{"metadata": {"finalizers": ["example.com/hold"]}}')
    cluster.kubectl("delete", "configmap", "held", "--wait=false")
    refused = cluster.kubectl("patch", "configmap", "held", "--type=json",
                              "-p", '[{"op": "add", "path": "/metadata/finalizers/-", "value": "example.com/more"}]', check=False)
    assert refused.returncode != 0
    assert "no new finalizers can be added if the object is being deleted" in refused.stderr
    assert 'example.com/more' in refused.stderr
    # Removing the last finalizer still completes the deletion.
    cluster.kubectl("patch", "configmap", "held", "--type=merge", "-p", '{"metadata": {"finalizers": null}}')
    cluster.kubectl("wait", "--for=delete", "configmap/held", "--timeout=10s")


def test_field_selectors_accept_only_the_fields_a_kind_supports(cluster):
    assert cluster.kubectl("get", "pods", "--field-selector", "status.phase=Pending", "-o", "name").returncode == 0
    assert cluster.kubectl("get", "events", "--field-selector", "involvedObject.kind=Pod,reason=Scheduled").returncode == 0
    refused = cluster.kubectl("get", "configmaps", "--field-selector", "data.key=value", check=False)
    assert refused.returncode != 0 and "field label not supported: data.key" in refused.stderr
    with pytest.raises(ApiException) as error:
        core(cluster).list_namespaced_pod("default", field_selector="spec.containers=x")
    assert error.value.status == 400 and "field label not supported: spec.containers" in error.value.body
