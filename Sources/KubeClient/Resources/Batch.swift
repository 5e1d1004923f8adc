public struct Job: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true)
    public var apiVersion = "batch/v1"
    public var kind = "Job"
    public var metadata = ObjectMeta()
    public var spec = JobSpec()
    public var status: JobStatus?
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init(), spec: JobSpec = .init()) {
        self.metadata = metadata
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
        spec = try c.decode(.spec, default: JobSpec())
        status = try c.decodeIfPresent(JobStatus.self, forKey: .status)
    }
}

public struct JobSpec: Codable, Sendable, Hashable {
    public var template = PodTemplateSpec()
    public var backoffLimit: Int?
    public var activeDeadlineSeconds: Int64?
    public var ttlSecondsAfterFinished: Int?
    public var completions: Int?
    public var parallelism: Int?
    public var suspend: Bool?
    public var selector: LabelSelectorSpec?
    public init(template: PodTemplateSpec = .init()) { self.template = template }
}

public struct JobStatus: Codable, Sendable, Hashable {
    public var active: Int?
    public var succeeded: Int?
    public var failed: Int?
    public var startTime: String?
    public var completionTime: String?
    public var conditions: [WorkloadCondition]?
    public init() {}
}

public struct CronJob: KubeResource, Hashable {
    public static let resourceType = ResourceType(group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true)
    public var apiVersion = "batch/v1"
    public var kind = "CronJob"
    public var metadata = ObjectMeta()
    public var spec = CronJobSpec()
    public var status: CronJobStatus?
    public var raw: JSONValue?
    public init(metadata: ObjectMeta = .init(), spec: CronJobSpec = .init()) {
        self.metadata = metadata
        self.spec = spec
    }

    enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try c.decode(.metadata, default: ObjectMeta())
        spec = try c.decode(.spec, default: CronJobSpec())
        status = try c.decodeIfPresent(CronJobStatus.self, forKey: .status)
    }
}

public struct CronJobSpec: Codable, Sendable, Hashable {
    public struct JobTemplate: Codable, Sendable, Hashable {
        public var metadata: ObjectMeta?
        public var spec = JobSpec()
        public init(spec: JobSpec = .init()) { self.spec = spec }
    }
    public var schedule = ""
    public var timeZone: String?
    public var concurrencyPolicy: String?
    public var suspend: Bool?
    public var successfulJobsHistoryLimit: Int?
    public var failedJobsHistoryLimit: Int?
    public var startingDeadlineSeconds: Int64?
    public var jobTemplate = JobTemplate()
    public init(schedule: String = "", jobTemplate: JobTemplate = .init()) {
        self.schedule = schedule
        self.jobTemplate = jobTemplate
    }
}

public struct CronJobStatus: Codable, Sendable, Hashable {
    public var active: [JSONValue]?
    public var lastScheduleTime: String?
    public var lastSuccessfulTime: String?
    public init() {}
}
