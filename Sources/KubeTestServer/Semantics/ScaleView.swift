import Foundation
import KubeClient

/// The `scale` subresource: an `autoscaling/v1.Scale` view onto a kind's replica fields.
enum ScaleView {
    static func path(_ jsonPath: String) -> [String] {
        jsonPath.split(separator: ".").map(String.init)
    }

    static func scale(of object: JSONValue, resource: ServedResource) -> JSONValue {
        guard let scale = resource.scale else { return .null }
        var metadata: JSONValue = [:]
        for field in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            metadata[field] = object[path: ["metadata", field]]
        }
        var status: JSONValue = ["replicas": object[path: path(scale.statusReplicasPath)] ?? 0]
        if let selectorPath = scale.labelSelectorPath, let selector = object[path: path(selectorPath)] {
            status["selector"] = selector
        } else if let selector = object[path: ["spec", "selector"]], let spec = try? selector.decode(as: LabelSelectorSpec.self) {
            status["selector"] = .string(LabelSelector(spec).description)
        }
        return ["apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": metadata,
                "spec": ["replicas": object[path: path(scale.specReplicasPath)] ?? 0], "status": status]
    }

    static func applying(_ scaleObject: JSONValue, to object: JSONValue, resource: ServedResource) -> JSONValue {
        guard let scale = resource.scale else { return object }
        var updated = object
        updated[path: path(scale.specReplicasPath)] = scaleObject[path: ["spec", "replicas"]] ?? 0
        return updated
    }
}

/// Applies a PATCH body according to its content type.
enum PatchApplier {
    static func apply(_ patch: JSONValue, contentType: String, to current: JSONValue, resource: ServedResource) throws(APIError) -> JSONValue {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        switch type {
        case "application/merge-patch+json":
            return MergePatch.apply(patch, to: current)
        case "application/json-patch+json":
            let operations: [JSONPatchOperation]
            do { operations = try patch.decode(as: [JSONPatchOperation].self) } catch {
                throw APIError.badRequest("invalid JSON patch: \(error)")
            }
            do { return try JSONPatch.apply(operations, to: current) } catch {
                // kube-apiserver answers a failed `test` or a bad path with 422 Invalid.
                throw APIError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request: \(error)")
            }
        case "application/strategic-merge-patch+json":
            guard resource.definedByCRD == nil else {
                throw APIError(code: 415, reason: "UnsupportedMediaType",
                               message: "strategic merge patch is not supported for custom resources; use a merge patch")
            }
            return try StrategicMerge.apply(patch, to: current, resource: resource)
        default:
            throw APIError(code: 415, reason: "UnsupportedMediaType",
                           message: "the body of the request was in an unknown format - accepted media types include: "
                               + "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, "
                               + "application/apply-patch+yaml")
        }
    }
}
