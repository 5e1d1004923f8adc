import KubeClient

/// Strategic merge patch for built-in kinds, to the extent `kubectl apply` and `kubectl patch` use it:
/// lists of objects merge by their patch merge key, primitive lists with merge strategy are unioned,
/// and the `$patch`, `$retainKeys`, `$setElementOrder` and `$deleteFromPrimitiveList` directives are honoured.
enum StrategicMerge {
    /// Field name -> merge key, as declared by `patchMergeKey` in the Kubernetes types.
    static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name", "volumes": "name",
        "volumeMounts": "mountPath", "volumeDevices": "devicePath", "imagePullSecrets": "name", "conditions": "type",
        "ownerReferences": "uid", "hostAliases": "ip", "topologySpreadConstraints": "topologyKey", "resourceClaims": "name",
    ]
    /// Lists of primitives with `patchStrategy:merge`.
    static let mergedPrimitiveLists: Set<String> = ["finalizers"]

    static func apply(_ patch: JSONValue, to target: JSONValue) throws(APIError) -> JSONValue {
        guard case .object(var patchObject) = patch else { return patch }
        if patchObject["$patch"]?.stringValue == "replace" {
            patchObject["$patch"] = nil
            return .object(patchObject.filter { !$0.key.hasPrefix("$") })
        }
        if patchObject["$patch"]?.stringValue == "delete" { return .null }
        var result = target.objectValue ?? [:]
        if let retain = patchObject["$retainKeys"]?.arrayValue?.compactMap(\.stringValue) {
            result = result.filter { retain.contains($0.key) }
        }
        for (key, value) in patchObject {
            if key.hasPrefix("$setElementOrder/") || key == "$retainKeys" || key == "$patch" { continue }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let remove = value.arrayValue ?? []
                if let list = result[field]?.arrayValue { result[field] = .array(list.filter { !remove.contains($0) }) }
                continue
            }
            if value == .null {
                result.removeValue(forKey: key)
                continue
            }
            switch (value, result[key]) {
            case (.object, let existing):
                let merged = try apply(value, to: existing ?? .object([:]))
                if merged == .null { result.removeValue(forKey: key) } else { result[key] = merged }
            case (.array(let patchList), .array(let existing)?):
                result[key] = .array(try mergeList(field: key, patch: patchList, into: existing))
            default:
                result[key] = strip(value)
            }
        }
        return .object(result)
    }

    static func mergeList(field: String, patch: [JSONValue], into existing: [JSONValue]) throws(APIError) -> [JSONValue] {
        if mergedPrimitiveLists.contains(field) {
            var merged = existing
            for value in patch where !merged.contains(value) { merged.append(value) }
            return merged
        }
        guard let key = mergeKey(field: field, patch + existing) else { return patch.map(strip) }
        var merged = existing
        for element in patch {
            guard let identity = element[key] else {
                throw APIError.badRequest("strategic merge patch: element of '\(field)' has no merge key '\(key)'")
            }
            let index = merged.firstIndex { $0[key] == identity }
            if element["$patch"]?.stringValue == "delete" {
                if let index { merged.remove(at: index) }
            } else if let index {
                merged[index] = try apply(element, to: merged[index])
            } else {
                merged.append(strip(element))
            }
        }
        return merged
    }

    static func mergeKey(field: String, _ elements: [JSONValue]) -> String? {
        if field == "ports" {
            return elements.contains { $0["containerPort"] != nil } ? "containerPort" : "port"
        }
        guard let key = mergeKeys[field], elements.allSatisfy({ $0.objectValue != nil }) else { return nil }
        return key
    }

    /// Removes directive keys from values that are inserted whole.
    static func strip(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(object.filter { !$0.key.hasPrefix("$") }.mapValues(strip))
        case .array(let array):
            return .array(array.map(strip))
        default:
            return value
        }
    }
}
