/// kubelet's count of one probe's results (prober's worker): a verdict is set once the same result came
/// `successThreshold` (successes) or `failureThreshold` (failures) times in a row, and again on every run
/// while the run lasts. Before the first verdict a readiness probe means "not ready", a startup probe "not
/// started", a liveness probe "alive".
struct ProbeTracker: Sendable, Equatable {
    let successThreshold: Int
    let failureThreshold: Int
    private var last: Bool?
    private var run = 0
    /// nil until a threshold was first reached.
    private(set) var verdict: Bool?

    init(successThreshold: Int, failureThreshold: Int) {
        self.successThreshold = max(1, successThreshold)
        self.failureThreshold = max(1, failureThreshold)
    }

    /// Records one probe run; returns the verdict when this run reached a threshold, else nil.
    mutating func record(success: Bool) -> Bool? {
        if last == success {
            run += 1
        } else {
            last = success
            run = 1
        }
        guard run >= (success ? successThreshold : failureThreshold) else { return nil }
        verdict = success
        return success
    }
}
