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
