import Foundation
import KubeClient
import ModelshipAPI
import ModelshipController
import Testing

/// Every manifest in examples/ goes through the CRD schema (strict field validation, dry run) and, for
/// ModelDeployments, through the Swift types and the operator's semantic validation: the three cannot drift apart.
@Suite struct ExamplesTests {
    static let files: [URL] = {
        let root = repositoryRoot.appendingPathComponent("examples")
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        let all = (walker?.allObjects as? [URL]) ?? []
        return all.filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    }()

    @Test func thereAreExamplesOfEveryPlace() {
        let names = Set(Self.files.map { $0.deletingLastPathComponent().lastPathComponent })
        #expect(names.isSuperset(of: ["examples", "demo", "embedded"]))
    }

    @Test(arguments: files)
    func anExampleIsAcceptedByTheSchemaAndTheSwiftTypes(file: URL) async throws {
        let documents = try YAMLDocuments.load(path: file.path)
        #expect(!documents.isEmpty)
        try await ControlPlane.with { plane in
            for document in documents {
                let kind = document["kind"]?.stringValue ?? ""
                let resourceType = try #require(Self.resourceType(of: document), "\(file.lastPathComponent): unknown kind \(kind)")
                let api = Api<DynamicObject>(client: plane.client, dynamic: resourceType, namespace: resourceType.namespaced ? plane.namespace : nil)
                _ = try await api.create(DynamicObject(document), options: WriteOptions(dryRun: true, fieldValidation: "Strict"))
                guard kind == "ModelDeployment" else { continue }
                let typed = try ModelDeployment.decodeKeepingRaw(document)
                var encoded = typed
                encoded.raw = nil
                let roundTrip = try JSONValue(encoding: encoded)
                #expect(JSONSubset.contains(roundTrip["spec"], document["spec"] ?? [:]),
                        "\(file.lastPathComponent): the Swift types drop or change a field of \(typed.name)'s spec")
                let problems = SpecValidation.problems(of: typed, defaultImage: "ghcr.io/modelship/modelship-server:test")
                #expect(problems.isEmpty, "\(file.lastPathComponent): \(problems)")
            }
        }
    }

    /// The checks above can fail: a field the schema lacks is refused, and one the Swift types lack is noticed.
    @Test func aDriftedExampleIsCaught() async throws {
        var document = try YAMLDocuments.load(path: repositoryRoot.appendingPathComponent("examples/minimal.yaml").path)[0]
        document[path: ["spec", "model", "checksumm"]] = "typo"
        try await ControlPlane.with { plane in
            let api = Api<DynamicObject>(client: plane.client, dynamic: ModelDeployment.resourceType, namespace: plane.namespace)
            await #expect(throws: KubeError.self) {
                try await api.create(DynamicObject(document), options: WriteOptions(dryRun: true, fieldValidation: "Strict"))
            }
        }
        var typed = try ModelDeployment.decodeKeepingRaw(document)
        typed.raw = nil
        #expect(!JSONSubset.contains(try JSONValue(encoding: typed)["spec"], document["spec"] ?? [:]))
    }

    static func resourceType(of document: JSONValue) -> ResourceType? {
        let known: [ResourceType] = [ModelDeployment.resourceType, Deployment.resourceType, Service.resourceType, ConfigMap.resourceType,
                                     Secret.resourceType, NetworkPolicy.resourceType]
        return known.first { $0.apiVersion == document["apiVersion"]?.stringValue && $0.kind == document["kind"]?.stringValue }
    }
}
