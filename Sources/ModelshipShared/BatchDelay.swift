/// Batch delays as the server understands them ("5ms", "250us", "1s").
public enum BatchDelay {
    /// nil when `text` is not digits followed by us, ms or s (the CRD pattern `^[0-9]+(us|ms|s)$`).
    public static func parse(_ text: String) -> Duration? {
        for (suffix, unit) in [("us", Duration.microseconds(1)), ("ms", .milliseconds(1)), ("s", .seconds(1))] where text.hasSuffix(suffix) {
            guard let value = Int(text.dropLast(suffix.count)), value >= 0, text.first?.isNumber == true else { return nil }
            return unit * value
        }
        return nil
    }
}
