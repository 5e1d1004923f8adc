/// Keeps the fields that a typed model does not know through a read-modify-write.
///
/// A typed view decoded from `raw` and re-encoded (`known`) loses whatever the model has no field for.
/// Given the edited typed view (`edited`), the result is `raw` with exactly the edits applied:
/// keys the edit removed are removed, keys it changed are changed, unknown keys stay.
/// List elements are matched by their `name` when every element has one (containers, ports, env),
/// by position otherwise.
public enum FieldPreservation {
    public static func merge(raw: JSONValue, known: JSONValue, edited: JSONValue) -> JSONValue {
        switch (raw, known, edited) {
        case (.object(let rawObject), .object(let knownObject), .object(let editedObject)):
            var result = rawObject
            for (key, value) in editedObject {
                if let rawValue = rawObject[key], let knownValue = knownObject[key] {
                    result[key] = merge(raw: rawValue, known: knownValue, edited: value)
                } else {
                    result[key] = value
                }
            }
            for key in knownObject.keys where editedObject[key] == nil {
                result.removeValue(forKey: key)
            }
            return .object(result)
        case (.array(let rawArray), .array(let knownArray), .array(let editedArray)):
            return .array(mergeLists(raw: rawArray, known: knownArray, edited: editedArray))
        default:
            return edited
        }
    }

    static func mergeLists(raw: [JSONValue], known: [JSONValue], edited: [JSONValue]) -> [JSONValue] {
        if let rawByName = indexByName(raw), let knownByName = indexByName(known), indexByName(edited) != nil {
            return edited.map { element in
                guard let name = element["name"]?.stringValue, let rawElement = rawByName[name],
                    let knownElement = knownByName[name]
                else { return element }
                return merge(raw: rawElement, known: knownElement, edited: element)
            }
        }
        guard raw.count == known.count else { return edited }
        return edited.enumerated().map { index, element in
            index < raw.count ? merge(raw: raw[index], known: known[index], edited: element) : element
        }
    }

    static func indexByName(_ list: [JSONValue]) -> [String: JSONValue]? {
        var index: [String: JSONValue] = [:]
        for element in list {
            guard let name = element["name"]?.stringValue, index[name] == nil else { return nil }
            index[name] = element
        }
        return index
    }
}
