/// Tensor elements as JSON arrays, written straight from the raw bytes.
enum TensorJSON {
    /// The elements as a flat array (the protocol's row-major form).
    static func writeData(_ tensor: Tensor, to json: inout JSONWriter) {
        writeElements(tensor, range: 0..<tensor.elementCount, to: &json)
    }

    /// Elements `range` (flat indices) as a flat array.
    static func writeElements(_ tensor: Tensor, range: Range<Int>, to json: inout JSONWriter, bracketed: Bool = true) {
        switch tensor.storage {
        case .strings(let strings):
            if bracketed { json.raw("[") }
            for index in range {
                if index > range.lowerBound { json.raw(",") }
                json.string(utf8: strings[index])
            }
            if bracketed { json.raw("]") }
        case .raw(let bytes):
            bytes.withUnsafeBytes { raw in
                switch tensor.dataType {
                case .bool: write(raw, range, UInt8.self, bracketed, &json) { json, value in json.bool(value != 0) }
                case .uint8: write(raw, range, UInt8.self, bracketed, &json) { $0.integer($1) }
                case .uint16: write(raw, range, UInt16.self, bracketed, &json) { $0.integer($1) }
                case .uint32: write(raw, range, UInt32.self, bracketed, &json) { $0.integer($1) }
                case .uint64: write(raw, range, UInt64.self, bracketed, &json) { $0.integer($1) }
                case .int8: write(raw, range, Int8.self, bracketed, &json) { $0.integer($1) }
                case .int16: write(raw, range, Int16.self, bracketed, &json) { $0.integer($1) }
                case .int32: write(raw, range, Int32.self, bracketed, &json) { $0.integer($1) }
                case .int64: write(raw, range, Int64.self, bracketed, &json) { $0.integer($1) }
                case .fp16: write(raw, range, Float16.self, bracketed, &json) { $0.floatingPoint(Float($1)) }
                case .fp32: write(raw, range, Float.self, bracketed, &json) { $0.floatingPoint($1) }
                case .fp64: write(raw, range, Double.self, bracketed, &json) { $0.floatingPoint($1) }
                case .bytes: if bracketed { json.raw("[]") }
                }
            }
        }
    }

    private static func write<T: BitwiseCopyable>(
        _ raw: UnsafeRawBufferPointer, _ range: Range<Int>, _: T.Type, _ bracketed: Bool, _ json: inout JSONWriter,
        _ element: (inout JSONWriter, T) -> Void
    ) {
        if bracketed { json.raw("[") }
        let stride = MemoryLayout<T>.size
        for index in range {
            if index > range.lowerBound { json.raw(",") }
            element(&json, raw.loadUnaligned(fromByteOffset: index * stride, as: T.self))
        }
        if bracketed { json.raw("]") }
    }
}
