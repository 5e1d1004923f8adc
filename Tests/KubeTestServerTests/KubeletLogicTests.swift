import Foundation
import KubeClient
@testable import KubeTestServer
import Testing

/// The kubelet's and the Deployment controller's pure rules, table-tested with explicit times.
@Suite struct CrashBackoffTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test func firstRestartIsImmediateThenTenSecondsDoublingToFiveMinutes() {
        var backoff = CrashBackoff()
        var now = start
        #expect(backoff.delay(finishedAt: now, now: now) == 0)
        var windows: [TimeInterval] = []
        for _ in 0..<8 {
            backoff.recordRestart(finishedAt: now, now: now)
            windows.append(backoff.window ?? 0)
            now += 1
        }
        #expect(windows == [10, 20, 40, 80, 160, 300, 300, 300])
    }

    @Test func theWaitCountsFromTheExitAndEndsWithTheWindow() {
        var backoff = CrashBackoff()
        backoff.recordRestart(finishedAt: start, now: start)
        let exit = start + 3
        #expect(backoff.delay(finishedAt: exit, now: exit) == 10)
        #expect(backoff.delay(finishedAt: exit, now: exit + 4) == 6)
        #expect(backoff.delay(finishedAt: exit, now: exit + 10) == 0)
    }

    @Test func tenMinutesOfRunningResetsTheBackoff() {
        var backoff = CrashBackoff()
        backoff.recordRestart(finishedAt: start, now: start)
        backoff.recordRestart(finishedAt: start + 1, now: start + 11)
        #expect(backoff.window == 20)
        let muchLater = start + 11 + 601
        #expect(backoff.delay(finishedAt: muchLater, now: muchLater) == 0)
        backoff.recordRestart(finishedAt: muchLater, now: muchLater)
        #expect(backoff.window == 10)
    }
}

@Suite struct ProbeTrackerTests {
    @Test(arguments: [
        // (success threshold, failure threshold, results, verdicts after each result)
        (1, 3, [true, false, false, false, true], [true, nil, nil, false, true]),
        (2, 1, [true, true, false, true, true], [nil, true, false, nil, true]),
        (1, 2, [false, true, false, false, false], [nil, true, nil, false, false]),
    ])
    func verdictsComeAfterThresholdsInARow(success: Int, failure: Int, results: [Bool], verdicts: [Bool?]) {
        var tracker = ProbeTracker(successThreshold: success, failureThreshold: failure)
        #expect(tracker.verdict == nil)
        #expect(results.map { tracker.record(success: $0) } == verdicts)
    }
}

@Suite struct RollingUpdateTests {
    @Test func percentagesRoundAsUpstream() {
        let rolling = RollingUpdate(replicas: 3, maxSurge: "25%", maxUnavailable: "25%")
        #expect(rolling.maxSurge == 1 && rolling.maxUnavailable == 0)
        let zero = RollingUpdate(replicas: 3, maxSurge: "0", maxUnavailable: "0%")
        #expect(zero.maxSurge == 0 && zero.maxUnavailable == 1)
    }

    @Test func aRolloutSurgesThenRetiresOldPodsAsNewOnesBecomeAvailable() {
        let rolling = RollingUpdate(replicas: 3, maxSurge: "1", maxUnavailable: "0")
        // Start: the new ReplicaSet may add one pod; nothing old may go while it is not available.
        var step = rolling.step(new: .init(replicas: 0, available: 0), old: [.init(replicas: 3, available: 3)])
        #expect(step.new == 1 && step.old == [3])
        // The new pod became available: one old pod goes; the new ReplicaSet waits for room.
        step = rolling.step(new: .init(replicas: 1, available: 1), old: [.init(replicas: 3, available: 3)])
        #expect(step.new == 1 && step.old == [2])
        step = rolling.step(new: .init(replicas: 1, available: 1), old: [.init(replicas: 2, available: 2)])
        #expect(step.new == 2 && step.old == [2])
    }

    @Test func unhealthyOldPodsGoFirstAndFreely() {
        let rolling = RollingUpdate(replicas: 2, maxSurge: "0", maxUnavailable: "1")
        let step = rolling.step(new: .init(replicas: 0, available: 0), old: [.init(replicas: 2, available: 0)])
        #expect(step.old == [1])
        let oldest = rolling.step(new: .init(replicas: 2, available: 2), old: [.init(replicas: 1, available: 1), .init(replicas: 1, available: 1)])
        #expect(oldest.old == [0, 0])
    }
}

@Suite struct ProgressCheckTests {
    let now = Date(timeIntervalSince1970: 2_000_000)

    func deployment(counts: (Int, Int, Int), progressedAt: Date, reason: String = "ReplicaSetUpdated") -> JSONValue {
        ["metadata": ["generation": 2], "spec": ["progressDeadlineSeconds": 60],
         "status": ["observedGeneration": 2, "replicas": .int(Int64(counts.0)), "updatedReplicas": .int(Int64(counts.1)),
                    "readyReplicas": .int(Int64(counts.2)),
                    "conditions": [["type": "Progressing", "status": "True", "reason": .string(reason),
                                    "lastUpdateTime": .string(KubeTime.format(progressedAt))]]]]
    }

    @Test func aRolloutWithoutProgressStallsAtItsDeadline() {
        let waiting = ProgressCheck(deployment(counts: (2, 1, 1), progressedAt: now - 20), replicas: 2, total: 2, updated: 1, ready: 1, now: now)
        #expect(!waiting.stalled && !waiting.progressed && waiting.recheck == .milliseconds(40_010))
        let late = ProgressCheck(deployment(counts: (2, 1, 1), progressedAt: now - 61), replicas: 2, total: 2, updated: 1, ready: 1, now: now)
        #expect(late.stalled && late.recheck == nil)
    }

    @Test func progressMovesTheClockAndCompletionEndsIt() {
        let moved = ProgressCheck(deployment(counts: (2, 1, 1), progressedAt: now - 61), replicas: 2, total: 2, updated: 2, ready: 1, now: now)
        #expect(moved.progressed && !moved.stalled && moved.recheck == .seconds(60))
        let done = ProgressCheck(deployment(counts: (2, 2, 2), progressedAt: now - 61), replicas: 2, total: 2, updated: 2, ready: 2, now: now)
        #expect(!done.stalled && done.recheck == nil)
        let stuck = ProgressCheck(deployment(counts: (2, 1, 1), progressedAt: now, reason: "ProgressDeadlineExceeded"),
                                  replicas: 2, total: 2, updated: 1, ready: 1, now: now)
        #expect(stuck.stalled)
    }
}

@Suite struct PodSetupTests {
    @Test func mountPathsMapToTheSandboxLongestFirst() {
        let mapper = PathMapper(["/var/cache/modelship": "/pods/p/volumes/cache", "/var": "/pods/p/volumes/var", "/dev/termination-log": "/pods/p/tl"])
        #expect(mapper.map("/var/cache/modelship") == "/pods/p/volumes/cache")
        #expect(mapper.map("/var/cache/modelship/model.onnx") == "/pods/p/volumes/cache/model.onnx")
        #expect(mapper.map("/var/log") == "/pods/p/volumes/var/log")
        #expect(mapper.map("--cache=/var/cache/modelship") == "--cache=/pods/p/volumes/cache")
        #expect(mapper.map("file:///var/cache/modelship/m.onnx") == "file:///pods/p/volumes/cache/m.onnx")
        #expect(mapper.map("/variable") == "/variable")
        #expect(mapper.map("s3://bucket/var/cache") == "s3://bucket/var/cache")
        #expect(mapper.hostPath("/dev/termination-log") == "/pods/p/tl")
    }

    @Test func imagesMatchByReferenceThenRepository() throws {
        let map = try ImageMap.parse(run: ["ghcr.io/m/server=/bin/server", "registry:5000/tool:2=/bin/tool2"],
                                     environment: ["ghcr.io/m/server=HOST=$(POD_IP)"])
        #expect(map.image(for: "ghcr.io/m/server:0.1.0")?.executable == "/bin/server")
        #expect(map.image(for: "ghcr.io/m/server@sha256:abc")?.environment == ["HOST": "$(POD_IP)"])
        #expect(map.image(for: "registry:5000/tool:2")?.executable == "/bin/tool2")
        #expect(map.image(for: "registry:5000/tool:3") == nil)
        #expect(throws: ImageMap.ParseError.self) { try ImageMap.parse(run: ["no-executable"]) }
        #expect(throws: ImageMap.ParseError.self) { try ImageMap.parse(run: [], environment: ["unmapped=A=B"]) }
    }

    @Test func environmentFollowsKubeletOrderAndExpansion() throws {
        let pod: JSONValue = ["metadata": ["name": "p", "namespace": "ns", "uid": "u", "labels": ["tier": "gold"]]]
        let configMap: JSONValue = ["data": ["A": "from-config", "B": "b"]]
        let secret: JSONValue = ["data": ["TOKEN": .string(Data("s3cret".utf8).base64EncodedString())]]
        let lookup: ObjectLookup = { plural, _, name in
            switch (plural, name) {
            case ("configmaps", "settings"): configMap
            case ("secrets", "creds"): secret
            default: nil
            }
        }
        let container: JSONValue = [
            "envFrom": [["configMapRef": ["name": "settings"]], ["secretRef": ["name": "creds"], "prefix": "S_"]],
            "env": [
                ["name": "A", "value": "override-$(B)"],
                ["name": "IP", "valueFrom": ["fieldRef": ["fieldPath": "status.podIP"]]],
                ["name": "TIER", "valueFrom": ["fieldRef": ["fieldPath": "metadata.labels['tier']"]]],
                ["name": "LITERAL", "value": "$$(B) $(UNKNOWN)"],
            ],
        ]
        let environment = try ContainerEnvironment(pod: pod, podIP: "127.1.0.9", lookup: lookup)
            .resolve(container, image: ["HOST": "$(POD_IP)", "A": "image"])
        #expect(environment == ["HOST": "127.1.0.9", "A": "override-b", "B": "b", "S_TOKEN": "s3cret", "IP": "127.1.0.9",
                                "TIER": "gold", "LITERAL": "$(B) $(UNKNOWN)"])
        let missing: JSONValue = ["env": [["name": "X", "valueFrom": ["secretKeyRef": ["name": "creds", "key": "nope"]]]]]
        #expect(throws: PodSetupError.config("couldn't find key nope in Secret ns/creds")) {
            try ContainerEnvironment(pod: pod, podIP: "127.1.0.9", lookup: lookup).resolve(missing, image: [:])
        }
    }

    @Test func podQoSClasses() {
        func pod(_ resources: JSONValue?) -> JSONValue {
            ["spec": ["containers": [resources.map { ["name": "c", "resources": $0] } ?? ["name": "c"]]]]
        }
        #expect(PodQOS.qosClass(pod(nil)) == "BestEffort")
        #expect(PodQOS.qosClass(pod(["requests": ["cpu": "1"]])) == "Burstable")
        #expect(PodQOS.qosClass(pod(["limits": ["cpu": "1", "memory": "1Gi"]])) == "Guaranteed")
        #expect(PodQOS.qosClass(pod(["limits": ["cpu": "1", "memory": "1Gi"], "requests": ["cpu": "500m"]])) == "Burstable")
    }
}
