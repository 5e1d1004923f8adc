/// `core/v1.PodTemplateSpec`.
public struct PodTemplateSpec: Codable, Sendable, Hashable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec?
    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// `core/v1.PodSpec`: the fields Modelship sets or reads; unknown fields survive through `raw`.
public struct PodSpec: Codable, Sendable, Hashable {
    public var containers: [Container] = []
    public var initContainers: [Container]?
    public var volumes: [Volume]?
    public var nodeSelector: [String: String]?
    public var tolerations: [Toleration]?
    public var affinity: JSONValue?
    public var serviceAccountName: String?
    public var automountServiceAccountToken: Bool?
    public var securityContext: PodSecurityContext?
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var imagePullSecrets: [LocalObjectReference]?
    public var priorityClassName: String?
    public var nodeName: String?
    public var dnsPolicy: String?
    public var schedulerName: String?
    public init(containers: [Container] = []) { self.containers = containers }
}

public struct LocalObjectReference: Codable, Sendable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}

public struct Container: Codable, Sendable, Hashable {
    public var name: String
    public var image: String?
    public var imagePullPolicy: String?
    public var command: [String]?
    public var args: [String]?
    public var env: [EnvVar]?
    public var envFrom: [JSONValue]?
    public var ports: [ContainerPort]?
    public var resources: ResourceRequirements?
    public var volumeMounts: [VolumeMount]?
    public var readinessProbe: Probe?
    public var livenessProbe: Probe?
    public var startupProbe: Probe?
    public var securityContext: SecurityContext?
    public var workingDir: String?
    public var terminationMessagePath: String?
    public var terminationMessagePolicy: String?
    public init(name: String, image: String? = nil) {
        self.name = name
        self.image = image
    }
}

public struct EnvVar: Codable, Sendable, Hashable {
    public var name: String
    public var value: String?
    public var valueFrom: JSONValue?
    public init(name: String, value: String? = nil, valueFrom: JSONValue? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

public struct ContainerPort: Codable, Sendable, Hashable {
    public var name: String?
    public var containerPort: Int
    public var `protocol`: String?
    public init(name: String? = nil, containerPort: Int, protocol: String? = nil) {
        self.name = name
        self.containerPort = containerPort
        self.protocol = `protocol`
    }
}

/// Compute resources; quantities as Kubernetes writes them ("500m", "1Gi", 2).
public struct ResourceRequirements: Codable, Sendable, Hashable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?
    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }
}

public struct VolumeMount: Codable, Sendable, Hashable {
    public var name: String
    public var mountPath: String
    public var readOnly: Bool?
    public var subPath: String?
    public init(name: String, mountPath: String, readOnly: Bool? = nil, subPath: String? = nil) {
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
        self.subPath = subPath
    }
}

public struct Volume: Codable, Sendable, Hashable {
    public var name: String
    public var emptyDir: JSONValue?
    public var configMap: JSONValue?
    public var secret: JSONValue?
    public var persistentVolumeClaim: JSONValue?
    public var projected: JSONValue?
    public init(name: String) { self.name = name }
}

public struct Probe: Codable, Sendable, Hashable {
    public struct HTTPGetAction: Codable, Sendable, Hashable {
        public var path: String?
        public var port: IntOrString
        public var scheme: String?
        public init(path: String? = nil, port: IntOrString, scheme: String? = nil) {
            self.path = path
            self.port = port
            self.scheme = scheme
        }
    }
    public var httpGet: HTTPGetAction?
    public var tcpSocket: JSONValue?
    public var exec: JSONValue?
    public var initialDelaySeconds: Int?
    public var periodSeconds: Int?
    public var timeoutSeconds: Int?
    public var successThreshold: Int?
    public var failureThreshold: Int?
    public init(httpGet: HTTPGetAction? = nil) { self.httpGet = httpGet }
}

public struct SecurityContext: Codable, Sendable, Hashable {
    public struct Capabilities: Codable, Sendable, Hashable {
        public var add: [String]?
        public var drop: [String]?
        public init(add: [String]? = nil, drop: [String]? = nil) {
            self.add = add
            self.drop = drop
        }
    }
    public var runAsNonRoot: Bool?
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var readOnlyRootFilesystem: Bool?
    public var allowPrivilegeEscalation: Bool?
    public var privileged: Bool?
    public var capabilities: Capabilities?
    public var seccompProfile: SeccompProfile?
    public init() {}
}

public struct SeccompProfile: Codable, Sendable, Hashable {
    public var type: String
    public var localhostProfile: String?
    public init(type: String) { self.type = type }
}

public struct PodSecurityContext: Codable, Sendable, Hashable {
    public var runAsNonRoot: Bool?
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var fsGroup: Int64?
    public var seccompProfile: SeccompProfile?
    public init() {}
}

public struct Toleration: Codable, Sendable, Hashable {
    public var key: String?
    public var `operator`: String?
    public var value: String?
    public var effect: String?
    public var tolerationSeconds: Int64?
    public init(key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
    }
}
