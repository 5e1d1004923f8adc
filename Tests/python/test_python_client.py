"""The Python kubernetes client against the embedded API server."""
from kubernetes import client, config, watch


def core(cluster):
    configuration = client.Configuration()
    config.load_kube_config(config_file=str(cluster.kubeconfig), client_configuration=configuration)
    return client.CoreV1Api(client.ApiClient(configuration))


def test_create_list_with_selector_watch_delete(cluster):
    v1 = core(cluster)
    assert client.VersionApi(v1.api_client).get_code().major == "1"
    for name, tier in [("a", "web"), ("b", "db"), ("c", "web")]:
        body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name, labels={"tier": tier}), data={"k": name})
        v1.create_namespaced_config_map("default", body)
    listed = v1.list_namespaced_config_map("default", label_selector="tier=web")
    assert sorted(item.metadata.name for item in listed.items) == ["a", "c"]

    events = []
    stream = watch.Watch().stream(v1.list_namespaced_config_map, "default", label_selector="tier=web",
                                  resource_version=listed.metadata.resource_version, timeout_seconds=10)
    v1.delete_namespaced_config_map("a", "default", propagation_policy="Foreground")
    for event in stream:
        events.append((event["type"], event["object"].metadata.name))
        if event["type"] == "DELETED":
            break
    assert events == [("DELETED", "a")]
    remaining = v1.list_namespaced_config_map("default", label_selector="tier in (web,db)")
    assert sorted(item.metadata.name for item in remaining.items) == ["b", "c"]


def test_not_found_is_an_api_exception(cluster):
    v1 = core(cluster)
    try:
        v1.read_namespaced_config_map("nope", "default")
    except client.ApiException as error:
        assert error.status == 404
    else:
        raise AssertionError("expected a 404")
