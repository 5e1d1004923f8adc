import KubeClient

/// One entry of `metadata.managedFields`: the fields one manager owns through one kind of operation.
struct ManagedFieldsEntry: Equatable, Sendable {
    enum Operation: String, Sendable { case apply = "Apply", update = "Update" }

    var manager: String
    var operation: Operation
    var apiVersion: String
    var time: String?
    var fields: FieldSet
    var subresource: String?

    /// Update entries are one per manager, apiVersion and subresource; an Apply entry is one per manager and
    /// subresource, whatever apiVersion it was applied with.
    func isSameManager(as other: ManagedFieldsEntry) -> Bool {
        manager == other.manager && operation == other.operation && subresource == other.subresource
            && (operation == .apply || apiVersion == other.apiVersion)
    }

    /// How conflict messages name the manager: `"kubectl"`, `"mgr" using apps/v1`, or
    /// `"mgr" with subresource "status" using v1`.
    var displayName: String {
        var text = "\"\(manager)\""
        if let subresource { text += " with subresource \"\(subresource)\"" }
        if operation == .update { text += " using \(apiVersion)" }
        return text
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "manager": .string(manager), "operation": .string(operation.rawValue), "apiVersion": .string(apiVersion),
            "fieldsType": "FieldsV1", "fieldsV1": fields.fieldsV1,
        ]
        if let time { object["time"] = .string(time) }
        if let subresource { object["subresource"] = .string(subresource) }
        return .object(object)
    }

    init(manager: String, operation: Operation, apiVersion: String, time: String?, fields: FieldSet, subresource: String?) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.fields = fields
        self.subresource = subresource
    }

    /// `stored`: the list comes from the store, which checked it on the way in.
    init(json: JSONValue, stored: Bool = false) throws(APIError) {
        guard let operation = json["operation"]?.stringValue.flatMap(Operation.init(rawValue:)) else {
            throw APIError.badRequest("metadata.managedFields: operation must be Apply or Update")
        }
        if let type = json["fieldsType"]?.stringValue, type != "FieldsV1" {
            throw APIError.badRequest("metadata.managedFields: fieldsType \"\(type)\" is not FieldsV1")
        }
        self.init(manager: json["manager"]?.stringValue ?? "", operation: operation,
                  apiVersion: json["apiVersion"]?.stringValue ?? "", time: json["time"]?.stringValue,
                  fields: stored ? FieldSet(storedFieldsV1: json["fieldsV1"] ?? .object([:]))
                      : try FieldSet(fieldsV1: json["fieldsV1"] ?? .object([:])),
                  subresource: json["subresource"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// Reading, ordering and capping the `managedFields` list.
enum ManagedFieldsList {
    /// Update entries kept before the oldest are merged into an `ancient-changes` entry, as kube-apiserver does.
    static let maxUpdateEntries = 10

    static func decode(_ value: JSONValue?, stored: Bool = false) throws(APIError) -> [ManagedFieldsEntry] {
        guard let value, value != .null else { return [] }
        guard case .array(let list) = value else { throw APIError.badRequest("metadata.managedFields must be a list") }
        var entries: [ManagedFieldsEntry] = []
        for item in list { entries.append(try ManagedFieldsEntry(json: item, stored: stored)) }
        return entries
    }

    /// Writes the list into the object's metadata; an object nobody manages has no list.
    static func store(_ entries: [ManagedFieldsEntry], in object: inout JSONValue) {
        let list = encode(entries)
        object[path: ["metadata", "managedFields"]] = list.arrayValue?.isEmpty == false ? list : nil
    }

    /// Apply before Update, then oldest first, then by manager, apiVersion and subresource.
    static func encode(_ entries: [ManagedFieldsEntry]) -> JSONValue {
        let ordered = capped(entries.filter { !$0.fields.isEmpty }).sorted { a, b in
            if a.operation != b.operation { return a.operation == .apply }
            if (a.time ?? "") != (b.time ?? "") { return (a.time ?? "") < (b.time ?? "") }
            if a.manager != b.manager { return a.manager < b.manager }
            if a.apiVersion != b.apiVersion { return a.apiVersion < b.apiVersion }
            return (a.subresource ?? "") < (b.subresource ?? "")
        }
        return .array(ordered.map(\.json))
    }

    static func capped(_ entries: [ManagedFieldsEntry]) -> [ManagedFieldsEntry] {
        let updates = entries.filter { $0.operation == .update }
        guard updates.count > maxUpdateEntries else { return entries }
        var remaining = updates.count
        var kept: [ManagedFieldsEntry] = []
        var oldestByVersion: [String: Int] = [:]
        for entry in updates.sorted(by: { ($0.time ?? "", $0.manager) < ($1.time ?? "", $1.manager) }) {
            guard remaining > maxUpdateEntries else {
                kept.append(entry)
                continue
            }
            if let index = oldestByVersion[entry.apiVersion] {
                kept[index].manager = "ancient-changes"
                kept[index].subresource = nil
                kept[index].fields = kept[index].fields.union(entry.fields)
                kept[index].time = entry.time
                remaining -= 1
            } else {
                oldestByVersion[entry.apiVersion] = kept.count
                kept.append(entry)
            }
        }
        return entries.filter { $0.operation == .apply } + kept
    }
}
