/// Tensor `data` arrays, flat or nested (row-major), parsed straight into element bytes.
extension JSONReader {
    /// The elements of `type` and the shape the nesting had (`[n]` for a flat array).
    mutating func readTensorData(_ type: TensorDataType, capacity: Int) throws(InferenceError) -> (Tensor.Storage, [Int]) {
        switch type {
        case .bool: return try raw(capacity) { (r) throws(InferenceError) in try r.readBool() ? UInt8(1) : UInt8(0) }
        case .uint8: return try raw(capacity) { (r) throws(InferenceError) in UInt8(try r.readUnsigned(max: UInt64(UInt8.max))) }
        case .uint16: return try raw(capacity) { (r) throws(InferenceError) in UInt16(try r.readUnsigned(max: UInt64(UInt16.max))) }
        case .uint32: return try raw(capacity) { (r) throws(InferenceError) in UInt32(try r.readUnsigned(max: UInt64(UInt32.max))) }
        case .uint64: return try raw(capacity) { (r) throws(InferenceError) in try r.readUnsigned(max: UInt64.max) }
        case .int8: return try raw(capacity) { (r) throws(InferenceError) in Int8(try r.readInteger(in: -128...127)) }
        case .int16: return try raw(capacity) { (r) throws(InferenceError) in Int16(try r.readInteger(in: Int64(Int16.min)...Int64(Int16.max))) }
        case .int32: return try raw(capacity) { (r) throws(InferenceError) in Int32(try r.readInteger(in: Int64(Int32.min)...Int64(Int32.max))) }
        case .int64: return try raw(capacity) { (r) throws(InferenceError) in try r.readInteger(in: Int64.min...Int64.max) }
        case .fp16: return try raw(capacity) { (r) throws(InferenceError) in Float16(try r.readDouble()) }
        case .fp32:
            if let floats = try readFlatFloats(capacity: capacity) {
                return (.raw(floats.withUnsafeBytes { [UInt8]($0) }), [floats.count])
            }
            return try raw(capacity) { (r) throws(InferenceError) in try r.readFloat() }
        case .fp64: return try raw(capacity) { (r) throws(InferenceError) in try r.readDouble() }
        case .bytes:
            let (strings, shape) = try elements(capacity) { (r) throws(InferenceError) in try r.readStringBytes() }
            return (.strings(strings), shape)
        }
    }

    private mutating func raw<T: BitwiseCopyable>(
        _ capacity: Int, _ parse: (inout JSONReader) throws(InferenceError) -> T
    ) throws(InferenceError) -> (Tensor.Storage, [Int]) {
        let (values, shape) = try elements(capacity, parse)
        return (.raw(values.withUnsafeBytes { [UInt8]($0) }), shape)
    }

    private mutating func elements<T>(
        _ capacity: Int, _ parse: (inout JSONReader) throws(InferenceError) -> T
    ) throws(InferenceError) -> ([T], [Int]) {
        var values: [T] = []
        values.reserveCapacity(min(capacity, 1 << 24))
        var nesting = Nesting()
        try readLevel(depth: 0, nesting: &nesting, into: &values, parse)
        return (values, nesting.shape)
    }

    /// The lengths seen at each depth and the depth of the scalars, to reject ragged nesting.
    private struct Nesting {
        var shape: [Int] = []
        var leafDepth: Int?
    }

    private mutating func readLevel<T>(
        depth: Int, nesting: inout Nesting, into values: inout [T],
        _ parse: (inout JSONReader) throws(InferenceError) -> T
    ) throws(InferenceError) {
        guard depth < 32 else { throw error("tensor data nested deeper than 32") }
        var count = 0
        try readArray { (reader) throws(InferenceError) in
            count += 1
            if reader.peek() == UInt8(ascii: "[") {
                guard nesting.leafDepth.map({ $0 > depth + 1 }) ?? true else { throw reader.error("ragged tensor data") }
                try reader.readLevel(depth: depth + 1, nesting: &nesting, into: &values, parse)
            } else {
                guard nesting.leafDepth.map({ $0 == depth + 1 }) ?? true else { throw reader.error("ragged tensor data") }
                nesting.leafDepth = depth + 1
                values.append(try parse(&reader))
            }
        }
        if count == 0 {
            guard nesting.leafDepth.map({ $0 == depth + 1 }) ?? true else { throw error("ragged tensor data") }
            nesting.leafDepth = depth + 1
        }
        // Inner arrays finish first, so lengths are recorded by depth rather than appended.
        while nesting.shape.count <= depth { nesting.shape.append(-1) }
        if nesting.shape[depth] == -1 {
            nesting.shape[depth] = count
        } else if nesting.shape[depth] != count {
            throw error("ragged tensor data: rows of \(nesting.shape[depth]) and \(count) elements")
        }
    }
}
