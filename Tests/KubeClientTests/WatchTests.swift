import Foundation
import KubeClient
import KubeTestServer
import Testing

/// Reads events until `count` have arrived (bookmarks skipped unless asked for).
func collect<R>(_ stream: AsyncThrowingStream<WatchEvent<R>, any Error>, count: Int, bookmarks: Bool = false) async throws
    -> [WatchEvent<R>]
{
    var events: [WatchEvent<R>] = []
    for try await event in stream {
        if case .bookmark = event, !bookmarks { continue }
        events.append(event)
        if events.count == count { break }
    }
    return events
}

func describe<R>(_ event: WatchEvent<R>) -> String {
    switch event {
    case .added(let object): "ADDED \(object.name)"
    case .modified(let object): "MODIFIED \(object.name)"
    case .deleted(let object): "DELETED \(object.name)"
    case .bookmark: "BOOKMARK"
    }
}

@Suite struct WatchTests {
    @Test func watchFromAListResourceVersionSeesLaterChangesInOrder() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            _ = try await maps.create(configMap("before"))
            let list = try await maps.list()
            let stream = try await maps.watch(.init(resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 30))
            _ = try await maps.create(configMap("a"))
            _ = try await maps.patch("a", .merge(["data": ["k": "v"]]))
            try await maps.delete("a")
            let events = try await collect(stream, count: 3)
            #expect(events.map(describe) == ["ADDED a", "MODIFIED a", "DELETED a"])
        }
    }

    @Test func watchWithoutResourceVersionStartsWithExistingObjects() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            _ = try await maps.create(configMap("one", labels: ["w": "yes"]))
            _ = try await maps.create(configMap("two", labels: ["w": "no"]))
            let stream = try await maps.watch(.init(labelSelector: try LabelSelector(parsing: "w=yes")))
            _ = try await maps.patch("two", .merge(["metadata": ["labels": ["w": "yes"]]]))
            _ = try await maps.patch("one", .merge(["metadata": ["labels": ["w": "no"]]]))
            let events = try await collect(stream, count: 3)
            // Objects entering and leaving a selector are ADDED and DELETED, as on a real server.
            #expect(events.map(describe) == ["ADDED one", "ADDED two", "DELETED one"])
        }
    }

    @Test func expiredResourceVersionIsGone() async throws {
        var configuration = EmbeddedAPIServer.Configuration()
        configuration.historyCapacity = 3
        try await EmbeddedAPIServer.withRunning(configuration) { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            let start = try await maps.list().metadata.resourceVersion
            for index in 0..<6 { _ = try await maps.create(configMap("m\(index)")) }
            let stream = try await maps.watch(.init(resourceVersion: start))
            await #expect { _ = try await collect(stream, count: 1) } throws: { ($0 as? KubeError)?.isGone == true }
        }
    }

    @Test func bookmarksCarryTheCurrentResourceVersion() async throws {
        var configuration = EmbeddedAPIServer.Configuration()
        configuration.bookmarkInterval = .milliseconds(50)
        try await EmbeddedAPIServer.withRunning(configuration) { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            let created = try await maps.create(configMap("x"))
            let stream = try await maps.watch(.init(resourceVersion: created.metadata.resourceVersion, allowBookmarks: true))
            let events = try await collect(stream, count: 1, bookmarks: true)
            guard case .bookmark(let version) = events.first else {
                Issue.record("expected a bookmark, got \(events.map(describe))")
                return
            }
            #expect(Int(version)! >= Int(created.metadata.resourceVersion!)!)
        }
    }

    @Test func serverSideTimeoutEndsTheStream() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            let version = try await maps.list().metadata.resourceVersion
            let stream = try await maps.watch(.init(resourceVersion: version, timeoutSeconds: 1, allowBookmarks: false))
            var count = 0
            for try await _ in stream { count += 1 }
            #expect(count == 0)
        }
    }
}
