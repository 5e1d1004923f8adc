import Foundation
import Testing
@testable import KubeClient

/// The direct coders (`JSONValue(encoding:)`, `JSONValue.decode(as:)`) must give what Foundation's JSON coders give
/// through JSON text; Foundation is the oracle here.
@Suite("JSONValue direct coders")
struct JSONValueCoderTests {
    static let deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"iris-stable","namespace":"ml","uid":"u-1",
        "resourceVersion":"42","generation":3,"labels":{"app.kubernetes.io/name":"iris"},"annotations":{"a":"b"},
        "creationTimestamp":"2026-12-02T10:00:00Z","ownerReferences":[{"apiVersion":"modelship.dev/v1alpha1",
        "kind":"ModelDeployment","name":"iris","uid":"md-1","controller":true,"blockOwnerDeletion":true}]},
        "spec":{"replicas":2,"revisionHistoryLimit":10,"progressDeadlineSeconds":600,
        "selector":{"matchLabels":{"app":"iris"},"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]},
        "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":0}},
        "template":{"metadata":{"labels":{"app":"iris"}},"spec":{"terminationGracePeriodSeconds":30,
        "containers":[{"name":"server","image":"ghcr.io/modelship/server:1","args":["--port","8080"],
        "env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}],
        "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
        "resources":{"limits":{"cpu":"2","memory":"1536Mi"},"requests":{"cpu":"500m","memory":"1Gi"}},
        "readinessProbe":{"httpGet":{"path":"/v2/health/ready","port":"http"},"periodSeconds":5,"failureThreshold":3},
        "volumeMounts":[{"name":"cache","mountPath":"/models","readOnly":true}]}],
        "volumes":[{"name":"cache","emptyDir":{"sizeLimit":"1Gi"}}],"nodeSelector":{"gpu":"true"},
        "tolerations":[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]}}},
        "status":{"observedGeneration":3,"replicas":2,"readyReplicas":1,"updatedReplicas":2,"availableReplicas":1,
        "conditions":[{"type":"Available","status":"False","reason":"MinimumReplicasUnavailable",
        "message":"Deployment does not have minimum availability.","lastUpdateTime":"2026-12-02T10:00:01Z",
        "lastTransitionTime":"2026-12-02T10:00:01Z"}]}}
        """
    static let service = """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"iris","namespace":"ml"},"spec":{"type":"ClusterIP",
        "clusterIP":"10.96.0.10","selector":{"app":"iris"},"ports":[{"name":"http","port":80,"targetPort":"http",
        "protocol":"TCP"},{"name":"grpc","port":9000,"targetPort":9000}]}}
        """
    static let autoscaler = """
        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"iris"},"spec":{
        "scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"iris-stable"},"minReplicas":1,"maxReplicas":5,
        "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]},
        "status":{"currentReplicas":1,"desiredReplicas":1,"currentMetrics":null}}
        """
    static let pod = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"iris-1","namespace":"ml","labels":{"app":"iris"}},
        "spec":{"containers":[{"name":"server","image":"i"}],"restartPolicy":"Always"},"status":{"phase":"Running",
        "podIP":"10.0.0.5","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"server",
        "ready":true,"restartCount":2,"image":"i","imageID":"","state":{"running":{"startedAt":"2026-12-02T10:00:00Z"}},
        "lastState":{"terminated":{"exitCode":137,"reason":"OOMKilled","message":"out of memory"}}}]}}
        """

    func viaFoundation<T: Codable>(_ type: T.Type, _ text: String) throws -> T {
        try KubeJSON.decoder.decode(T.self, from: Data(text.utf8))
    }

    func text(_ value: some Encodable) throws -> String {
        String(decoding: try KubeJSON.encoder.encode(value), as: UTF8.self)
    }

    func expectSameAsFoundation<T: Codable>(_ type: T.Type, _ source: String) throws {
        let json = try JSONValue.decode(Data(source.utf8))
        let direct = try json.decode(as: T.self)
        let foundation = try viaFoundation(T.self, source)
        // Decoding: both typed values write the same JSON text.
        #expect(try text(direct) == text(foundation))
        // Encoding: the direct tree equals Foundation's text parsed.
        #expect(try JSONValue(encoding: foundation) == JSONValue.decode(KubeJSON.encoder.encode(foundation)))
    }

    @Test func kubernetesObjectsDecodeAndEncodeAsWithFoundation() throws {
        try expectSameAsFoundation(Deployment.self, Self.deployment)
        try expectSameAsFoundation(Service.self, Self.service)
        try expectSameAsFoundation(HorizontalPodAutoscaler.self, Self.autoscaler)
        try expectSameAsFoundation(Pod.self, Self.pod)
        // The typed fields hold what they should (a broken decoder could agree with itself on nothing).
        let deployment = try JSONValue.decode(Data(Self.deployment.utf8)).decode(as: Deployment.self)
        #expect(deployment.metadata.ownerReferences?.first?.uid == "md-1")
        #expect(deployment.status?.readyReplicas == 1)
    }

    /// A type that uses every container the coders offer, as hand-written `Codable` code may.
    struct Exotic: Codable, Equatable {
        var float: Float = 0.1
        var small: UInt8 = 200
        var big: UInt64 = 18_000_000_000
        var data = Data([0, 1, 2, 250])
        var url = URL(string: "https://models.example/iris.onnx?x=1")!
        var optionals: [String?] = ["a", nil, "c"]
        var byNumber: [Int: String] = [1: "one", 20: "twenty"]
        var nestedPair = (x: 1, y: "two")
        var tail: [[Int]] = [[1, 2], [], [3]]

        enum Keys: String, CodingKey { case float, small, big, data, url, optionals, byNumber, nested, list }
        enum PairKeys: String, CodingKey { case x, y }

        init() {}
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            float = try container.decode(Float.self, forKey: .float)
            small = try container.decode(UInt8.self, forKey: .small)
            big = try container.decode(UInt64.self, forKey: .big)
            data = try container.decode(Data.self, forKey: .data)
            url = try container.decode(URL.self, forKey: .url)
            optionals = try container.decode([String?].self, forKey: .optionals)
            byNumber = try container.decode([Int: String].self, forKey: .byNumber)
            let pair = try container.nestedContainer(keyedBy: PairKeys.self, forKey: .nested)
            nestedPair = (try pair.decode(Int.self, forKey: .x), try pair.decode(String.self, forKey: .y))
            var list = try container.nestedUnkeyedContainer(forKey: .list)
            tail = []
            while !list.isAtEnd {
                var inner = try list.nestedUnkeyedContainer()
                var row: [Int] = []
                while !inner.isAtEnd { row.append(try inner.decode(Int.self)) }
                tail.append(row)
            }
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(float, forKey: .float)
            try container.encode(small, forKey: .small)
            try container.encode(big, forKey: .big)
            try container.encode(data, forKey: .data)
            try container.encode(url, forKey: .url)
            try container.encode(optionals, forKey: .optionals)
            try container.encode(byNumber, forKey: .byNumber)
            var pair = container.nestedContainer(keyedBy: PairKeys.self, forKey: .nested)
            try pair.encode(nestedPair.x, forKey: .x)
            try pair.encode(nestedPair.y, forKey: .y)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            for row in tail {
                var inner = list.nestedUnkeyedContainer()
                for value in row { try inner.encode(value) }
            }
        }
        static func == (a: Exotic, b: Exotic) -> Bool {
            a.float == b.float && a.small == b.small && a.big == b.big && a.data == b.data && a.url == b.url
                && a.optionals == b.optionals && a.byNumber == b.byNumber && a.nestedPair == b.nestedPair && a.tail == b.tail
        }
    }

    @Test func everyContainerKindMatchesFoundation() throws {
        let value = Exotic()
        let direct = try JSONValue(encoding: value)
        #expect(direct == (try JSONValue.decode(KubeJSON.encoder.encode(value))))
        #expect(direct["float"] == .double(0.1))
        #expect(direct["data"] == .string("AAEC+g=="))
        #expect(try direct.decode(as: Exotic.self) == value)
        #expect(try direct.decode(as: Exotic.self) == KubeJSON.decoder.decode(Exotic.self, from: direct.encoded()))
    }

    @Test func aNestedValueThatWritesNothingIsAnEmptyObject() throws {
        struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }
        struct Holder: Encodable { var nothing = Nothing() }
        #expect(try JSONValue(encoding: Holder()) == ["nothing": .object([:])])
        #expect(String(decoding: try KubeJSON.encoder.encode(Holder()), as: UTF8.self) == #"{"nothing":{}}"#)
        // At the top level both refuse it.
        #expect(throws: EncodingError.self) { try JSONValue(encoding: Nothing()) }
        #expect(throws: EncodingError.self) { try KubeJSON.encoder.encode(Nothing()) }
    }

    @Test func badInputFailsWhereFoundationFails() throws {
        struct Small: Codable { var n: UInt8 }
        struct Flag: Codable { var on: Bool }
        struct Name: Codable { var name: String }
        struct Number: Codable { var value: Double }
        let cases: [(String, (JSONValue) throws -> Void, (Data) throws -> Void)] = [
            (#"{"n":300}"#, { _ = try $0.decode(as: Small.self) }, { _ = try KubeJSON.decoder.decode(Small.self, from: $0) }),
            (#"{"n":2.5}"#, { _ = try $0.decode(as: Small.self) }, { _ = try KubeJSON.decoder.decode(Small.self, from: $0) }),
            (#"{"on":"yes"}"#, { _ = try $0.decode(as: Flag.self) }, { _ = try KubeJSON.decoder.decode(Flag.self, from: $0) }),
            (#"{}"#, { _ = try $0.decode(as: Name.self) }, { _ = try KubeJSON.decoder.decode(Name.self, from: $0) }),
            (#"{"name":null}"#, { _ = try $0.decode(as: Name.self) }, { _ = try KubeJSON.decoder.decode(Name.self, from: $0) }),
            (#"[1]"#, { _ = try $0.decode(as: Name.self) }, { _ = try KubeJSON.decoder.decode(Name.self, from: $0) }),
        ]
        for (text, direct, foundation) in cases {
            #expect(throws: DecodingError.self, "\(text)") { try direct(try JSONValue.decode(Data(text.utf8))) }
            #expect(throws: (any Error).self, "\(text)") { try foundation(Data(text.utf8)) }
        }
        // Integral numbers written as 2.0 are integers to both.
        #expect(try JSONValue.decode(Data(#"{"n":2.0}"#.utf8)).decode(as: Small.self).n == 2)
        #expect(try KubeJSON.decoder.decode(Small.self, from: Data(#"{"n":2.0}"#.utf8)).n == 2)
        // Non-finite numbers cannot be written as JSON.
        #expect(throws: EncodingError.self) { try JSONValue(encoding: Number(value: .nan)) }
        #expect(throws: EncodingError.self) { try KubeJSON.encoder.encode(Number(value: .infinity)) }
    }

    @Test func errorsNameThePathOfTheBadValue() throws {
        let json = try JSONValue.decode(Data(#"{"spec":{"replicas":"two"}}"#.utf8))
        do {
            _ = try json.decode(as: Deployment.self)
            Issue.record("decoded a string as replicas")
        } catch let DecodingError.typeMismatch(_, context) {
            #expect(context.codingPath.map(\.stringValue) == ["spec", "replicas"])
        }
    }
}
