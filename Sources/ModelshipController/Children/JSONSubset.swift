import KubeClient

/// "Does the live object already have every field we want?": the comparison that keeps an idle
/// reconcile at zero writes. Fields absent from `desired` are not ours and are ignored; a desired
/// JSON null means "must be absent"; lists must match element by element; resource quantities
/// match by amount (`0.5` and `500m`), since the API server rewrites them in canonical form.
public enum JSONSubset {
    public static func contains(_ live: JSONValue?, _ desired: JSONValue) -> Bool {
        contains(live, desired, inQuantityMap: false)
    }

    static let quantityMaps: Set<String> = ["limits", "requests"]

    static func contains(_ live: JSONValue?, _ desired: JSONValue, inQuantityMap: Bool) -> Bool {
        if inQuantityMap, let wanted = Quantity(json: desired), let live, let found = Quantity(json: live) {
            return wanted == found
        }
        switch desired {
        case .null:
            return live == nil || live == .null
        case .object(let fields):
            guard case .object(let liveFields)? = live else { return false }
            return fields.allSatisfy { key, value in
                contains(liveFields[key], value, inQuantityMap: !inQuantityMap && quantityMaps.contains(key))
            }
        case .array(let elements):
            guard case .array(let liveElements)? = live, liveElements.count == elements.count else { return false }
            return zip(liveElements, elements).allSatisfy { contains($0, $1, inQuantityMap: false) }
        case .int, .double:
            return live?.doubleValue == desired.doubleValue
        default:
            return live == desired
        }
    }
}
