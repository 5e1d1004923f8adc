import Foundation
import KubeClient
import Synchronization
import Testing

/// A transport that records requests and answers from a script: for what the client sends.
final class ScriptedTransport: HTTPTransport {
    let requests = Mutex<[TransportRequest]>([])
    let answers: Mutex<[TransportResponse]>

    init(_ answers: [TransportResponse]) { self.answers = Mutex(answers) }

    func send(_ request: TransportRequest) async throws(KubeError) -> TransportResponse {
        requests.withLock { $0.append(request) }
        return answers.withLock { $0.isEmpty ? TransportResponse(status: 500, headers: [], body: []) : $0.removeFirst() }
    }

    func stream(_ request: TransportRequest) async throws(KubeError) -> TransportStream {
        throw .transport("not scripted")
    }

    func shutdown() async {}
}

@Suite struct TransportContractTests {
    let object = Array(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default"}}"#.utf8)

    @Test func requestsCarryUserAgentAuthorizationAndContentType() async throws {
        let transport = ScriptedTransport([TransportResponse(status: 201, headers: [], body: object)])
        var configuration = ClientConfiguration(server: URL(string: "https://k8s.example:6443")!,
                                                credentials: StaticTokenCredentials(token: "t0k"))
        configuration.qps = 0
        let client = try KubeClient(configuration: configuration, transport: transport)
        _ = try await Api<ConfigMap>(client: client, namespace: "default").create(ConfigMap(metadata: ObjectMeta(name: "c")))
        let request = try #require(transport.requests.withLock { $0.first })
        let headers = Dictionary(request.headers, uniquingKeysWith: { first, _ in first })
        #expect(headers["User-Agent"] == "modelship/\(ModelshipVersion.current)")
        #expect(headers["Authorization"] == "Bearer t0k")
        #expect(headers["Content-Type"] == "application/json")
        #expect(request.method == "POST")
        #expect(request.url == "https://k8s.example:6443/api/v1/namespaces/default/configmaps")
    }

    @Test func deletePreconditionsAndPropagationAreSent() async throws {
        let status = Array(#"{"kind":"Status","apiVersion":"v1","status":"Success"}"#.utf8)
        let transport = ScriptedTransport([TransportResponse(status: 200, headers: [], body: status)])
        var configuration = ClientConfiguration(server: URL(string: "https://k8s.example")!)
        configuration.qps = 0
        let client = try KubeClient(configuration: configuration, transport: transport)
        let deleted = try await Api<ConfigMap>(client: client, namespace: "default").delete(
            "c", options: DeleteOptions(propagationPolicy: .foreground, preconditions: .init(uid: "u1", resourceVersion: "7")))
        #expect(deleted == nil)
        let body = try JSONValue.decode(try #require(transport.requests.withLock { $0.first?.body }))
        #expect(body["propagationPolicy"] == "Foreground")
        #expect(body[path: ["preconditions", "uid"]] == "u1")
        #expect(body[path: ["preconditions", "resourceVersion"]] == "7")
    }

    @Test func aListWhoseMetadataCannotBeDecodedIsAnError() async throws {
        // resourceVersion must be a string: a list that breaks that is refused, never read as "no version".
        let list = Array(#"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":9},"items":[]}"#.utf8)
        let transport = ScriptedTransport([TransportResponse(status: 200, headers: [], body: list)])
        var configuration = ClientConfiguration(server: URL(string: "https://k8s.example")!)
        configuration.qps = 0
        let client = try KubeClient(configuration: configuration, transport: transport)
        await #expect {
            _ = try await Api<ConfigMap>(client: client, namespace: "default").list()
        } throws: { error in
            guard case KubeError.decoding(let message) = error else { return false }
            return message.contains("ConfigMap list's metadata")
        }
    }

    @Test func labelSelectorsAreEncodedInTheQuery() async throws {
        let list = Array(#"{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[]}"#.utf8)
        let transport = ScriptedTransport([TransportResponse(status: 200, headers: [], body: list)])
        var configuration = ClientConfiguration(server: URL(string: "https://k8s.example")!)
        configuration.qps = 0
        let client = try KubeClient(configuration: configuration, transport: transport)
        _ = try await Api<ConfigMap>(client: client, namespace: "default").list(
            .init(labelSelector: try LabelSelector(parsing: "env in (a,b),tier!=db"), limit: 5))
        let url = try #require(transport.requests.withLock { $0.first?.url })
        let query = try #require(URLComponents(string: url)?.queryItems)
        #expect(query.first { $0.name == "labelSelector" }?.value == "env in (a,b),tier!=db")
        #expect(query.first { $0.name == "limit" }?.value == "5")
    }
}
