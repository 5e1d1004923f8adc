import NIOCore

/// KServe v1 (`{"instances": [...]}` → `{"predictions": [...]}`) for models with one input: each
/// instance is one row of that input.
enum KServeV1 {
    static func decode(_ body: ByteBuffer, metadata: ModelMetadata) throws(InferenceError) -> InferenceRequest {
        guard metadata.inputs.count == 1, let input = metadata.inputs.first else {
            throw .bad("the v1 protocol serves single-input models; this model has inputs \(metadata.inputs.map(\.name)); use /v2/models/…/infer")
        }
        return try body.withUnsafeReadableBytes { (bytes) throws(InferenceError) -> InferenceRequest in
            var reader = JSONReader(bytes)
            var tensor: Tensor?
            try reader.readObject { (reader, key) throws(InferenceError) in
                guard key == "instances" || key == "inputs" else { try reader.skipValue(); return }
                let (storage, shape) = try reader.readTensorData(input.dataType, capacity: 1024)
                tensor = Tensor(name: input.name, dataType: input.dataType, shape: shape, storage: storage)
            }
            guard reader.isAtEnd() else { throw reader.error("trailing data after the request object") }
            guard let tensor else { throw .bad("request has no 'instances'") }
            return InferenceRequest(inputs: [tensor])
        }
    }

    static func encode(_ outputs: [Tensor]) -> ByteBuffer {
        var json = JSONWriter(capacity: outputs.reduce(64) { $0 + BinaryTensorData.encodedSize($1) * 3 })
        json.raw("{"); json.key("predictions"); json.raw("[")
        let rows = outputs.first?.rows ?? 0
        for row in 0..<rows {
            if row > 0 { json.raw(",") }
            if outputs.count == 1 {
                TensorJSON.writeRow(outputs[0], row: row, to: &json)
            } else {
                json.raw("{")
                for (index, output) in outputs.enumerated() {
                    if index > 0 { json.raw(",") }
                    json.string(output.name); json.raw(":")
                    TensorJSON.writeRow(output, row: row, to: &json)
                }
                json.raw("}")
            }
        }
        json.raw("]}")
        return json.buffer
    }
}
