import KubeClient

/// Strategic merge patch for built-in kinds, as the kind's schema declares it (`x-kubernetes-patch-strategy`
/// and `x-kubernetes-patch-merge-key`): lists of objects with the merge strategy merge by their key,
/// primitive lists with it are unioned, other lists are replaced; the `$patch`, `$retainKeys`,
/// `$setElementOrder` and `$deleteFromPrimitiveList` directives are honoured.
enum StrategicMerge {
    static func apply(_ patch: JSONValue, to target: JSONValue, resource: ServedResource) throws(APIError) -> JSONValue {
        try apply(patch, to: target, schema: ApplySchema(node: resource.applySchema))
    }

    static func apply(_ patch: JSONValue, to target: JSONValue, schema: ApplySchema) throws(APIError) -> JSONValue {
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
                let merged = try apply(value, to: existing ?? .object([:]), schema: schema.field(key))
                if merged == .null { result.removeValue(forKey: key) } else { result[key] = merged }
            case (.array(let patchList), .array(let existing)?):
                result[key] = .array(try mergeList(field: key, patch: patchList, into: existing, schema: schema.field(key)))
            default:
                result[key] = strip(value)
            }
        }
        return .object(result)
    }

    static func mergeList(field: String, patch: [JSONValue], into existing: [JSONValue], schema: ApplySchema) throws(APIError)
        -> [JSONValue]
    {
        guard schema.patchStrategies.contains("merge") else { return patch.map(strip) }
        guard let key = schema.patchMergeKey else {
            var merged = existing
            for value in patch where !merged.contains(value) { merged.append(value) }
            return merged
        }
        var merged = existing
        for element in patch {
            guard let identity = element[key] else {
                throw APIError.badRequest("strategic merge patch: element of '\(field)' has no merge key '\(key)'")
            }
            let index = merged.firstIndex { $0[key] == identity }
            if element["$patch"]?.stringValue == "delete" {
                if let index { merged.remove(at: index) }
            } else if let index {
                merged[index] = try apply(element, to: merged[index], schema: schema.items)
            } else {
                merged.append(strip(element))
            }
        }
        return merged
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
