#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pull parser over a request body in place. The inference protocols carry most of their bytes in
/// number arrays, so numbers are parsed straight into the element type the model wants, never into a
/// boxed document first. Errors say what was expected and at which byte.
struct JSONReader: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    var offset: Int // settable within the module: the reader extensions rewind on a failed fast path

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func isAtEnd() -> Bool {
        skipWhitespace()
        return offset >= bytes.count
    }

    var bytesCount: Int { bytes.count }

    @inline(__always)
    func byte(at index: Int) -> UInt8 { bytes[index] }

    /// Eight bytes from `index` (which must leave eight), for word-at-a-time scanning.
    @inline(__always)
    func loadUnaligned(at index: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) }

    func error(_ what: String) -> InferenceError {
        .bad("malformed JSON at byte \(offset): \(what)")
    }

    // MARK: structure

    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return offset < bytes.count ? bytes[offset] : nil
    }

    mutating func expect(_ byte: UInt8) throws(InferenceError) {
        guard peek() == byte else { throw error("expected '\(Character(UnicodeScalar(byte)))'") }
        offset += 1
    }

    /// Calls `body` with each key, positioned at its value; `body` must consume the value.
    mutating func readObject(_ body: (inout JSONReader, String) throws(InferenceError) -> Void) throws(InferenceError) {
        try expect(UInt8(ascii: "{"))
        if peek() == UInt8(ascii: "}") { offset += 1; return }
        while true {
            let key = try readString()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"): offset += 1; return
            default: throw error("expected ',' or '}' in object")
            }
        }
    }

    /// Calls `body` positioned at each element; `body` must consume it.
    mutating func readArray(_ body: (inout JSONReader) throws(InferenceError) -> Void) throws(InferenceError) {
        try expect(UInt8(ascii: "["))
        if peek() == UInt8(ascii: "]") { offset += 1; return }
        while true {
            try body(&self)
            switch peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"): offset += 1; return
            default: throw error("expected ',' or ']' in array")
            }
        }
    }

    /// Skips one value of any kind and returns the byte range it spanned (for parsing it later).
    @discardableResult
    mutating func skipValue(depth: Int = 0) throws(InferenceError) -> Range<Int> {
        guard depth < 64 else { throw error("nesting deeper than 64") }
        guard let first = peek() else { throw error("unexpected end of input") }
        let start = offset
        switch first {
        case UInt8(ascii: "{"): try readObject { (reader, _) throws(InferenceError) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): try readArray { (reader) throws(InferenceError) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try readStringBytes()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try readBool()
        case UInt8(ascii: "n"): try readNull()
        default: _ = try numberToken()
        }
        return start..<offset
    }

    // MARK: scalars

    mutating func readNull() throws(InferenceError) {
        try literal("null")
    }

    mutating func readBool() throws(InferenceError) -> Bool {
        if peek() == UInt8(ascii: "t") { try literal("true"); return true }
        try literal("false")
        return false
    }

    private mutating func literal(_ word: StaticString) throws(InferenceError) {
        skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count,
              memcmp(bytes.baseAddress! + offset, word.utf8Start, count) == 0 else { throw error("expected \(word)") }
        offset += count
    }

    mutating func readString() throws(InferenceError) -> String {
        let raw = try readStringBytes()
        return String(decoding: raw, as: UTF8.self)
    }

    /// The string's bytes with escapes resolved.
    mutating func readStringBytes() throws(InferenceError) -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        var runStart = offset
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<offset]))
                offset += 1
                return out
            }
            if byte < 0x20 { throw error("control character in string") }
            if byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<offset]))
                offset += 1
                try readEscape(into: &out)
                runStart = offset
                continue
            }
            offset += 1
        }
        throw error("unterminated string")
    }

    private mutating func readEscape(into out: inout [UInt8]) throws(InferenceError) {
        guard offset < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar), offset + 1 < bytes.count,
               bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                offset += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
            out.append(contentsOf: String(Character(unicode)).utf8)
        default: throw error("invalid escape")
        }
    }

    private mutating func hex4() throws(InferenceError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit")
            }
            value = value << 4 | digit
            offset += 1
        }
        return value
    }

    // MARK: numbers

    /// A scanned number: its digits as an integer when they fit, the decimal exponent, and the span.
    struct Number {
        var negative: Bool
        var mantissa: UInt64
        var exponent: Int      // value = mantissa * 10^exponent when `exact`
        var exact: Bool        // mantissa held every significant digit
        var integral: Bool     // written without fraction or exponent
        var span: Range<Int>
    }

    mutating func numberToken() throws(InferenceError) -> Number {
        skipWhitespace()
        let start = offset
        var number = Number(negative: false, mantissa: 0, exponent: 0, exact: true, integral: true, span: start..<start)
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { number.negative = true; offset += 1 }
        let digitsStart = offset
        scanDigits(into: &number, fraction: false)
        guard offset > digitsStart else { throw error("expected a value") }
        if bytes[digitsStart] == UInt8(ascii: "0"), offset - digitsStart > 1 { throw error("leading zero") }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            number.integral = false
            let fractionStart = offset
            scanDigits(into: &number, fraction: true)
            guard offset > fractionStart else { throw error("digits expected after '.'") }
        }
        if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
            offset += 1
            number.integral = false
            var negativeExponent = false
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") || bytes[offset] == UInt8(ascii: "+") {
                negativeExponent = bytes[offset] == UInt8(ascii: "-")
                offset += 1
            }
            var exponent = 0
            let exponentStart = offset
            while offset < bytes.count, bytes[offset] &- UInt8(ascii: "0") < 10 {
                exponent = min(exponent * 10 + Int(bytes[offset] - UInt8(ascii: "0")), 100_000)
                offset += 1
            }
            guard offset > exponentStart else { throw error("digits expected in exponent") }
            number.exponent += negativeExponent ? -exponent : exponent
        }
        number.span = start..<offset
        return number
    }

    private mutating func scanDigits(into number: inout Number, fraction: Bool) {
        while offset < bytes.count {
            let digit = bytes[offset] &- UInt8(ascii: "0")
            guard digit < 10 else { return }
            if number.mantissa <= (UInt64.max - 9) / 10 {
                number.mantissa = number.mantissa * 10 + UInt64(digit)
                if fraction { number.exponent -= 1 }
            } else {
                number.exact = false
                if !fraction { number.exponent += 1 }
            }
            offset += 1
        }
    }

    static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Correctly rounded: the exact fast path (Clinger) when it applies, else the C library.
    mutating func readDouble() throws(InferenceError) -> Double {
        double(from: try numberToken())
    }

    func double(from number: Number) -> Double {
        if number.exact, number.mantissa < 1 << 53, abs(number.exponent) <= 22 {
            let magnitude = Double(number.mantissa)
            let value = number.exponent < 0 ? magnitude / Self.powersOfTen[-number.exponent]
                                             : magnitude * Self.powersOfTen[number.exponent]
            return number.negative ? -value : value
        }
        return parseWithStrtod(number.span)
    }

    /// The float nearest to the correctly rounded double, i.e. what `json` + numpy give. Most FP32 data is
    /// written as 16-17 digit doubles, beyond the exact fast path; an approximate double (within 2 ulp)
    /// rounds to the same float unless it lies next to a float rounding boundary, and only then is the
    /// exact slow path needed.
    mutating func readFloat() throws(InferenceError) -> Float {
        let number = try numberToken()
        if number.exact, abs(number.exponent) <= 22 {
            let magnitude = Double(number.mantissa)
            let approximate = number.exponent < 0 ? magnitude / Self.powersOfTen[-number.exponent]
                                                   : magnitude * Self.powersOfTen[number.exponent]
            if approximate == 0 || Self.roundsSafelyToFloat(approximate) {
                let value = Float(approximate)
                return number.negative ? -value : value
            }
        }
        return Float(double(from: number))
    }

    /// True when `value` is a normal float's magnitude and its 29 bits below float precision are not
    /// within a few units of the halfway point, so a 2-ulp error cannot change the float it rounds to.
    static func roundsSafelyToFloat(_ value: Double) -> Bool {
        guard value >= Double(Float.leastNormalMagnitude), value < Double(Float.greatestFiniteMagnitude) else { return false }
        let low = value.bitPattern & ((1 << 29) - 1)
        let halfway: UInt64 = 1 << 28
        return low > halfway &+ 4 || low &+ 4 < halfway
    }

    private func parseWithStrtod(_ span: Range<Int>) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: span.count + 1) { buffer in
            for (index, byte) in bytes[span].enumerated() { buffer[index] = CChar(bitPattern: byte) }
            buffer[span.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    /// An integer literal within `range`; fractions and exponents are rejected, as is overflow.
    mutating func readInteger(in range: ClosedRange<Int64>) throws(InferenceError) -> Int64 {
        try integer(from: try numberToken(), in: range)
    }

    func integer(from number: Number, in range: ClosedRange<Int64>) throws(InferenceError) -> Int64 {
        guard number.integral, number.exact else { throw error("expected an integer") }
        let limit = number.negative ? UInt64(bitPattern: 0 &- range.lowerBound) : UInt64(range.upperBound)
        guard number.mantissa <= limit || (number.negative && number.mantissa == 0) else { throw error("integer out of range") }
        if number.negative { return number.mantissa == 1 << 63 ? Int64.min : -Int64(number.mantissa) }
        return Int64(number.mantissa)
    }

    mutating func readUnsigned(max: UInt64) throws(InferenceError) -> UInt64 {
        let number = try numberToken()
        guard number.integral, number.exact, !number.negative || number.mantissa == 0 else {
            throw error("expected a non-negative integer")
        }
        guard number.mantissa <= max else { throw error("integer out of range") }
        return number.mantissa
    }

    // MARK: whitespace

    @inline(__always)
    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }
}
