import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import Logging
import ModelshipAPI
import ModelshipController
import ServiceLifecycle
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The embedded control plane with Modelship's CRD installed.
struct ControlPlane {
    let server: EmbeddedAPIServer
    let client: KubeClient
    let namespace = "default"

    var modelDeployments: Api<ModelDeployment> { Api(client: client, namespace: namespace) }
    var deployments: Api<Deployment> { Api(client: client, namespace: namespace) }
    var services: Api<KubeService> { Api(client: client, namespace: namespace) }
    var autoscalers: Api<HorizontalPodAutoscaler> { Api(client: client, namespace: namespace) }
    var budgets: Api<PodDisruptionBudget> { Api(client: client, namespace: namespace) }
    var events: Api<CoreEvent> { Api(client: client, namespace: namespace) }

    static func with(_ body: (ControlPlane) async throws -> Void) async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            let crd = try YAMLDocuments.load(path: repositoryRoot.appendingPathComponent("crds/modelship.dev_modeldeployments.yaml").path)[0]
            _ = try await Api<CustomResourceDefinition>(client: client).create(try CustomResourceDefinition.decodeKeepingRaw(crd))
            try await body(ControlPlane(server: server, client: client))
        }
    }

    /// Runs an operator while `body` runs.
    func withOperator(_ options: ModelshipOperator.Options = .unelected, _ body: (ModelshipOperator) async throws -> Void) async throws {
        let running = RunningOperator(client: client, options: options)
        do {
            try await body(running.operator)
        } catch {
            await running.stop()
            throw error
        }
        await running.stop()
    }

    /// Write requests (create, update, patch, delete) seen by the API server since the last reset.
    func writes() -> [String: Int] {
        server.faults.requestCounts().filter { key, _ in
            ["create", "update", "patch", "delete"].contains { key.hasPrefix($0 + " ") }
        }
    }
}

/// An operator running in its own service group.
struct RunningOperator {
    let `operator`: ModelshipOperator
    let group: ServiceGroup
    let task: Task<Void, any Error>

    init(client: KubeClient, options: ModelshipOperator.Options) {
        var logger = Logger(label: "test-operator")
        logger.logLevel = .warning
        let instance = ModelshipOperator(client: client, options: options, logger: logger)
        let group = ServiceGroup(configuration: .init(services: instance.services, logger: logger))
        self.operator = instance
        self.group = group
        self.task = Task { try await group.run() }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

extension ModelshipOperator.Options {
    static var unelected: Self {
        var options = Self()
        options.leaderElection = false
        options.resyncInterval = nil
        return options
    }
}

func modelDeployment(_ name: String, version: String = "1", replicas: Int? = 2) -> ModelDeployment {
    ModelDeployment(metadata: ObjectMeta(name: name),
                    spec: ModelDeploymentSpec(model: ModelSource(uri: "s3://models/\(name)/\(version)/model.onnx", version: version),
                                              scaling: Scaling(replicas: replicas)))
}

extension ModelDeployment {
    var isHealthy: Bool { status?.phase == .healthy && status?.observedGeneration == metadata.generation }
}
