import KubeClient

/// Which updates of a controller's primary kind are worth a reconcile.
public enum PrimaryUpdates: Sendable {
    /// Every update, status-only ones included.
    case all
    /// Only updates that change what a reconcile acts on: the generation (which the API server moves with every
    /// spec change of a kind with a status subresource), labels, annotations, finalizers, owners or the deletion
    /// timestamp; controller-runtime's GenerationChanged, LabelChanged and AnnotationChanged predicates together.
    /// A status-only update, most often the controller's own status write, then costs no second reconcile; a
    /// status someone else edited is corrected by the next child event or resync.
    case specOrMetadataChanged

    func skipsUpdate<R: KubeResource>(of type: R.Type) -> (@Sendable (_ old: R, _ new: R) -> Bool)? {
        switch self {
        case .all: nil
        case .specOrMetadataChanged: { old, new in !Self.mattersToReconcile(old.metadata, new.metadata) }
        }
    }

    /// True when something beyond status changed between the two.
    static func mattersToReconcile(_ old: ObjectMeta, _ new: ObjectMeta) -> Bool {
        old.generation != new.generation || old.labels != new.labels || old.annotations != new.annotations
            || old.finalizers != new.finalizers || old.ownerReferences != new.ownerReferences
            || old.deletionTimestamp != new.deletionTimestamp || new.generation == nil
    }
}
