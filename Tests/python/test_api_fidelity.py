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


def test_core_and_events_k8s_io_events_are_one_resource_in_two_versions(cluster):
    from kubernetes import client as k8s
    api_client = core(cluster).api_client
    events_v1 = k8s.EventsV1Api(api_client)
    created = events_v1.create_namespaced_event("default", {
        "apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "from-v1"},
        "eventTime": "2026-12-02T10:00:00.000000Z", "reportingController": "example.com/ctl", "reportingInstance": "ctl-1",
        "action": "Scaled", "reason": "Scaled", "type": "Normal", "note": "scaled up to 3",
        "regarding": {"kind": "Deployment", "namespace": "default", "name": "web", "apiVersion": "apps/v1"}})
    assert created.note == "scaled up to 3" and created.regarding.name == "web"
    as_core = core(cluster).read_namespaced_event("from-v1", "default")
    assert as_core.message == "scaled up to 3" and as_core.involved_object.kind == "Deployment"
    assert as_core.reporting_component == "example.com/ctl" and as_core.reason == "Scaled"

    core(cluster).create_namespaced_event("default", {
        "metadata": {"name": "from-core"}, "reason": "Pulled", "message": "image pulled", "type": "Normal", "count": 2,
        "involvedObject": {"kind": "Pod", "namespace": "default", "name": "web-1"}, "source": {"component": "kubelet"},
        "firstTimestamp": "2026-12-02T10:00:00Z", "lastTimestamp": "2026-12-02T10:01:00Z",
        # The Python client's EventsV1Event refuses a null eventTime (as against a real API server).
        "eventTime": "2026-12-02T10:00:00.000000Z", "reportingComponent": "kubelet", "reportingInstance": "node-1"})
    listed = {event.metadata.name: event for event in events_v1.list_namespaced_event("default").items}
    assert {"from-v1", "from-core"} <= set(listed)
    assert listed["from-core"].note == "image pulled" and listed["from-core"].deprecated_count == 2
    assert listed["from-core"].regarding.name == "web-1" and listed["from-core"].deprecated_source.component == "kubelet"
    selected = events_v1.list_namespaced_event("default", field_selector="regarding.name=web-1").items
    assert [event.metadata.name for event in selected] == ["from-core"]

    patched = events_v1.patch_namespaced_event("from-core", "default", {"note": "image pulled again"})
    assert patched.note == "image pulled again"
    assert core(cluster).read_namespaced_event("from-core", "default").message == "image pulled again"
    described = cluster.kubectl("get", "events.v1.events.k8s.io", "from-v1", "-o", "jsonpath={.note}").stdout
    assert described == "scaled up to 3"
    events_v1.delete_namespaced_event("from-v1", "default")
    assert "from-v1" not in {event.metadata.name for event in core(cluster).list_namespaced_event("default").items}


def test_quantities_of_built_in_kinds_are_stored_in_canonical_form(cluster):
    from kubernetes.utils import parse_quantity

    def pod(name, requests, limits=None):
        resources = {"requests": requests, **({"limits": limits} if limits else {})}
        return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                           "spec": {"containers": [{"name": "c", "image": "registry.example/unmapped:1", "resources": resources}]}})

    written = {"cpu": "0.5", "memory": "1.5Gi", "ephemeral-storage": 2000, "example.com/widgets": "1000m",
               "example.com/tiny": "0.1m", "example.com/exp": "12e-1"}
    cluster.kubectl("create", "--validate=false", "-f", "-", input=pod("quantities", written, {"cpu": 1.25}))
    resources = core(cluster).read_namespaced_pod("quantities", "default").spec.containers[0].resources
    assert resources.requests == {"cpu": "500m", "memory": "1536Mi", "ephemeral-storage": "2k", "example.com/widgets": "1",
                                  "example.com/tiny": "100u", "example.com/exp": "1200e-3"}
    assert all(parse_quantity(resources.requests[name]) == parse_quantity(value) for name, value in written.items())
    assert resources.limits == {"cpu": "1250m"}
    refused = cluster.kubectl("create", "--validate=false", "-f", "-", input=pod("bad-quantity", {"cpu": "half"}), check=False)
    assert refused.returncode != 0 and "quantities must match the regular expression" in refused.stderr
    assert "bad-quantity" not in cluster.kubectl("get", "pods", "-o", "name").stdout
