/// The hot path of the whole server: a flat array of FP32 numbers (what clients send for dense
/// features), parsed in one tight loop over the bytes with the same rounding as `readFloat`.
extension JSONReader {
    /// A flat `[n, n, ...]` of numbers as floats; nil, consuming nothing, when the array is nested, so
    /// the general path can parse it. Numbers the fast path cannot round safely take `readFloat`.
    mutating func readFlatFloats(capacity: Int) throws(InferenceError) -> [Float]? {
        let start = offset
        guard peek() == UInt8(ascii: "[") else { return nil }
        offset += 1
        if peek() == UInt8(ascii: "[") { offset = start; return nil }
        var values: [Float] = []
        values.reserveCapacity(min(capacity, 1 << 24))
        if peek() == UInt8(ascii: "]") { offset += 1; return values }
        return try Self.powersOfTen.withUnsafeBufferPointer { (powersOfTen) throws(InferenceError) -> [Float] in
            while true {
                if let value = fastFloat(powersOfTen) {
                    values.append(value)
                } else {
                    values.append(try readFloat())
                }
                switch peek() {
                case UInt8(ascii: ","): offset += 1
                case UInt8(ascii: "]"): offset += 1; return values
                default: throw error("expected ',' or ']' in array")
                }
            }
        }
    }

    /// A number with at most 19 significant digits and a decimal exponent within ±22 whose float
    /// rounding is safe (see `readFloat`); nil for anything else, consuming nothing.
    @inline(__always)
    private mutating func fastFloat(_ powersOfTen: UnsafeBufferPointer<Double>) -> Float? {
        _ = peek()
        var index = offset
        let count = bytesCount
        let negative = index < count && byte(at: index) == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        var mantissa: UInt64 = 0
        readDigitsOneByOne(&index, count, &mantissa) // integer parts are short
        var digits = index - digitsStart
        guard digits > 0, digits == 1 || byte(at: digitsStart) != UInt8(ascii: "0") else { return nil }
        var exponent = 0
        if index < count, byte(at: index) == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            readDigitsEightAtATime(&index, count, &mantissa)
            readDigitsOneByOne(&index, count, &mantissa)
            guard index > fractionStart else { return nil }
            digits += index - fractionStart
            exponent = fractionStart - index
        }
        if index < count, byte(at: index) | 0x20 == UInt8(ascii: "e") {
            index += 1
            var negativeExponent = false
            if index < count, byte(at: index) == UInt8(ascii: "-") || byte(at: index) == UInt8(ascii: "+") {
                negativeExponent = byte(at: index) == UInt8(ascii: "-")
                index += 1
            }
            var value = 0
            let exponentStart = index
            while index < count, case let digit = byte(at: index) &- UInt8(ascii: "0"), digit < 10, value < 1000 {
                value = value * 10 + Int(digit)
                index += 1
            }
            guard index > exponentStart else { return nil }
            exponent += negativeExponent ? -value : value
        }
        // Leading zeros count as digits above, so 19 is a safe bound for the mantissa.
        guard digits <= 19, abs(exponent) <= 22 else { return nil }
        let magnitude = Double(mantissa)
        let approximate = exponent < 0 ? magnitude / powersOfTen[-exponent] : magnitude * powersOfTen[exponent]
        guard approximate == 0 || Self.roundsSafelyToFloat(approximate) else { return nil }
        offset = index
        let value = Float(approximate)
        return negative ? -value : value
    }

    /// Decimal digits into `mantissa` (wrapping: callers bound the digit count) while eight bytes
    /// are digits: SWAR, as in simdjson and fast_float. Clients send floats with up to 17 significant
    /// digits, so this is most of the parse.
    @inline(__always)
    private func readDigitsEightAtATime(_ index: inout Int, _ count: Int, _ mantissa: inout UInt64) {
        while index + 8 <= count {
            let chunk = UInt64(littleEndian: loadUnaligned(at: index))
            guard Self.areEightDigits(chunk) else { return }
            mantissa = mantissa &* 100_000_000 &+ Self.eightDigitsValue(chunk)
            index += 8
        }
    }

    @inline(__always)
    private func readDigitsOneByOne(_ index: inout Int, _ count: Int, _ mantissa: inout UInt64) {
        while index < count, case let digit = byte(at: index) &- UInt8(ascii: "0"), digit < 10 {
            mantissa = mantissa &* 10 &+ UInt64(digit)
            index += 1
        }
    }

    /// True when all eight bytes are ASCII digits.
    @inline(__always)
    static func areEightDigits(_ chunk: UInt64) -> Bool {
        (chunk & 0xF0F0_F0F0_F0F0_F0F0) | (((chunk &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4) == 0x3333_3333_3333_3333
    }

    /// The value of eight ASCII digits, the first in the lowest byte.
    @inline(__always)
    static func eightDigitsValue(_ chunk: UInt64) -> UInt64 {
        var value = chunk &- 0x3030_3030_3030_3030
        value = value &* 10 &+ (value >> 8) // pairs: each even byte holds two digits' value
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        let pairsHigh = (value & mask) &* (100 &+ (1_000_000 << 32))
        let pairsLow = ((value >> 16) & mask) &* (1 &+ (10_000 << 32))
        return (pairsHigh &+ pairsLow) >> 32
    }
}
