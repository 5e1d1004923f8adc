import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import Testing

@Suite struct EventRecorderTests {
    @Test func repeatsAreFoldedIntoOneEventWithACount() async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            let subject = try await maps.create(configMap("subject"))
            let hotLoop = EventRecorder(client: client, component: "test", aggregationWindow: .seconds(3600))
            server.faults.resetCounts()
            for _ in 0..<200 {
                await hotLoop.record(subject, type: .warning, reason: "Flapping", message: "same thing again")
            }
            #expect(server.faults.requestCounts()["create events"] == 1)
            #expect(server.faults.requestCounts()["patch events"] == nil)

            let eager = EventRecorder(client: client, component: "test", aggregationWindow: .zero)
            for _ in 0..<3 { await eager.record(subject, reason: "Scaled", message: "scaled to 3") }
            let events = try await Api<CoreEvent>(client: client, namespace: "default").list().items
            let scaled = events.filter { $0.reason == "Scaled" }
            #expect(scaled.count == 1)
            #expect(scaled.first?.count == 3)
            #expect(scaled.first?.involvedObject.uid == subject.metadata.uid)
            #expect(events.filter { $0.reason == "Flapping" }.first?.type == "Warning")
        }
    }
}

@Suite struct FinalizerTests {
    @Test func cleanupRunsOnceAndOnlyOurFinalizerIsRemoved() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            var map = configMap("guarded")
            map.metadata.finalizers = ["other.example/keep"]
            let created = try await maps.create(map)
            let ours = "modelship.dev/cleanup"

            var applied = 0
            var cleaned = 0
            let first = try await Finalizers.run(created, finalizer: ours, api: maps,
                                                 apply: { applied += 1; return .awaitChange }, cleanup: { cleaned += 1; return .awaitChange })
            #expect(first == .awaitChange)
            #expect(applied == 0)  // the finalizer goes on first
            let withFinalizer = try await maps.get("guarded")
            #expect(withFinalizer.metadata.finalizers == ["other.example/keep", ours])
            _ = try await Finalizers.run(withFinalizer, finalizer: ours, api: maps,
                                         apply: { applied += 1; return .awaitChange }, cleanup: { cleaned += 1; return .awaitChange })
            #expect(applied == 1)

            try await maps.delete("guarded")
            let deleting = try await maps.get("guarded")
            _ = try await Finalizers.run(deleting, finalizer: ours, api: maps,
                                         apply: { applied += 1; return .awaitChange }, cleanup: { cleaned += 1; return .awaitChange })
            #expect(cleaned == 1)
            #expect(try await maps.get("guarded").metadata.finalizers == ["other.example/keep"])
        }
    }

    @Test func aStaleViewCannotClobberAConcurrentFinalizer() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            var map = configMap("raced")
            map.metadata.finalizers = ["a.example/x"]
            let stale = try await maps.create(map)
            _ = try await maps.patch("raced", .json([.add("/metadata/finalizers/-", "b.example/y")]))
            await #expect(throws: KubeError.self) { try await Finalizers.add("modelship.dev/z", to: stale, api: maps) }
            #expect(try await maps.get("raced").metadata.finalizers == ["a.example/x", "b.example/y"])
        }
    }
}
