import KubeClient

/// "Does the live object already have every field we want?": the comparison that keeps an idle
/// reconcile at zero writes. Fields absent from `desired` are not ours and are ignored; a desired
/// JSON null means "must be absent"; lists must match element by element.
public enum JSONSubset {
    public static func contains(_ live: JSONValue?, _ desired: JSONValue) -> Bool {
        switch desired {
        case .null:
            return live == nil || live == .null
        case .object(let fields):
            guard case .object(let liveFields)? = live else { return false }
            return fields.allSatisfy { key, value in contains(liveFields[key], value) }
        case .array(let elements):
            guard case .array(let liveElements)? = live, liveElements.count == elements.count else { return false }
            return zip(liveElements, elements).allSatisfy { contains($0, $1) }
        case .int, .double:
            return live?.doubleValue == desired.doubleValue
        default:
            return live == desired
        }
    }
}
