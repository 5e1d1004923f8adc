/// JSON merge patch (RFC 7386): what `kubectl patch --type=merge` sends.
public enum MergePatch {
    /// Applies `patch` to `target`: objects merge key by key, `null` deletes, anything else replaces.
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchObject {
            if value == .null {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }

    /// The smallest merge patch that turns `original` into `modified`, or nil when they are equal.
    public static func diff(from original: JSONValue, to modified: JSONValue) -> JSONValue? {
        guard case .object(let old) = original, case .object(let new) = modified else {
            return original == modified ? nil : modified
        }
        var patch: [String: JSONValue] = [:]
        for (key, newValue) in new {
            if let oldValue = old[key] {
                if let child = diff(from: oldValue, to: newValue) { patch[key] = child }
            } else {
                patch[key] = newValue
            }
        }
        for key in old.keys where new[key] == nil {
            patch[key] = .null
        }
        return patch.isEmpty ? nil : .object(patch)
    }
}
