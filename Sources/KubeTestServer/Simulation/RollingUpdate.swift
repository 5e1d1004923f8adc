/// One step of kube-controller-manager's rolling update (deployment/rolling.go): scale the new ReplicaSet up
/// within maxSurge, then scale old ones down while at least `replicas - maxUnavailable` pods stay available,
/// unhealthy old pods first. Pure: the simulator feeds it counts and applies the replica numbers.
struct RollingUpdate: Equatable {
    struct ReplicaSetCounts: Equatable {
        var replicas: Int
        var available: Int
    }

    let replicas: Int
    let maxSurge: Int
    let maxUnavailable: Int

    /// Resolves the strategy's int-or-percent values: surge rounds up, unavailable down; both 0 means 1 unavailable.
    init(replicas: Int, maxSurge: String?, maxUnavailable: String?) {
        self.replicas = replicas
        let surge = Self.resolve(maxSurge ?? "25%", of: replicas, roundUp: true)
        let unavailable = Self.resolve(maxUnavailable ?? "25%", of: replicas, roundUp: false)
        self.maxSurge = surge
        self.maxUnavailable = surge == 0 && unavailable == 0 ? 1 : unavailable
    }

    static func resolve(_ value: String, of total: Int, roundUp: Bool) -> Int {
        guard value.hasSuffix("%"), let percent = Int(value.dropLast()) else { return max(0, Int(value) ?? 0) }
        let scaled = percent * total
        return roundUp ? (scaled + 99) / 100 : scaled / 100
    }

    /// The replica counts to set: the new ReplicaSet's, and each old one's (same order as given, oldest first).
    func step(new: ReplicaSetCounts, old: [ReplicaSetCounts]) -> (new: Int, old: [Int]) {
        var newReplicas = new.replicas
        let all = new.replicas + old.reduce(0) { $0 + $1.replicas }
        if newReplicas > replicas {
            newReplicas = replicas
        } else if newReplicas < replicas, all < replicas + maxSurge {
            newReplicas += min(replicas + maxSurge - all, replicas - newReplicas)
        }
        var oldReplicas = old.map(\.replicas)
        let minAvailable = replicas - maxUnavailable
        let newUnavailable = max(0, new.replicas - new.available)
        var budget = all - minAvailable - newUnavailable
        // Unhealthy old pods first: removing them costs no availability.
        for index in old.indices where budget > 0 {
            let unhealthy = min(budget, max(0, old[index].replicas - old[index].available))
            oldReplicas[index] -= unhealthy
            budget -= unhealthy
        }
        let available = new.available + old.indices.reduce(0) { $0 + min(old[$1].available, oldReplicas[$1]) }
        var scaleDown = available - minAvailable
        for index in old.indices where scaleDown > 0 {
            let count = min(oldReplicas[index], scaleDown)
            oldReplicas[index] -= count
            scaleDown -= count
        }
        return (newReplicas, oldReplicas)
    }
}
