import NIOCore

/// Encodes an Open Inference Protocol v2 infer response. Outputs asked for as binary (per output, or
/// all by the request's `binary_data_output`) go after the JSON, whose length is then returned for the
/// `Inference-Header-Content-Length` header.
enum OIPResponseEncoder {
    struct Encoded {
        var body: ByteBuffer
        var jsonLength: Int?
    }

    static func encode(
        model: String, version: String, response: InferenceResponse, requested: [RequestedOutput], binaryByDefault: Bool
    ) -> Encoded {
        let estimate = response.outputs.reduce(128) { $0 + BinaryTensorData.encodedSize($1) * 2 }
        var json = JSONWriter(capacity: estimate)
        var binary: [UInt8] = []
        var anyBinary = false
        json.raw("{")
        json.key("model_name"); json.string(model)
        json.raw(","); json.key("model_version"); json.string(version)
        if let id = response.id { json.raw(","); json.key("id"); json.string(id) }
        json.raw(","); json.key("outputs"); json.raw("[")
        for (index, output) in response.outputs.enumerated() {
            if index > 0 { json.raw(",") }
            let asBinary = requested.first { $0.name == output.name }?.binary ?? binaryByDefault
            json.raw("{"); json.key("name"); json.string(output.name)
            json.raw(","); json.key("datatype"); json.string(output.dataType.rawValue)
            json.raw(","); json.key("shape"); writeShape(output.shape, to: &json)
            if asBinary {
                anyBinary = true
                json.raw(","); json.key("parameters"); json.raw("{"); json.key("binary_data_size")
                json.integer(BinaryTensorData.encodedSize(output)); json.raw("}")
                BinaryTensorData.encode(output, into: &binary)
            } else {
                json.raw(","); json.key("data"); TensorJSON.writeData(output, to: &json)
            }
            json.raw("}")
        }
        json.raw("]}")
        guard anyBinary else {
            return Encoded(body: json.buffer, jsonLength: nil)
        }
        let jsonLength = json.buffer.readableBytes
        json.buffer.writeBytes(binary)
        return Encoded(body: json.buffer, jsonLength: jsonLength)
    }

    static func writeShape(_ shape: [Int], to json: inout JSONWriter) {
        json.raw("[")
        for (index, dimension) in shape.enumerated() {
            if index > 0 { json.raw(",") }
            json.integer(dimension)
        }
        json.raw("]")
    }
}
