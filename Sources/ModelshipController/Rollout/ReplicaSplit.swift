/// How many replicas stable and canary get for a weight when the weight is realised by replica counts (no mesh
/// or router: the entry Service spreads requests over every ready pod). The total stays the stable's, so a
/// canary adds no capacity and a weight is as close as whole pods allow; the weight really in effect is
/// `canary / (stable + canary)`, which status shows.
public struct ReplicaSplit: Sendable, Equatable {
    public var stable: Int
    public var canary: Int

    /// - Parameters:
    ///   - total: the stable's replicas outside a rollout (its fixed count, or what its autoscaler runs now).
    ///   - weight: percent of requests for the canary, 0...100.
    ///   - fixedCanary: `spec.rollout.canary.replicas`: the canary's count at any weight above zero.
    public static func of(total: Int, weight: Int, fixedCanary: Int? = nil) -> ReplicaSplit {
        let total = max(1, total)
        guard weight > 0 else { return ReplicaSplit(stable: total, canary: 0) }
        guard weight < 100 else { return ReplicaSplit(stable: 0, canary: fixedCanary ?? total) }
        if let fixedCanary { return ReplicaSplit(stable: total, canary: max(1, fixedCanary)) }
        // At least one pod each: a weight above zero needs a canary pod, one below 100 a stable pod.
        let canary = min(total - 1, max(1, Int((Double(total * weight) / 100).rounded())))
        guard total > 1 else { return ReplicaSplit(stable: 1, canary: 1) }
        return ReplicaSplit(stable: total - canary, canary: canary)
    }

    /// The percentage of requests the canary gets when every pod is ready.
    public var effectiveWeight: Int {
        stable + canary == 0 ? 0 : Int((Double(canary * 100) / Double(stable + canary)).rounded())
    }
}
