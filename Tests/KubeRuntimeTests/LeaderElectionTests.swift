import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import Logging
import ServiceLifecycle
import Testing

/// Runs a service in its own group so a test can stop it gracefully.
struct RunningService {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    init(_ service: any ServiceLifecycle.Service) {
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        self.group = group
        self.task = Task { try await group.run() }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

@Suite struct LeaderElectionTests {
    func elector(_ client: KubeClient, _ identity: String, leaseDuration: Duration = .seconds(30)) -> LeaderElector {
        var configuration = LeaderElector.Configuration(leaseName: "modelship-operator", namespace: "default", identity: identity)
        configuration.leaseDuration = leaseDuration
        configuration.renewDeadline = .seconds(2)
        configuration.retryPeriod = .milliseconds(100)
        return LeaderElector(client: client, configuration: configuration)
    }

    @Test func gracefulHandOverDoesNotWaitForTheLeaseToExpire() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let leases = Api<Lease>(client: client, namespace: "default")
            let a = elector(client, "a")
            let runningA = RunningService(a)
            #expect(await within(.seconds(10)) { try await a.waitForLeadership() } != nil)

            let b = elector(client, "b")
            let runningB = RunningService(b)
            #expect(try await leases.get("modelship-operator").spec.holderIdentity == "a")
            #expect(!b.isLeader)

            await runningA.stop()
            #expect(!a.isLeader)
            // The lease lasts 30 s; B leads long before that because A released it.
            #expect(await within(.seconds(10)) { try await b.waitForLeadership() } != nil)
            let lease = try await leases.get("modelship-operator")
            #expect(lease.spec.holderIdentity == "b")
            #expect(lease.spec.leaseTransitions == 1)
            await runningB.stop()
        }
    }

    @Test func anAbandonedLeaseIsTakenOverAfterItExpires() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let leases = Api<Lease>(client: client, namespace: "default")
            var spec = Lease.Spec()
            spec.holderIdentity = "crashed-instance"
            spec.leaseDurationSeconds = 1
            spec.renewTime = KubeTime.formatMicro(Date())
            spec.leaseTransitions = 3
            _ = try await leases.create(Lease(metadata: ObjectMeta(name: "modelship-operator"), spec: spec))

            let successor = elector(client, "successor")
            let started = ContinuousClock.now
            let running = RunningService(successor)
            #expect(await within(.seconds(10)) { try await successor.waitForLeadership() } != nil)
            // It waited for the lease to go unrenewed for its whole duration, measured locally.
            #expect(started.duration(to: .now) >= .seconds(1))
            let lease = try await leases.get("modelship-operator")
            #expect(lease.spec.holderIdentity == "successor")
            #expect(lease.spec.leaseTransitions == 4)
            await running.stop()
        }
    }

    @Test func failedRenewalsAndReleasesAreLoggedWithTheirCause() async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            let records = RecordingLogHandler.Records()
            var configuration = LeaderElector.Configuration(leaseName: "modelship-operator", namespace: "default", identity: "a")
            configuration.renewDeadline = .seconds(5)
            configuration.retryPeriod = .milliseconds(50)
            let a = LeaderElector(client: client, configuration: configuration,
                                  logger: Logger(label: "test") { _ in RecordingLogHandler(records) })
            let running = RunningService(a)
            #expect(await within(.seconds(10)) { try await a.waitForLeadership() } != nil)

            server.faults.add(.init(verb: "update", resource: "leases", status: 500, times: 3))
            let failures = await records.wait(for: 3, containing: "failed to renew the lease")
            #expect(failures.count == 3)
            #expect(failures.allSatisfy { "\($0.metadata["error"] ?? "")".contains("500") })
            #expect(a.isLeader, "three failures within the renew deadline do not cost the lease")

            server.faults.add(.init(verb: "update", resource: "leases", status: 503))
            await running.stop()
            let release = records.messages(containing: "failed to release the lease")
            #expect(release.count == 1)
            let cause = release.first.map { "\($0.metadata["error"] ?? "")" } ?? ""
            #expect(cause.contains("503"))
        }
    }

    @Test func leaderOnlyServicesStartOnlyWhenLeading() async throws {
        struct Probe: ServiceLifecycle.Service {
            let started: Signal<String>
            let name: String
            func run() async throws {
                started.send(name)
                try? await gracefulShutdown()
            }
        }
        try await EmbeddedAPIServer.withRunning { _, client in
            let started = Signal<String>()
            let a = elector(client, "a")
            let b = elector(client, "b")
            let groupA = ServiceGroup(configuration: .init(services: [a, LeaderOnly(Probe(started: started, name: "a"), elector: a)],
                                                           logger: Logger(label: "a")))
            let taskA = Task { try await groupA.run() }
            #expect(await started.first { _ in true } == "a")
            let groupB = ServiceGroup(configuration: .init(services: [b, LeaderOnly(Probe(started: started, name: "b"), elector: b)],
                                                           logger: Logger(label: "b")))
            let taskB = Task { try await groupB.run() }
            #expect(!b.isLeader)
            await groupA.triggerGracefulShutdown()
            _ = try? await taskA.value
            #expect(await started.first { _ in true } == "b")
            await groupB.triggerGracefulShutdown()
            _ = try? await taskB.value
        }
    }
}
