import KubeClient

/// Field ownership (`metadata.managedFields`) for every write, and server-side apply, after kube-apiserver's
/// field manager and structured-merge-diff.
struct FieldManager {
    let resource: ServedResource
    let schema: ApplySchema
    /// The entry time for changes made now (RFC 3339, seconds).
    let now: String
    /// "status" or "scale" for writes through a subresource.
    let subresource: String?

    static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

    init(resource: ServedResource, now: String, subresource: String?) {
        self.resource = resource
        self.schema = ApplySchema(node: resource.applySchema)
        self.now = now
        self.subresource = subresource
    }

    // MARK: Update (create, PUT, and the non-apply patches)

    /// Gives `manager` what this write added or changed, takes from every entry what the write changed or
    /// removed, and stores the result in `new`. A request that sets `managedFields` replaces the list
    /// (an empty list clears it); an existing object without the list stays untracked.
    func recordUpdate(old: JSONValue?, new: inout JSONValue, manager: String) throws(APIError) {
        let live = old?[path: ["metadata", "managedFields"]]
        let requested = requestedList(new, live: live)
        let comparison = compare(old ?? zeroObject(), new)
        var entries: [ManagedFieldsEntry]
        switch requested {
        case .clear:
            new[path: ["metadata", "managedFields"]] = nil
            return
        case .replace(let list):
            entries = list
        case .keep:
            if old != nil, (live?.arrayValue ?? []).isEmpty {
                new[path: ["metadata", "managedFields"]] = nil
                return
            }
            if comparison.isEmpty {  // nothing anyone owns changed: the list stays as it is
                new[path: ["metadata", "managedFields"]] = live
                return
            }
            entries = try ManagedFieldsList.decode(live, stored: true)
        }
        if !comparison.isEmpty {
            let changed = comparison.changed
            for index in entries.indices {
                entries[index].fields = entries[index].fields.subtracting(changed).subtracting(comparison.removed)
            }
            let own = ManagedFieldsEntry(manager: manager, operation: .update, apiVersion: resource.apiVersion, time: now,
                                         fields: FieldSet(), subresource: subresource)
            if let index = entries.firstIndex(where: { $0.isSameManager(as: own) }) {
                entries[index].fields = entries[index].fields.union(changed)
                entries[index].time = now
            } else {
                var added = own
                added.fields = changed
                entries.append(added)
            }
        }
        ManagedFieldsList.store(entries, in: &new)
    }

    enum RequestedList {
        case keep, clear
        case replace([ManagedFieldsEntry])
    }

    /// What a write asks of the list: nothing (absent or unchanged), clearing (`[]` or `[{}]`), or a
    /// replacement; a list that does not decode is ignored, as kube-apiserver does. Subresources ignore it.
    func requestedList(_ new: JSONValue, live: JSONValue?) -> RequestedList {
        guard subresource == nil, let requested = new[path: ["metadata", "managedFields"]], requested != .null,
            requested != live
        else { return .keep }
        let list = requested.arrayValue ?? []
        if list.isEmpty || list == [.object([:])] { return .clear }
        guard let entries = try? ManagedFieldsList.decode(requested) else { return .keep }
        return .replace(entries)
    }

    // MARK: Apply

    /// Server-side apply of `config` by `manager` onto `live` (nil: the object is being created). Returns the
    /// object to store, with its `managedFields`; throws 409 with one cause per field another manager owns
    /// with a different value, unless `force` takes those fields over.
    func apply(live: JSONValue?, config: JSONValue, manager: String, force: Bool) throws(APIError) -> JSONValue {
        if let fields = config[path: ["metadata", "managedFields"]], fields != .null {
            throw APIError.badRequest("metadata.managedFields must be nil")
        }
        let base = live ?? zeroObject()
        var entries = try ManagedFieldsList.decode(live?[path: ["metadata", "managedFields"]], stored: true)
        if let live, entries.isEmpty {
            entries = [ManagedFieldsEntry(manager: "before-first-apply", operation: .update, apiVersion: resource.apiVersion,
                                          time: now, fields: owned(FieldSetBuilder.fieldSet(of: live, schema: schema)),
                                          subresource: nil)]
        }
        let applier = ManagedFieldsEntry(manager: manager, operation: .apply, apiVersion: resource.apiVersion, time: now,
                                         fields: owned(FieldSetBuilder.fieldSet(of: config, schema: schema)), subresource: subresource)
        let previous = entries.first { $0.isSameManager(as: applier) }
        var others = entries.filter { !$0.isSameManager(as: applier) }
        let ownedByOthers = others.reduce(FieldSet()) { $0.union($1.fields) }

        var merged = StructuredMerge.merge(base, config, schema: schema) ?? base
        if let previous {
            let released = previous.fields.subtracting(applier.fields).subtracting(ownedByOthers)
            merged = StructuredMerge.remove(released, keeping: ownedByOthers.union(applier.fields), from: merged, schema: schema)
        }
        let comparison = compare(base, merged)
        let changed = comparison.changed
        let conflicts = others.map { ($0, $0.fields.intersection(changed)) }.filter { !$0.1.isEmpty }
        if !conflicts.isEmpty, !force { throw Self.conflictError(conflicts) }
        for index in others.indices {
            others[index].fields = others[index].fields.subtracting(changed).subtracting(comparison.removed)
        }
        var entry = applier
        if comparison.isEmpty, let time = previous?.time { entry.time = time }
        ManagedFieldsList.store(others + [entry], in: &merged)
        if let live, live[path: ["metadata", "annotations", Self.lastAppliedAnnotation]] != nil {
            merged[path: ["metadata", "annotations", Self.lastAppliedAnnotation]] = .string(Self.lastApplied(config))
        }
        return merged
    }

    /// kubectl's last-applied annotation, rewritten on apply when present so that a later client-side apply
    /// diffs against what was applied last.
    static func lastApplied(_ config: JSONValue) -> String {
        var copy = config
        copy[path: ["metadata", "annotations", lastAppliedAnnotation]] = nil
        if copy[path: ["metadata", "annotations"]]?.objectValue?.isEmpty == true { copy[path: ["metadata", "annotations"]] = nil }
        return String(decoding: copy.encoded(), as: UTF8.self)
    }

    static func conflictError(_ conflicts: [(ManagedFieldsEntry, FieldSet)]) -> APIError {
        let sorted = conflicts.map { ($0.0.displayName, $0.1.paths.map(\.pathDescription)) }.sorted { $0.0 < $1.0 }
        let total = sorted.reduce(0) { $0 + $1.1.count }
        var causes: [APIStatus.Cause] = []
        for (name, fields) in sorted {
            for field in fields { causes.append(.init(reason: "FieldManagerConflict", message: "conflict with \(name)", field: field)) }
        }
        var message: String
        if total == 1, let (name, fields) = sorted.first {
            message = "Apply failed with 1 conflict: conflict with \(name): \(fields[0])"
        } else {
            message = "Apply failed with \(total) conflicts: "
            var lines: [String] = []
            for (name, fields) in sorted {
                if fields.count == 1 {
                    lines.append("conflict with \(name): \(fields[0])")
                } else {
                    lines.append("conflicts with \(name):")
                    lines += fields.map { "- \($0)" }
                }
            }
            message += lines.joined(separator: "\n")
        }
        return APIError(code: 409, reason: "Conflict", message: message, details: .init(causes: causes))
    }

    // MARK: Sets

    /// What a change set contains, less the fields no manager owns (identity and server-set metadata) and the
    /// fields the endpoint resets (status on the main resource, everything else on /status).
    func compare(_ old: JSONValue, _ new: JSONValue) -> FieldSetBuilder.Comparison {
        var before = withZeroFields(old)
        var after = withZeroFields(new)
        before[path: ["metadata", "managedFields"]] = nil
        after[path: ["metadata", "managedFields"]] = nil
        var comparison = FieldSetBuilder.compare(before, after, schema: schema)
        comparison.added = owned(comparison.added)
        comparison.modified = owned(comparison.modified)
        comparison.removed = owned(comparison.removed)
        return comparison
    }

    func owned(_ set: FieldSet) -> FieldSet {
        var result = set
        switch subresource {
        case "status":
            result = result.keepingOnly(top: Self.status)
        case nil where resource.hasStatus:
            result = result.removing(top: Self.status)
        default:
            break
        }
        return result.subtracting(Self.unownedFields)
    }

    static let status = PathElement.field("status")

    /// Identity and server-set fields (kube-apiserver's stripmeta): members of no one's set. Only the paths
    /// themselves; what lies below `metadata` (labels, annotations...) stays owned.
    static let unownedFields: FieldSet = {
        var set = FieldSet()
        for path: FieldPath in [[.field("apiVersion")], [.field("kind")], [.field("metadata")]] { set.insert(path) }
        for field in ["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields",
                      "resourceVersion"] {
            set.insert([.field("metadata"), .field(field)])
        }
        return set
    }()

    /// What a create compares against: the kind's empty object.
    func zeroObject() -> JSONValue { withZeroFields(.object([:])) }

    /// Built-in kinds are Go structs whose `metadata`, `spec` and `status` always exist, if only empty: their
    /// appearance is no change and owns nothing. Custom resources are plain JSON.
    func withZeroFields(_ object: JSONValue) -> JSONValue {
        guard resource.definedByCRD == nil else { return object }
        var result = object
        for field in ["metadata", "spec", "status"] where result[field] == nil && schema.declares(field) {
            result[field] = .object([:])
        }
        return result
    }
}
