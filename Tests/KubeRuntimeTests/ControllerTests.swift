import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Keeps a child ConfigMap `<parent>-child` with the parent's data, owned by the parent.
final class ChildMaker: Reconciler {
    typealias Resource = ConfigMap
    let api: Api<ConfigMap>
    let reconciles: Signal<String>
    let inFlight = Mutex<Set<ObjectRef>>([])
    let overlaps = Mutex(0)
    let failuresLeft = Mutex(0)

    init(api: Api<ConfigMap>, reconciles: Signal<String>) {
        self.api = api
        self.reconciles = reconciles
    }

    func reconcile(_ ref: ObjectRef, context: ReconcileContext<ConfigMap>) async throws -> ReconcileAction {
        let entered = inFlight.withLock { $0.insert(ref).inserted }
        if !entered { overlaps.withLock { $0 += 1 } }
        defer {
            inFlight.withLock { _ = $0.remove(ref) }
            reconciles.send(ref.name)
        }
        guard let parent = context.store.get(ref), parent.metadata.labels?["role"] == "parent" else { return .awaitChange }
        if parent.metadata.labels?["broken"] == "terminal" { throw TerminalError("cannot reconcile \(ref)") }
        if failuresLeft.withLock({ left in defer { left = max(0, left - 1) }; return left > 0 }) {
            throw KubeError.transport("injected failure")
        }
        let childName = "\(ref.name)-child"
        if let child = context.cache(ConfigMap.self)?.get(namespace: ref.namespace, name: childName), child.data == parent.data {
            return .awaitChange
        }
        var child = ConfigMap(metadata: ObjectMeta(name: childName, namespace: ref.namespace), data: parent.data)
        child.metadata.ownerReferences = [OwnerReference.controller(of: parent)]
        if try await api.getIfPresent(childName) == nil {
            _ = try await api.create(child)
        } else {
            _ = try await api.patch(childName, .merge(["data": try JSONValue(encoding: parent.data ?? [:])]))
        }
        return .awaitChange
    }
}

@Suite struct ControllerTests {
    func run(_ body: (Api<ConfigMap>, ChildMaker, EmbeddedAPIServer) async throws -> Void) async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            let reconciler = ChildMaker(api: maps, reconciles: Signal())
            var configuration = Controller<ConfigMap, ContinuousClock>.Configuration(name: "child-maker")
            configuration.backoff = .init(base: .milliseconds(10), cap: .milliseconds(100))
            configuration.concurrency = 3
            let controller = Controller(for: maps, reconciler: reconciler, configuration: configuration, clock: ContinuousClock())
                .owns(maps)
            let group = ServiceGroup(configuration: .init(services: [controller], logger: .init(label: "test")))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await body(maps, reconciler, server)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test func createsRepairsAndUpdatesOwnedChildren() async throws {
        try await run { maps, reconciler, _ in
            _ = try await maps.create(ConfigMap(metadata: ObjectMeta(name: "p", labels: ["role": "parent"]), data: ["v": "1"]))
            try await awaitObject(maps, "p-child") { $0?.data == ["v": "1"] }

            // Someone deletes the child: the owner's controller reference brings the parent back to the queue.
            try await maps.delete("p-child")
            let repaired = try await awaitObject(maps, "p-child") { $0 != nil }
            #expect(repaired?.metadata.controllerReference?.name == "p")

            _ = try await maps.patch("p", .merge(["data": ["v": "2"]]))
            try await awaitObject(maps, "p-child") { $0?.data == ["v": "2"] }
            #expect(reconciler.overlaps.withLock { $0 } == 0)
        }
    }

    @Test func failuresAreRetriedAndTerminalErrorsAreNot() async throws {
        try await run { maps, reconciler, _ in
            reconciler.failuresLeft.withLock { $0 = 3 }
            _ = try await maps.create(ConfigMap(metadata: ObjectMeta(name: "flaky", labels: ["role": "parent"]), data: ["v": "1"]))
            try await awaitObject(maps, "flaky-child") { $0 != nil }
            #expect(reconciler.failuresLeft.withLock { $0 } == 0)

            _ = try await maps.create(ConfigMap(metadata: ObjectMeta(name: "doomed", labels: ["role": "parent", "broken": "terminal"])))
            #expect(await reconciler.reconciles.first { $0 == "doomed" } != nil)
            // A later, unrelated change proves the queue moved on without retrying "doomed".
            _ = try await maps.create(ConfigMap(metadata: ObjectMeta(name: "marker", labels: ["role": "parent"])))
            #expect(await reconciler.reconciles.first { $0 == "marker" || $0 == "doomed" } == "marker")
        }
    }

    @Test func deletingTheParentCollectsTheChild() async throws {
        try await run { maps, _, _ in
            _ = try await maps.create(ConfigMap(metadata: ObjectMeta(name: "gone", labels: ["role": "parent"])))
            try await awaitObject(maps, "gone-child") { $0 != nil }
            try await maps.delete("gone")
            try await awaitObject(maps, "gone-child") { $0 == nil }
        }
    }
}

/// Records, per reconcile, which routes of each dynamic kind its caches hold for the parent.
final class RouteCounter: Reconciler {
    typealias Resource = ConfigMap
    let kinds: [ResourceType]
    let seen: Signal<[String]>
    init(kinds: [ResourceType], seen: Signal<[String]>) {
        self.kinds = kinds
        self.seen = seen
    }

    func reconcile(_ ref: ObjectRef, context: ReconcileContext<ConfigMap>) async throws -> ReconcileAction {
        seen.send(kinds.map { kind in (context.cache(of: kind)?.all.map(\.name).sorted() ?? ["no cache"]).joined(separator: ",") })
        return .awaitChange
    }
}

@Suite struct DynamicCacheTests {
    /// Two kinds read as DynamicObject (as an HTTPRoute and a VirtualService will be) get a cache each.
    @Test func twoDynamicKindsOwnedByOneControllerHaveSeparateCaches() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let crds = Api<CustomResourceDefinition>(client: client)
            let kinds = [("gateway.example.com", "HTTPRoute", "httproutes"), ("mesh.example.com", "VirtualService", "virtualservices")]
            var types: [ResourceType] = []
            for (group, kind, plural) in kinds {
                _ = try await crds.create(CustomResourceDefinition(
                    metadata: ObjectMeta(name: "\(plural).\(group)"),
                    spec: .init(group: group, names: .init(plural: plural, kind: kind), scope: "Namespaced", versions: [.init(name: "v1")])))
                types.append(ResourceType(group: group, version: "v1", kind: kind, plural: plural, namespaced: true))
            }
            let maps = Api<ConfigMap>(client: client, namespace: "default")
            let parent = try await maps.create(ConfigMap(metadata: ObjectMeta(name: "parent")))
            for (type, name) in zip(types, ["route-a", "service-b"]) {
                var object = DynamicObject(["apiVersion": .string(type.apiVersion), "kind": .string(type.kind), "metadata": ["name": .string(name)]])
                object.metadata.ownerReferences = [OwnerReference.controller(of: parent)]
                _ = try await Api<DynamicObject>(client: client, dynamic: type, namespace: "default").create(object)
            }
            let seen = Signal<[String]>()
            let controller = Controller(for: maps, reconciler: RouteCounter(kinds: types, seen: seen),
                                        configuration: .init(name: "routes"), clock: ContinuousClock())
            for type in types { controller.owns(Api<DynamicObject>(client: client, dynamic: type, namespace: "default")) }
            let group = ServiceGroup(configuration: .init(services: [controller], logger: Logger(label: "test")))
            let task = Task { try await group.run() }
            let first = await seen.first { _ in true }
            #expect(first == ["route-a", "service-b"])
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
    }
}
