import Foundation

/// A resource quantity ("500m", "1Gi", 2). YAML users write `cpu: 2` as often as `cpu: "2"`; both decode.
///
/// kube-apiserver stores quantities of built-in kinds in canonical form (`0.5` is read back as `500m`,
/// `1.5Gi` as `1536Mi`), so a quantity is encoded canonically and two quantities are equal when their
/// amounts are: a controller that compared the text would patch `0.5` again on every reconcile.
public struct Quantity: Codable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The text as written.
    public var value: String
    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }
    public var description: String { value }

    /// The amount, or nil when the text is not a quantity (kept and compared as text then).
    public var amount: Amount? { Amount(parsing: value) }
    /// The form the API server stores: the text itself when it cannot be parsed.
    public var canonical: String { amount?.canonical ?? value }

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool {
        guard let left = lhs.amount, let right = rhs.amount else { return lhs.value == rhs.value }
        return left == right
    }
    public func hash(into hasher: inout Hasher) {
        if let amount { hasher.combine(amount) } else { hasher.combine(value) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let integer = try? container.decode(Int64.self) {
            value = String(integer)
        } else {
            value = Self.text(of: try container.decode(Double.self))
        }
    }

    /// A quantity written as JSON: a string, or a number (YAML's `cpu: 2`); nil for other values.
    public init?(json: JSONValue) {
        switch json {
        case .string(let text): value = text
        case .int(let number): value = String(number)
        case .double(let number): value = Self.text(of: number)
        default: return nil
        }
    }

    static func text(of number: Double) -> String {
        number.rounded() == number && abs(number) < 1e18 ? String(Int64(number)) : String(number)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(canonical)
    }

    /// The message kube-apiserver gives for a string that is not a quantity.
    public static let syntaxMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
}

extension Quantity {
    /// `mantissa × 10^exponent`, with the notation it was written in, as apimachinery's `resource.Quantity`.
    public struct Amount: Sendable, Hashable, Comparable {
        public enum Format: Sendable { case decimalSI, binarySI, decimalExponent }
        public var mantissa: Int128
        public var exponent: Int
        public var format: Format

        static let decimalSuffixes: [String: Int] = ["n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18]
        static let binarySuffixes: [String: Int] = ["Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6]
        /// Precision ends at nano units: finer amounts round up (away from zero), as apimachinery does.
        static let smallestExponent = -9

        public init?(parsing text: String) {
            var rest = Substring(text)
            var negative = false
            if let sign = rest.first, sign == "+" || sign == "-" {
                negative = sign == "-"
                rest = rest.dropFirst()
            }
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            let suffix = String(rest.dropFirst(number.count))
            let parts = number.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, number.contains(where: \.isNumber) else { return nil }
            let digits = parts.joined()
            guard digits.count <= 30, var mantissa = Int128(digits) else { return nil }
            var exponent = -(parts.count == 2 ? parts[1].count : 0)
            if let decimal = Self.decimalSuffixes[suffix] {
                format = .decimalSI
                exponent += decimal
            } else if let power = Self.binarySuffixes[suffix] {
                format = .binarySI
                for _ in 0..<power {
                    let (product, overflow) = mantissa.multipliedReportingOverflow(by: 1024)
                    guard !overflow else { return nil }
                    mantissa = product
                }
            } else if let first = suffix.first, first == "e" || first == "E", suffix.count > 1, let power = Int(suffix.dropFirst()),
                abs(power) < 1000
            {
                format = .decimalExponent
                exponent += power
            } else {
                return nil
            }
            if exponent < Self.smallestExponent {
                guard let rounded = Self.roundUp(mantissa, dropping: Self.smallestExponent - exponent) else { return nil }
                mantissa = rounded
                exponent = Self.smallestExponent
            }
            self.mantissa = negative ? -mantissa : mantissa
            self.exponent = exponent
        }

        /// ceil(mantissa / 10^digits) for a non-negative mantissa.
        static func roundUp(_ mantissa: Int128, dropping digits: Int) -> Int128? {
            guard digits < 38 else { return mantissa == 0 ? 0 : 1 }
            var divisor: Int128 = 1
            for _ in 0..<digits { divisor *= 10 }
            let (quotient, remainder) = mantissa.quotientAndRemainder(dividingBy: divisor)
            return remainder == 0 ? quotient : quotient + 1
        }

        /// apimachinery's `CanonicalizeBytes`: no precision lost, no fractional digits, the largest suffix.
        public var canonical: String {
            guard mantissa != 0 else { return "0" }
            if format == .binarySI, let integer = integerValue, integer <= -1024 || integer >= 1024 {
                var amount = integer
                var power = 0
                while power < 6, amount % 1024 == 0 {
                    amount /= 1024
                    power += 1
                }
                let suffix = Self.binarySuffixes.first { $0.value == power }?.key ?? ""
                return "\(amount)\(suffix)"
            }
            var (amount, power) = reduced
            // The exponent goes down to a multiple of three, so a suffix can name it.
            let excess = ((power % 3) + 3) % 3
            for _ in 0..<excess { amount *= 10 }
            power -= excess
            if format == .decimalExponent {
                return power == 0 ? "\(amount)" : "\(amount)e\(power)"
            }
            let suffix = Self.decimalSuffixes.first { $0.value == power }?.key
            return "\(amount)" + (suffix ?? "e\(power)")
        }

        /// Equal amounts are equal whatever their notation (`1Ki` and `1024`), as apimachinery's `Quantity.Equal`.
        public static func == (lhs: Amount, rhs: Amount) -> Bool { lhs.reduced == rhs.reduced }
        public func hash(into hasher: inout Hasher) {
            let (mantissa, exponent) = reduced
            hasher.combine(mantissa)
            hasher.combine(exponent)
        }

        /// The mantissa without trailing zeros, and the exponent to match.
        var reduced: (Int128, Int) {
            guard mantissa != 0 else { return (0, 0) }
            var amount = mantissa
            var power = exponent
            while amount % 10 == 0 {
                amount /= 10
                power += 1
            }
            return (amount, power)
        }

        public static func < (lhs: Amount, rhs: Amount) -> Bool {
            let exponent = min(lhs.exponent, rhs.exponent)
            if let left = lhs.mantissa(at: exponent), let right = rhs.mantissa(at: exponent) { return left < right }
            return Double(lhs.mantissa) * pow(10, Double(lhs.exponent)) < Double(rhs.mantissa) * pow(10, Double(rhs.exponent))
        }

        /// The mantissa for a smaller exponent, or nil when it would overflow.
        func mantissa(at smaller: Int) -> Int128? {
            var amount = mantissa
            for _ in 0..<(exponent - smaller) {
                let (product, overflow) = amount.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                amount = product
            }
            return amount
        }

        /// The amount as a whole number, or nil when it has a fractional part.
        var integerValue: Int128? {
            var amount = mantissa
            if exponent >= 0 {
                for _ in 0..<exponent {
                    let (product, overflow) = amount.multipliedReportingOverflow(by: 10)
                    if overflow { return nil }
                    amount = product
                }
                return amount
            }
            for _ in 0..<(-exponent) {
                guard amount % 10 == 0 else { return nil }
                amount /= 10
            }
            return amount
        }
    }
}
