import NIOCore

/// Writes JSON straight into a response buffer: no intermediate document, no per-element objects.
struct JSONWriter {
    var buffer: ByteBuffer

    init(capacity: Int = 256) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func raw(_ text: StaticString) {
        buffer.writeStaticString(text)
    }

    mutating func string(_ value: String) {
        var value = value
        let written = value.withUTF8 { bytes in
            // Names and versions rarely need escaping: then the bytes go in with one copy.
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            buffer.writeInteger(UInt8(ascii: "\""))
            buffer.writeBytes(UnsafeRawBufferPointer(bytes))
            buffer.writeInteger(UInt8(ascii: "\""))
            return true
        }
        if !written { string(utf8: value.utf8) }
    }

    mutating func string<S: Sequence<UInt8>>(utf8 value: S) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            case 0x09: buffer.writeStaticString("\\t")
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex[Int(byte >> 4)])
                buffer.writeInteger(hex[Int(byte & 0xF)])
            default: buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    mutating func key(_ name: StaticString) {
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
    }

    mutating func integer<T: BinaryInteger>(_ value: T) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes of scratch, enough for 20 digits and a sign
        withUnsafeMutableBytes(of: &digits) { scratch in
            var magnitude = UInt64(truncatingIfNeeded: value.magnitude)
            var index = scratch.count
            repeat {
                index -= 1
                scratch[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { index -= 1; scratch[index] = UInt8(ascii: "-") }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: scratch[index...]))
        }
    }

    /// Shortest round-trip form; NaN and infinities as Python's json writes them (JSON has no spelling).
    mutating func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) {
        if value.isFinite {
            buffer.writeString(value.description)
        } else if value.isNaN {
            buffer.writeStaticString("NaN")
        } else {
            buffer.writeStaticString(value < 0 ? "-Infinity" : "Infinity")
        }
    }

    mutating func bool(_ value: Bool) {
        if value { buffer.writeStaticString("true") } else { buffer.writeStaticString("false") }
    }

    mutating func parameter(_ value: ParameterValue) {
        switch value {
        case .bool(let flag): bool(flag)
        case .int(let number): integer(number)
        case .double(let number): floatingPoint(number)
        case .string(let text): string(text)
        }
    }

    mutating func parameters(_ values: [String: ParameterValue]) {
        raw("{")
        for (index, (name, value)) in values.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { raw(",") }
            string(name)
            raw(":")
            parameter(value)
        }
        raw("}")
    }
}
