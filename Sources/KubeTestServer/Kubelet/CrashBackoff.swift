import Foundation

/// kubelet's restart back-off for one container (client-go's flowcontrol.Backoff as kubelet uses it): the
/// first restart is immediate; each later exit waits 10 s, doubling up to 5 min; a container that ran for
/// more than twice the maximum (10 min) since its last restart starts again from 10 s. Pure: callers pass
/// the times, so tests need no clock.
struct CrashBackoff: Sendable, Equatable {
    static let initial: TimeInterval = 10
    static let maximum: TimeInterval = 300

    /// The current window, nil before the first restart.
    private(set) var window: TimeInterval?
    /// When the container was last restarted.
    private(set) var lastRestart: Date?

    /// How long after `now` a container that exited at `finishedAt` must still wait (0: restart now).
    func delay(finishedAt: Date, now: Date) -> TimeInterval {
        guard let window, let lastRestart, !expired(finishedAt: finishedAt, lastRestart: lastRestart) else { return 0 }
        return max(0, window - now.timeIntervalSince(finishedAt))
    }

    /// Records a restart at `now` of a container that exited at `finishedAt`.
    mutating func recordRestart(finishedAt: Date, now: Date) {
        if let window, let lastRestart, !expired(finishedAt: finishedAt, lastRestart: lastRestart) {
            self.window = min(window * 2, Self.maximum)
        } else {
            window = Self.initial
        }
        lastRestart = now
    }

    private func expired(finishedAt: Date, lastRestart: Date) -> Bool {
        finishedAt.timeIntervalSince(lastRestart) > Self.maximum * 2
    }
}
