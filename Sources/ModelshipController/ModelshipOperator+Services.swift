import KubeRuntime
import ServiceLifecycle

extension ModelshipOperator {
    /// The long-running parts, for a ServiceGroup: the elector, and the controllers (only while leading).
    public var services: [any ServiceLifecycle.Service] {
        guard let elector else { return controllers }
        return [elector] + controllers.map { LeaderOnly($0, elector: elector) }
    }
}
