import KubeClient
import ModelshipAPI

/// The pod template of a server Deployment: `modelship-server serve` with health probes, a model cache,
/// resources and GPUs, placement, a restricted security context, and Prometheus scrape annotations.
struct PodTemplateBuilder {
    static let port = 8080
    static let cacheDirectory = "/var/cache/modelship"

    let deployment: ModelDeployment
    let names: ChildNames
    let configuration: OperatorConfiguration

    var server: ServerSpec { deployment.spec.server ?? ServerSpec() }

    func template() -> PodTemplateSpec {
        var metadata = ObjectMeta(labels: names.labels().merging(["app.kubernetes.io/version": deployment.spec.model.version]) { a, _ in a })
        metadata.annotations = [
            "prometheus.io/scrape": "true", "prometheus.io/port": String(Self.port), "prometheus.io/path": "/metrics",
            "modelship.dev/model-version": deployment.spec.model.version,
        ]
        var spec = PodSpec(containers: [container()])
        spec.volumes = volumes()
        spec.nodeSelector = deployment.spec.nodePool?.nodeSelector
        spec.tolerations = tolerations()
        spec.affinity = deployment.spec.nodePool?.affinity
        spec.automountServiceAccountToken = false
        spec.terminationGracePeriodSeconds = 30
        var security = PodSecurityContext()
        security.runAsNonRoot = true
        security.runAsUser = 65532
        security.runAsGroup = 65532
        security.fsGroup = 65532
        security.seccompProfile = SeccompProfile(type: "RuntimeDefault")
        spec.securityContext = security
        return PodTemplateSpec(metadata: metadata, spec: spec)
    }

    func container() -> Container {
        var container = Container(name: "server", image: server.image ?? configuration.defaultServerImage)
        container.imagePullPolicy = server.imagePullPolicy
        container.args = ["serve"] + (server.args ?? [])
        container.env = environment()
        if let secret = deployment.spec.model.storageSecretRef {
            container.envFrom = [["secretRef": ["name": .string(secret.name)]]]
        }
        container.ports = [ContainerPort(name: "http", containerPort: Self.port, protocol: "TCP")]
        container.resources = resources()
        container.volumeMounts = [VolumeMount(name: "model-cache", mountPath: Self.cacheDirectory),
                                  VolumeMount(name: "tmp", mountPath: "/tmp")]
        if let claim = pvcClaim {
            container.volumeMounts?.append(VolumeMount(name: "model-volume", mountPath: "/mnt/models/\(claim)", readOnly: true))
        }
        var readiness = Probe(httpGet: .init(path: "/v2/health/ready", port: "http"))
        readiness.periodSeconds = 5
        readiness.failureThreshold = 3
        container.readinessProbe = readiness
        var liveness = Probe(httpGet: .init(path: "/v2/health/live", port: "http"))
        liveness.periodSeconds = 10
        liveness.failureThreshold = 3
        container.livenessProbe = liveness
        // Large models take a while to download and load: allow up to 10 minutes before liveness applies.
        var startup = Probe(httpGet: .init(path: "/v2/health/live", port: "http"))
        startup.periodSeconds = 5
        startup.failureThreshold = 120
        container.startupProbe = startup
        var security = SecurityContext()
        security.runAsNonRoot = true
        security.allowPrivilegeEscalation = false
        security.readOnlyRootFilesystem = true
        security.capabilities = .init(drop: ["ALL"])
        security.seccompProfile = SeccompProfile(type: "RuntimeDefault")
        container.securityContext = security
        return container
    }

    func environment() -> [EnvVar] {
        let model = deployment.spec.model
        var env = [
            EnvVar(name: "MODELSHIP_MODEL_URI", value: localURI ?? model.uri),
            EnvVar(name: "MODELSHIP_MODEL_NAME", value: deployment.metadata.name),
            EnvVar(name: "MODELSHIP_MODEL_VERSION", value: model.version),
            EnvVar(name: "MODELSHIP_PORT", value: String(Self.port)),
            EnvVar(name: "MODELSHIP_CACHE_DIR", value: Self.cacheDirectory),
            EnvVar(name: "MODELSHIP_MAX_BATCH_SIZE", value: String(server.batching?.maxBatchSize ?? 32)),
            EnvVar(name: "MODELSHIP_MAX_BATCH_DELAY", value: server.batching?.maxDelay ?? "5ms"),
            EnvVar(name: "MODELSHIP_DEVICE", value: server.gpu == nil ? "cpu" : "cuda"),
        ]
        if let sha256 = model.sha256 { env.append(EnvVar(name: "MODELSHIP_MODEL_SHA256", value: sha256)) }
        if let threads = server.threads { env.append(EnvVar(name: "MODELSHIP_THREADS", value: String(threads))) }
        return env + (server.env ?? [])
    }

    func resources() -> ResourceRequirements? {
        var resources = server.resources ?? ResourceRequirements()
        if let gpu = server.gpu {
            let name = gpu.resourceName ?? "nvidia.com/gpu"
            resources.limits = (resources.limits ?? [:]).merging([name: Quantity(String(gpu.count))]) { _, new in new }
        }
        return resources.limits == nil && resources.requests == nil ? nil : resources
    }

    /// With GPUs and no toleration for the GPU taint, tolerate it: GPU node pools are usually tainted.
    func tolerations() -> [Toleration]? {
        var tolerations = deployment.spec.nodePool?.tolerations ?? []
        if let gpu = server.gpu {
            let name = gpu.resourceName ?? "nvidia.com/gpu"
            if !tolerations.contains(where: { $0.key == name || ($0.key == nil && $0.operator == "Exists") }) {
                tolerations.append(Toleration(key: name, operator: "Exists", effect: "NoSchedule"))
            }
        }
        return tolerations.isEmpty ? nil : tolerations
    }

    var pvcClaim: String? {
        guard deployment.spec.model.uri.hasPrefix("pvc://") else { return nil }
        return deployment.spec.model.uri.dropFirst("pvc://".count).split(separator: "/").first.map(String.init)
    }

    /// pvc://claim/path becomes a read-only mount and a file:// URI the server reads.
    var localURI: String? {
        guard let claim = pvcClaim else { return nil }
        let path = deployment.spec.model.uri.dropFirst("pvc://\(claim)/".count)
        return "file:///mnt/models/\(claim)/\(path)"
    }

    func volumes() -> [Volume] {
        var cache = Volume(name: "model-cache")
        cache.emptyDir = [:]
        var tmp = Volume(name: "tmp")
        tmp.emptyDir = [:]
        var volumes = [cache, tmp]
        if let claim = pvcClaim {
            var volume = Volume(name: "model-volume")
            volume.persistentVolumeClaim = ["claimName": .string(claim), "readOnly": true]
            volumes.append(volume)
        }
        return volumes
    }
}
