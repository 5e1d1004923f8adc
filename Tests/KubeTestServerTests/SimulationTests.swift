import Foundation
import KubeClient
import KubeTestServer
import Testing

func webDeployment(_ name: String, replicas: Int, image: String = "nginx:1") -> Deployment {
    var deployment = Deployment(metadata: ObjectMeta(name: name))
    deployment.spec.replicas = replicas
    deployment.spec.selector = LabelSelectorSpec(matchLabels: ["app": name])
    deployment.spec.template = PodTemplateSpec(metadata: ObjectMeta(labels: ["app": name]),
                                               spec: PodSpec(containers: [Container(name: "web", image: image)]))
    return deployment
}

@Suite struct DeploymentSimulationTests {
    @Test func deploymentsRollOutWithReplicaSetsPodsAndStatus() async throws {
        try await EmbeddedAPIServer.withRunning { _, client in
            let deployments = Api<Deployment>(client: client, namespace: "default")
            _ = try await deployments.create(webDeployment("web", replicas: 2))
            let ready = try await deployments.waitUntil("web") { $0?.status?.readyReplicas == 2 }
            #expect(ready?.status?.observedGeneration == 1)
            #expect(ready?.status?.condition("Available")?.status == "True")
            #expect(ready?.status?.condition("Progressing")?.reason == "NewReplicaSetAvailable")
            let pods = try await Api<Pod>(client: client, namespace: "default").list(.init(labelSelector: .init(matching: ["app": "web"])))
            #expect(pods.items.count == 2)
            #expect(pods.items.allSatisfy { $0.status?.phase == "Running" })

            _ = try await deployments.patch("web", .strategic(["spec": ["template": ["spec": ["containers": [["name": "web", "image": "nginx:2"]]]]]]))
            let rolled = try await deployments.waitUntil("web") { $0?.status?.observedGeneration == 2 && $0?.status?.updatedReplicas == 2 }
            #expect(rolled?.status?.readyReplicas == 2)
            let replicaSets = try await Api<ReplicaSet>(client: client, namespace: "default").list().items
            #expect(replicaSets.count == 2)
            #expect(replicaSets.compactMap { $0.spec["replicas"]?.intValue }.sorted() == [0, 2])
            let images = try await Api<Pod>(client: client, namespace: "default").list().items.compactMap { $0.spec.containers.first?.image }
            #expect(images == ["nginx:2", "nginx:2"])
        }
    }

    @Test func aFailedDeploymentReportsWhy() async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            let deployments = Api<Deployment>(client: client, namespace: "default")
            server.simulation.failDeployment(namespace: "default", name: "broken", reason: "ImagePullBackOff")
            _ = try await deployments.create(webDeployment("broken", replicas: 1))
            let stalled = try await deployments.waitUntil("broken") { $0?.status?.condition("Progressing")?.status == "False" }
            #expect(stalled?.status?.condition("Progressing")?.reason == "ProgressDeadlineExceeded")
            #expect(stalled?.status?.readyReplicas == nil)
            let pod = try await Api<Pod>(client: client, namespace: "default").list().items.first
            #expect(pod?.status?.containerStatuses?.first?[path: ["state", "waiting", "reason"]] == "ImagePullBackOff")

            server.simulation.healDeployment(namespace: "default", name: "broken")
            try await deployments.waitUntil("broken") { $0?.status?.readyReplicas == 1 }
        }
    }
}

@Suite struct WorkloadSimulationTests {
    func job(_ name: String) -> Job {
        Job(metadata: ObjectMeta(name: name), spec: JobSpec(template: PodTemplateSpec(spec: {
            var spec = PodSpec(containers: [Container(name: "train", image: "trainer:1")])
            spec.restartPolicy = "Never"
            return spec
        }())))
    }

    @Test func jobsSucceedOrFailAsInstructed() async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            let jobs = Api<Job>(client: client, namespace: "default")
            _ = try await jobs.create(job("ok"))
            let done = try await jobs.waitUntil("ok") { $0?.status?.succeeded == 1 }
            #expect(done?.status?.conditions?.contains { $0.type == "Complete" && $0.status == "True" } == true)

            server.simulation.setJobOutcome(namespace: "default", name: "bad", .fail(message: "CUDA out of memory"))
            _ = try await jobs.create(job("bad"))
            let failed = try await jobs.waitUntil("bad") { $0?.status?.conditions?.contains { $0.type == "Failed" } == true }
            #expect(failed?.status?.conditions?.first { $0.type == "Failed" }?.reason == "BackoffLimitExceeded")
            let pods = try await Api<Pod>(client: client, namespace: "default").list(.init(labelSelector: .init(matching: ["job-name": "bad"])))
            #expect(pods.items.first?.status?.containerStatuses?.first?[path: ["state", "terminated", "message"]] == "CUDA out of memory")
        }
    }

    @Test func cronJobsCanBeTriggeredAndOwnTheirJobs() async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            let cronJobs = Api<CronJob>(client: client, namespace: "default")
            var spec = CronJobSpec(schedule: "0 3 * * 0")
            spec.jobTemplate.spec = job("x").spec
            let cronJob = try await cronJobs.create(CronJob(metadata: ObjectMeta(name: "drift"), spec: spec))
            let name = try server.simulation.triggerCronJob(namespace: "default", name: "drift")
            let created = try await Api<Job>(client: client, namespace: "default").waitUntil(name) { $0?.status?.succeeded == 1 }
            #expect(created?.metadata.controllerReference?.uid == cronJob.metadata.uid)
        }
    }

    @Test func hpaScalesItsTargetWithinBounds() async throws {
        try await EmbeddedAPIServer.withRunning { server, client in
            _ = try await Api<Deployment>(client: client, namespace: "default").create(webDeployment("api", replicas: 2))
            var hpa = HorizontalPodAutoscaler(metadata: ObjectMeta(name: "api"))
            hpa.spec.scaleTargetRef = CrossVersionObjectReference(apiVersion: "apps/v1", kind: "Deployment", name: "api")
            hpa.spec.minReplicas = 2
            hpa.spec.maxReplicas = 4
            _ = try await Api<HorizontalPodAutoscaler>(client: client, namespace: "default").create(hpa)
            server.simulation.setHPADesiredReplicas(namespace: "default", name: "api", 9)
            let scaled = try await Api<Deployment>(client: client, namespace: "default").waitUntil("api") { $0?.status?.readyReplicas == 4 }
            #expect(scaled?.spec.replicas == 4)
            let status = try await Api<HorizontalPodAutoscaler>(client: client, namespace: "default")
                .waitUntil("api") { $0?.status?.currentReplicas == 4 }
            #expect(status?.status?.desiredReplicas == 4)
            #expect(status?.status?.conditions?.first { $0.type == "ScalingLimited" }?.status == "True")
        }
    }
}

@Suite struct CronScheduleTests {
    func date(_ text: String) -> Date { KubeTime.parse(text)! }

    @Test func parsesFieldsAndMatches() throws {
        let schedule = try CronSchedule("*/15 3 * * mon-fri")
        #expect(schedule.matches(date("2026-11-27T03:45:00Z")))  // a Friday
        #expect(!schedule.matches(date("2026-11-28T03:45:00Z")))  // Saturday
        #expect(!schedule.matches(date("2026-11-27T03:46:00Z")))
        #expect(try CronSchedule("@hourly").matches(date("2026-01-01T05:00:00Z")))
    }

    @Test func mostRecentFiringTime() throws {
        let schedule = try CronSchedule("0 * * * *")
        let now = date("2026-11-27T10:37:12Z")
        #expect(schedule.mostRecent(after: date("2026-11-27T09:30:00Z"), now: now) == date("2026-11-27T10:00:00Z"))
        #expect(schedule.mostRecent(after: date("2026-11-27T10:00:00Z"), now: now) == nil)
    }

    @Test func rejectsBadSchedules() {
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule("61 * * * *") }
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule("* * *") }
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule("*/0 * * * *") }
    }
}
