#!/usr/bin/env python3
"""Writes the OpenAPI v3 schemas of the built-in kinds the embedded API server serves.

Source: the Kubernetes v1.31 API definitions that the PyPI package kubernetes-validate ships (generated from
the Kubernetes OpenAPI, with descriptions, list types, map keys and patch strategies). The output keeps the
definitions the served kinds reach and writes them as OpenAPI v3 components, as kube-apiserver publishes them:
`$ref`s point into `#/components/schemas/`, nullable type lists become one type, IntOrString and Quantity
become strings (`format: int-or-string` for the former).

    .venv/bin/python scripts/gen-builtin-openapi.py [--check]

--check compares with the committed file instead of writing it (a test runs this).
"""
import json
import pathlib
import sys

import kubernetes_validate

VERSION = "v1.31.0-local"
OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "Sources/KubeTestServer/Resources/builtin-openapi.json"
ROOTS = [
    "io.k8s.api.core.v1.Namespace", "io.k8s.api.core.v1.ConfigMap", "io.k8s.api.core.v1.Secret",
    "io.k8s.api.core.v1.ServiceAccount", "io.k8s.api.core.v1.Service", "io.k8s.api.core.v1.Pod",
    "io.k8s.api.core.v1.Event", "io.k8s.api.events.v1.Event", "io.k8s.api.apps.v1.Deployment",
    "io.k8s.api.apps.v1.ReplicaSet", "io.k8s.api.batch.v1.Job", "io.k8s.api.batch.v1.CronJob",
    "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler", "io.k8s.api.coordination.v1.Lease",
    "io.k8s.api.networking.v1.NetworkPolicy", "io.k8s.api.policy.v1.PodDisruptionBudget",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
    "io.k8s.api.autoscaling.v1.Scale", "io.k8s.api.core.v1.Endpoints", "io.k8s.api.discovery.v1.EndpointSlice",
]
# Defaults kube-apiserver's OpenAPI declares (`+default=` markers) that the source drops; server-side apply
# needs them to name list elements whose key field is omitted.
DEFAULTS = {("io.k8s.api.core.v1.ContainerPort", "protocol"): "TCP", ("io.k8s.api.core.v1.ServicePort", "protocol"): "TCP"}
STRING_TYPES = {"io.k8s.apimachinery.pkg.util.intstr.IntOrString": "int-or-string",
                "io.k8s.apimachinery.pkg.api.resource.Quantity": None}


def load():
    root = pathlib.Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / VERSION
    return json.loads((root / "_definitions.json").read_text())["$defs"]


def reachable(definitions):
    seen = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    name = value.rsplit("/", 1)[-1]
                    if name not in seen:
                        seen.add(name)
                        walk(definitions[name])
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name in ROOTS:
        seen.add(name)
        walk(definitions[name])
    return sorted(seen)


def normalise(node, name=None, in_properties=False):
    if isinstance(node, list):
        return [normalise(value) for value in node]
    if not isinstance(node, dict):
        return node
    if name in STRING_TYPES:
        result = {"type": "string"}
        if "description" in node:
            result["description"] = node["description"]
        if STRING_TYPES[name]:
            result["format"] = STRING_TYPES[name]
        return result
    result = {}
    for key, value in node.items():
        if in_properties:  # keys are field names, values are schemas
            result[key] = normalise(value)
        elif key == "$ref" and isinstance(value, str):
            result[key] = "#/components/schemas/" + value.rsplit("/", 1)[-1]
        elif key == "type" and isinstance(value, list):
            kinds = [kind for kind in value if kind != "null"]
            result[key] = kinds[0] if len(kinds) == 1 else kinds
        elif key == "properties":
            result[key] = normalise(value, in_properties=True)
        else:
            result[key] = normalise(value)
    for (definition, field), value in DEFAULTS.items():
        if name == definition:
            result["properties"][field]["default"] = value
    if name and "x-kubernetes-group-version-kind" in result:
        for field in ("apiVersion", "kind"):  # kubernetes-validate pins these with enums; the real schema does not
            result.get("properties", {}).get(field, {}).pop("enum", None)
    return result


def render():
    definitions = load()
    names = reachable(definitions)
    lines = [f"  {json.dumps(name)}: {json.dumps(normalise(definitions[name], name), sort_keys=True)}" for name in names]
    return "{\n" + ",\n".join(lines) + "\n}\n"


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        if OUTPUT.read_text() != text:
            sys.exit(f"{OUTPUT} is out of date: run scripts/gen-builtin-openapi.py")
        print("up to date")
    else:
        OUTPUT.write_text(text)
        print(f"wrote {OUTPUT} ({len(text)} bytes)")
