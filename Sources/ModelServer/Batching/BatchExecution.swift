/// Concatenates requests along the first dimension, runs them, and splits the outputs back per request.
enum BatchExecution {
    /// Inputs are in model order (the validator sorts them), so input `i` of every request is the same tensor.
    static func run(_ requests: [InferenceRequest], outputs: [String], backend: any InferenceBackend) throws(InferenceError) -> [[Tensor]] {
        guard requests.count > 1 else { return [try backend.infer(requests[0].inputs, outputs: outputs)] }
        let rows = requests.map(\.rows)
        let totalRows = rows.reduce(0, +)
        let inputs = requests[0].inputs.indices.map { index in
            concatenate(requests.map { $0.inputs[index] }, totalRows: totalRows)
        }
        let results = try backend.infer(inputs, outputs: outputs)
        for output in results where output.shape.first != totalRows {
            throw InferenceError(.internalError,
                "output '\(output.name)' has shape \(output.shape) for a batch of \(totalRows) rows; the model cannot be batched")
        }
        var perRequest: [[Tensor]] = []
        var start = 0
        for count in rows {
            perRequest.append(results.map { slice($0, rows: start..<start + count, totalRows: totalRows) })
            start += count
        }
        return perRequest
    }

    private static func concatenate(_ parts: [Tensor], totalRows: Int) -> Tensor {
        var shape = parts[0].shape
        shape[0] = totalRows
        switch parts[0].storage {
        case .raw:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(parts.reduce(0) { $0 + BinaryTensorData.encodedSize($1) })
            for case .raw(let part) in parts.map(\.storage) { bytes.append(contentsOf: part) }
            return Tensor(name: parts[0].name, dataType: parts[0].dataType, shape: shape, storage: .raw(bytes))
        case .strings:
            var strings: [[UInt8]] = []
            for case .strings(let part) in parts.map(\.storage) { strings.append(contentsOf: part) }
            return Tensor(name: parts[0].name, dataType: parts[0].dataType, shape: shape, storage: .strings(strings))
        }
    }

    private static func slice(_ tensor: Tensor, rows: Range<Int>, totalRows: Int) -> Tensor {
        var shape = tensor.shape
        shape[0] = rows.count
        let perRow = totalRows == 0 ? 0 : tensor.elementCount / totalRows
        let elements = rows.lowerBound * perRow..<rows.upperBound * perRow
        switch tensor.storage {
        case .raw(let bytes):
            let size = tensor.dataType.elementSize ?? 1
            let part = Array(bytes[elements.lowerBound * size..<elements.upperBound * size])
            return Tensor(name: tensor.name, dataType: tensor.dataType, shape: shape, storage: .raw(part))
        case .strings(let strings):
            return Tensor(name: tensor.name, dataType: tensor.dataType, shape: shape, storage: .strings(Array(strings[elements])))
        }
    }
}
