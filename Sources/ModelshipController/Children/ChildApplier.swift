import KubeClient
import ModelshipAPI

/// Makes one child match its desired fields: create when missing, merge-patch only the owned fields
/// when they differ, nothing when they match. Never takes over an object another owner controls.
struct ChildApplier<R: KubeResource> {
    enum Outcome: Equatable {
        case unchanged
        case created
        case updated
        /// An object of that name exists and is not ours.
        case conflict(String)
    }

    let api: Api<R>
    let ownerUID: String

    func ensure(_ desired: JSONValue, live: R?) async throws -> (object: R?, outcome: Outcome) {
        let name = desired[path: ["metadata", "name"]]?.stringValue ?? ""
        var current: R
        if let live {
            current = live
        } else if let created = try await create(desired) {
            return (created, .created)
        } else {
            current = try await api.get(name)  // the cache had not seen it yet
        }
        guard current.metadata.controllerReference?.uid == ownerUID else {
            let kind = R.resourceType.kind
            return (current, .conflict("\(kind) \(name) exists and is not controlled by this ModelDeployment"))
        }
        // Cached objects carry no raw JSON; their typed fields hold every field the operator writes (it builds
        // them from the same types), so the typed encoding answers "already as desired?" alike.
        let liveJSON = try current.raw ?? JSONValue(encoding: current)
        if JSONSubset.contains(liveJSON, desired) { return (current, .unchanged) }
        current = try await api.patch(name, .merge(desired))
        return (current, .updated)
    }

    /// Creates the child from its JSON as built; nil when it already exists.
    private func create(_ desired: JSONValue) async throws(KubeError) -> R? {
        do {
            return try await api.create(json: desired)
        } catch {
            guard error.isAlreadyExists else { throw error }
            return nil
        }
    }

    /// Deletes the child if it exists and is ours; true when a delete was sent.
    func remove(_ live: R?) async throws -> Bool {
        guard let live, live.metadata.controllerReference?.uid == ownerUID, live.metadata.deletionTimestamp == nil else {
            return false
        }
        do {
            try await api.delete(live.name)
        } catch where error.isNotFound {
            return false
        }
        return true
    }
}
