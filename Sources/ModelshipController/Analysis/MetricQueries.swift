import Foundation

/// The PromQL of the canary analysis's built-in metrics, per model version, over the server's own metrics
/// (`modelship_requests_total`, `modelship_request_duration_seconds`, labelled `model` and `version` by the
/// server and `namespace` by Prometheus's pod discovery), and custom queries with placeholders.
public struct MetricQueries: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var version: String
    /// A PromQL range such as "1m".
    public var interval: String

    public init(namespace: String, name: String, version: String, interval: String) {
        self.namespace = namespace
        self.name = name
        self.version = version
        self.interval = interval
    }

    var selector: String {
        #"namespace="\#(Self.escaped(namespace))", model="\#(Self.escaped(name))", version="\#(Self.escaped(version))""#
    }

    /// Requests answered in the window: fewer than `minSamples` makes every metric inconclusive.
    public var samples: String { "sum(increase(modelship_requests_total{\(selector)}[\(interval)]))" }

    /// The share of requests that did not fail on the server side (4xx are the caller's).
    public var successRate: String {
        "sum(rate(modelship_requests_total{\(selector), code!~\"5..\"}[\(interval)])) / sum(rate(modelship_requests_total{\(selector)}[\(interval)]))"
    }

    /// The share of requests that failed on the server side.
    public var errorRate: String {
        "sum(rate(modelship_requests_total{\(selector), code=~\"5..\"}[\(interval)])) / sum(rate(modelship_requests_total{\(selector)}[\(interval)]))"
    }

    /// The 99th percentile of request latency, in seconds.
    public var latencyP99: String {
        "histogram_quantile(0.99, sum by (le) (rate(modelship_request_duration_seconds_bucket{\(selector)}[\(interval)])))"
    }

    /// A user's query with `{{namespace}}`, `{{name}}`, `{{version}}` and `{{interval}}` filled in.
    public func custom(_ template: String) -> String {
        [("{{namespace}}", Self.escaped(namespace)), ("{{name}}", Self.escaped(name)), ("{{version}}", Self.escaped(version)),
         ("{{interval}}", interval)]
            .reduce(template) { query, placeholder in query.replacingOccurrences(of: placeholder.0, with: placeholder.1) }
    }

    /// A value inside a PromQL double-quoted string.
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
