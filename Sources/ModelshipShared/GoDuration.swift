/// Durations as Kubernetes and Prometheus users write them: Go's `time.ParseDuration` without sign or
/// fractions ("30s", "2m", "1h30m", "250ms").
public enum GoDuration {
    static let units: [(String, Duration)] = [("ns", .nanoseconds(1)), ("us", .microseconds(1)), ("µs", .microseconds(1)),
                                              ("ms", .milliseconds(1)), ("s", .seconds(1)), ("m", .seconds(60)), ("h", .seconds(3600))]

    /// nil when `text` is not one or more `<digits><unit>` parts.
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        var total = Duration.zero
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            // Longest unit first, so "ms" is not read as "m" followed by "s".
            guard let (unit, size) = units.sorted(by: { $0.0.count > $1.0.count }).first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += size * value
        }
        return total
    }

    /// The whole seconds of a duration, as PromQL ranges want them ("90s").
    public static func promQLRange(_ duration: Duration) -> String { "\(max(1, duration.components.seconds))s" }
}
