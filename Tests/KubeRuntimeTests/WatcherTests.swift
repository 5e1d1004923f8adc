import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import Testing

@Suite struct WatcherPhaseTests {
    @Test func transitions() {
        let listed = WatcherPhase.needsList.next(after: .listed(resourceVersion: "10"))
        #expect(listed == .watching(from: "10"))
        #expect(listed.next(after: .progressed(resourceVersion: "15")) == .watching(from: "15"))
        #expect(listed.next(after: .streamEnded) == .watching(from: "10"))
        #expect(listed.next(after: .failed) == .watching(from: "10"))
        #expect(listed.next(after: .expired) == .needsList)
        #expect(WatcherPhase.needsList.next(after: .failed) == .needsList)
    }

    @Test func backoffGrowsWithJitterAndCaps() {
        let backoff = ExponentialBackoff(initial: .seconds(1), maximum: .seconds(10), jitter: 0.5)
        #expect(backoff.delay(attempt: 1, random: 0) == .seconds(1))
        #expect(backoff.delay(attempt: 3, random: 0) == .seconds(4))
        #expect(backoff.delay(attempt: 9, random: 0) == .seconds(10))
        #expect(backoff.delay(attempt: 3, random: 1) == .seconds(6))
        #expect(backoff.delay(attempt: 3, random: -1) == .seconds(2))
    }
}

@Suite struct ReflectorTests {
    @Test func storeFollowsTheServerThroughDroppedWatchesAndExpiredVersions() async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            _ = try await maps.create(configMap("a"))
            var watcher = Watcher(api: maps)
            watcher.backoff = ExponentialBackoff(initial: .milliseconds(10), maximum: .milliseconds(50))
            let reflector = Reflector(watcher: watcher)
            let changes = Signal<[String]>()
            let task = Task { await reflector.run { objects in changes.send(objects.map(\.name)) } }
            defer { task.cancel() }

            #expect(await changes.first { $0.contains("a") } != nil)
            #expect(reflector.store.hasSynced)

            // A dropped watch resumes from the last version: nothing is missed.
            server.store.dropAllWatches()
            _ = try await maps.create(configMap("b"))
            #expect(await changes.first { $0 == ["b"] } != nil)

            // Changes made while no watch is open, beyond the history: the resume gets 410 and relists,
            // and the deletion that happened meanwhile is reported as well.
            server.faults.add(.init(verb: "watch", resource: "configmaps", status: 503, times: 3))
            server.store.setHistoryCapacity(1)
            server.store.dropAllWatches()
            try await maps.delete("a")
            for index in 0..<5 { _ = try await maps.create(configMap("c\(index)")) }
            #expect(await changes.first { $0.contains("c4") && $0.contains("a") } != nil)
            #expect(Set(reflector.store.all.map(\.name)) == ["b", "c0", "c1", "c2", "c3", "c4"])
            #expect(reflector.store.get(namespace: "default", name: "a") == nil)
        }
    }

    @Test func indexesFollowOwnersAndLabels() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            let owner = try await maps.create(configMap("owner"))
            var child = configMap("child", labels: ["role": "x"])
            child.metadata.ownerReferences = [OwnerReference.controller(of: owner)]
            _ = try await maps.create(child)
            let reflector = Reflector(watcher: Watcher(api: maps))
            let synced = Signal<Bool>()
            let task = Task { await reflector.run { _ in synced.send(true) } }
            defer { task.cancel() }
            _ = await synced.first { $0 }
            #expect(reflector.store.controlled(by: owner.metadata.uid!).map(\.name) == ["child"])
            #expect(reflector.store.labelled("role", "x").map(\.name) == ["child"])
            #expect(reflector.store.list(namespace: "default").count == 2)
        }
    }
}

func configMap(_ name: String, labels: [String: String] = [:]) -> ConfigMap {
    ConfigMap(metadata: ObjectMeta(name: name, labels: labels.isEmpty ? nil : labels))
}
