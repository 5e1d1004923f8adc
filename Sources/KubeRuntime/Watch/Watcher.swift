import KubeClient
import Logging

/// What a watcher reports to its consumer.
public enum WatcherEvent<R: KubeResource>: Sendable {
    /// A complete (re)list: the consumer's view should become exactly this.
    case restarted([R])
    case applied(R)
    case deleted(R)
}

/// The watcher's state machine: list, then watch from the list's resourceVersion, resuming from the
/// last seen version when a watch ends, relisting when that version has expired (410 Gone).
public enum WatcherPhase: Equatable, Sendable {
    case needsList
    case watching(from: String)

    public enum Outcome: Equatable, Sendable {
        case listed(resourceVersion: String)
        case progressed(resourceVersion: String)
        case streamEnded
        case expired
        case failed
    }

    /// The next phase after `outcome`; failures keep the phase (the caller backs off and retries it).
    public func next(after outcome: Outcome) -> WatcherPhase {
        switch (self, outcome) {
        case (_, .listed(let version)): .watching(from: version)
        case (.watching, .progressed(let version)): .watching(from: version)
        case (_, .expired): .needsList
        default: self
        }
    }
}

/// Exponential backoff with jitter between failed list/watch attempts; reset by progress.
public struct ExponentialBackoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var jitter: Double
    public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(30), jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The wait before retry number `attempt` (1-based), within ±jitter of the exponential value.
    public func delay(attempt: Int, random: Double = Double.random(in: -1...1)) -> Duration {
        let base = min(maximum.secondsValue, initial.secondsValue * Double(UInt64(1) << UInt64(min(max(attempt - 1, 0), 30))))
        let seconds = max(0, base * (1 + jitter * random))
        return .nanoseconds(Int64(seconds * 1e9))
    }
}

/// Lists and watches one kind forever (until cancelled), feeding events to `consume`.
public struct Watcher<R: KubeResource>: Sendable {
    public let api: Api<R>
    public var labelSelector: LabelSelector?
    public var backoff = ExponentialBackoff()
    public var timeoutSeconds = 290
    let logger: Logger

    public init(api: Api<R>, labelSelector: LabelSelector? = nil, logger: Logger = Logger(label: "modelship.watcher")) {
        self.api = api
        self.labelSelector = labelSelector
        self.logger = logger
    }

    public func run(_ consume: @Sendable (WatcherEvent<R>) async -> Void) async {
        var phase = WatcherPhase.needsList
        var failures = 0
        while !Task.isCancelled {
            let outcome = await step(phase, consume)
            switch outcome {
            case .failed:
                failures += 1
                let delay = backoff.delay(attempt: failures)
                logger.debug("watch failed; backing off", metadata: ["kind": "\(api.resourceType.kind)", "delay": "\(delay)"])
                do { try await Task.sleep(for: delay) } catch { return }
            case .listed, .progressed:
                failures = 0
            case .streamEnded, .expired:
                break
            }
            phase = phase.next(after: outcome)
        }
    }

    func step(_ phase: WatcherPhase, _ consume: @Sendable (WatcherEvent<R>) async -> Void) async -> WatcherPhase.Outcome {
        switch phase {
        case .needsList:
            do {
                let list = try await api.listAll(.init(labelSelector: labelSelector))
                // Never a silent watch from "0" (any version, replaying everything): a list without one is a failure.
                guard let version = list.metadata.resourceVersion, !version.isEmpty else {
                    logger.warning("list has no resourceVersion; listing again", metadata: ["kind": "\(api.resourceType.kind)"])
                    return .failed
                }
                await consume(.restarted(list.items))
                return .listed(resourceVersion: version)
            } catch {
                logger.warning("list failed", metadata: ["kind": "\(api.resourceType.kind)", "error": "\(error)"])
                return .failed
            }
        case .watching(let version):
            var latest = version
            do {
                let options = WatchOptions(labelSelector: labelSelector, resourceVersion: version, timeoutSeconds: timeoutSeconds)
                for try await event in try await api.watch(options) {
                    switch event {
                    case .added(let object), .modified(let object): await consume(.applied(object))
                    case .deleted(let object): await consume(.deleted(object))
                    case .bookmark: break
                    }
                    if case .bookmark(let bookmarkVersion) = event { latest = bookmarkVersion }
                    else if let objectVersion = event.object?.metadata.resourceVersion { latest = objectVersion }
                }
                return latest == version ? .streamEnded : .progressed(resourceVersion: latest)
            } catch let error as KubeError where error.isGone {
                return .expired
            } catch {
                if Task.isCancelled { return .streamEnded }
                logger.info("watch interrupted", metadata: ["kind": "\(api.resourceType.kind)", "error": "\(error)"])
                return latest == version ? .failed : .progressed(resourceVersion: latest)
            }
        }
    }
}

/// A watcher that keeps a `Store` current and tells `onChange` about every object it touched.
public struct Reflector<R: KubeResource>: Sendable {
    public let watcher: Watcher<R>
    public let store: Store<R>

    public init(watcher: Watcher<R>, store: Store<R> = Store()) {
        self.watcher = watcher
        self.store = store
    }

    /// `skipsUpdate` can leave out updates that matter to nobody (see `PrimaryUpdates`); the store takes them all.
    public func run(skipsUpdate: (@Sendable (_ old: R, _ new: R) -> Bool)? = nil,
                    onChange: @Sendable @escaping ([R]) async -> Void) async {
        let store = self.store
        await watcher.run { event in
            switch event {
            case .restarted(let objects):
                let previous = store.all
                store.replaceAll(objects)
                let current = Set(objects.map(ObjectRef.init))
                // Objects that vanished while we were not watching are reported too.
                await onChange(objects + previous.filter { !current.contains(ObjectRef($0)) })
            case .applied(let object):
                if let previous = store.apply(object), let skipsUpdate, skipsUpdate(previous, object) { return }
                await onChange([object])
            case .deleted(let object):
                store.delete(object)
                await onChange([object])
            }
        }
    }
}
