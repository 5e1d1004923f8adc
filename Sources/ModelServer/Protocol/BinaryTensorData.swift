/// The binary tensor data extension's element layout: raw little-endian elements, and for BYTES each
/// element as a 4-byte little-endian length followed by its bytes.
enum BinaryTensorData {
    static func decode(_ chunk: UnsafeRawBufferPointer, type: TensorDataType, count: Int, input: String) throws(InferenceError) -> Tensor.Storage {
        guard let size = type.elementSize else { return .strings(try decodeStrings(chunk, input: input)) }
        let (needed, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, chunk.count == needed else {
            throw .bad("input '\(input)' has \(chunk.count) binary bytes but its shape and \(type.rawValue) need \(overflow ? "more than fits in memory" : String(needed))")
        }
        return .raw([UInt8](chunk))
    }

    private static func decodeStrings(_ chunk: UnsafeRawBufferPointer, input: String) throws(InferenceError) -> [[UInt8]] {
        var strings: [[UInt8]] = []
        var offset = 0
        while offset < chunk.count {
            guard offset + 4 <= chunk.count else { throw .bad("input '\(input)': truncated BYTES length prefix") }
            let length = Int(chunk.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
            offset += 4
            guard length <= chunk.count - offset else { throw .bad("input '\(input)': BYTES element overruns the data") }
            strings.append([UInt8](chunk[offset..<offset + length]))
            offset += length
        }
        return strings
    }

    /// Appends the element bytes of `tensor` in the extension's layout.
    static func encode(_ tensor: Tensor, into bytes: inout [UInt8]) {
        switch tensor.storage {
        case .raw(let raw): bytes.append(contentsOf: raw)
        case .strings(let strings):
            for string in strings {
                withUnsafeBytes(of: UInt32(string.count).littleEndian) { bytes.append(contentsOf: $0) }
                bytes.append(contentsOf: string)
            }
        }
    }

    static func encodedSize(_ tensor: Tensor) -> Int {
        switch tensor.storage {
        case .raw(let raw): raw.count
        case .strings(let strings): strings.reduce(0) { $0 + 4 + $1.count }
        }
    }
}
