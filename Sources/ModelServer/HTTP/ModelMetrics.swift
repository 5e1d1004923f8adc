import Prometheus
import Synchronization

/// The server's Prometheus series for one model version. Every series carries `model` and `version`
/// so one PromQL query gives a version's success rate or p99 (see docs/server.md).
public final class ModelMetrics: Sendable {
    static let latencyBuckets: [Duration] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
        .map { Duration.nanoseconds(Int64($0 * 1e9)) }
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    private let registry: PrometheusCollectorRegistry
    private let labels: [(String, String)]
    private let requestCounters = Mutex<[Int: Counter]>([:]) // keyed by code and protocol, no string per request
    private let latencyHistograms = Mutex<[ServingProtocol: DurationHistogram]>([:])
    let inferenceDuration: DurationHistogram
    let batchSize: ValueHistogram
    let queueDepth: Gauge
    let inflight: Gauge
    let ready: Gauge

    public init(registry: PrometheusCollectorRegistry, model: String, version: String) {
        self.registry = registry
        labels = [("model", model), ("version", version)]
        inferenceDuration = registry.makeDurationHistogram(
            descriptor: .init(metricName: "modelship_inference_duration", unitName: "seconds",
                              helpText: "Time ONNX Runtime spent on one (batched) run."),
            labels: labels, buckets: Self.latencyBuckets)
        batchSize = registry.makeValueHistogram(
            descriptor: .init(metricName: "modelship_batch", unitName: "size", helpText: "Rows per run after dynamic batching."),
            labels: labels, buckets: Self.batchBuckets)
        queueDepth = registry.makeGauge(
            descriptor: .init(metricName: "modelship_queue", unitName: "depth", helpText: "Requests waiting for a run."),
            labels: labels)
        inflight = registry.makeGauge(
            descriptor: .init(metricName: "modelship_inflight", unitName: "requests", helpText: "Inference requests being served."),
            labels: labels)
        ready = registry.makeGauge(
            descriptor: .init(metricName: "modelship_model", unitName: "ready", helpText: "1 when the model is loaded and warmed up."),
            labels: labels)
    }

    /// The `protocol` label of the request series.
    public enum ServingProtocol: String, Sendable {
        case v1, v2
    }

    /// Counts a finished request and records its latency.
    func observe(protocol name: ServingProtocol, code: Int, duration: Duration) {
        counter(protocol: name, code: code).increment()
        histogram(protocol: name).record(duration)
    }

    func recordLoad(duration: Duration, platform: String, runtime: String) {
        registry.makeGauge(
            descriptor: .init(metricName: "modelship_model_load_duration", unitName: "seconds",
                              helpText: "Time to fetch, load and warm up the model."),
            labels: labels).set(to: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        registry.makeGauge(
            descriptor: .init(metricName: "modelship_model", unitName: "info",
                              helpText: "Always 1; labels name the served model, its version and runtime."),
            labels: labels + [("platform", platform), ("runtime_version", runtime)]).set(to: 1.0)
    }

    private func counter(protocol name: ServingProtocol, code: Int) -> Counter {
        let key = code << 1 | (name == .v1 ? 0 : 1)
        return requestCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: .init(metricName: "modelship_requests", unitName: "total",
                                  helpText: "Inference requests by protocol and HTTP status code."),
                labels: labels + [("protocol", name.rawValue), ("code", String(code))])
            counters[key] = counter
            return counter
        }
    }

    private func histogram(protocol name: ServingProtocol) -> DurationHistogram {
        latencyHistograms.withLock { histograms in
            if let histogram = histograms[name] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: .init(metricName: "modelship_request_duration", unitName: "seconds",
                                  helpText: "Inference request latency from the first byte read to the response."),
                labels: labels + [("protocol", name.rawValue)], buckets: Self.latencyBuckets)
            histograms[name] = histogram
            return histogram
        }
    }
}
