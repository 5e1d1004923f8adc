import NIOCore

/// Decodes an Open Inference Protocol v2 infer request: JSON, or JSON followed by binary tensor data
/// when `Inference-Header-Content-Length` is given (the binary tensor data extension).
enum OIPRequestDecoder {
    /// An input as the JSON describes it, before its data is read (its `data` may come before `datatype`).
    private struct Draft {
        var name: String?
        var shape: [Int]?
        var dataType: TensorDataType?
        var binarySize: Int?
        var dataSpan: Range<Int>?
        var data: Tensor.Storage?
    }

    static func decode(_ body: ByteBuffer, jsonLength: Int?) throws(InferenceError) -> InferenceRequest {
        let total = body.readableBytes
        if let jsonLength, jsonLength < 0 || jsonLength > total {
            throw .bad("Inference-Header-Content-Length \(jsonLength) is outside the body of \(total) bytes")
        }
        let headerEnd = jsonLength ?? total
        return try body.withUnsafeReadableBytes { (bytes) throws(InferenceError) in
            try decode(bytes, headerEnd: headerEnd)
        }
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, headerEnd: Int) throws(InferenceError) -> InferenceRequest {
        var reader = JSONReader(UnsafeRawBufferPointer(rebasing: bytes[0..<headerEnd]))
        var request = InferenceRequest(inputs: [])
        var drafts: [Draft] = []
        var sawInputs = false
        try reader.readObject { (reader, key) throws(InferenceError) in
            switch key {
            case "id": request.id = try reader.readString()
            case "parameters": request.parameters = try reader.readParameters()
            case "inputs":
                sawInputs = true
                try reader.readArray { (reader) throws(InferenceError) in drafts.append(try readDraft(&reader)) }
            case "outputs":
                try reader.readArray { (reader) throws(InferenceError) in request.outputs.append(try readOutput(&reader)) }
            default: try reader.skipValue()
            }
        }
        guard reader.isAtEnd() else { throw reader.error("trailing data after the request object") }
        guard sawInputs, !drafts.isEmpty else { throw .bad("request has no inputs") }

        var binaryOffset = headerEnd
        for draft in drafts {
            request.inputs.append(try materialize(draft, bytes: bytes, binaryOffset: &binaryOffset))
        }
        guard binaryOffset == bytes.count else {
            throw .bad("\(bytes.count - binaryOffset) bytes of binary data are not claimed by any input's binary_data_size")
        }
        return request
    }

    private static func readDraft(_ reader: inout JSONReader) throws(InferenceError) -> Draft {
        var draft = Draft()
        try reader.readObject { (reader, key) throws(InferenceError) in
            switch key {
            case "name": draft.name = try reader.readString()
            case "shape":
                var shape: [Int] = []
                try reader.readArray { (reader) throws(InferenceError) in
                    shape.append(Int(try reader.readInteger(in: 0...Int64(Int32.max))))
                }
                draft.shape = shape
            case "datatype":
                guard draft.dataType == nil else { throw .bad("an input gives 'datatype' twice") }
                let name = try reader.readString()
                guard let type = TensorDataType(rawValue: name) else {
                    throw .bad("unknown datatype '\(name)'; expected one of \(TensorDataType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                draft.dataType = type
            case "parameters":
                let parameters = try reader.readParameters()
                if let size = parameters["binary_data_size"] {
                    guard let bytes = size.intValue, bytes >= 0 else { throw .bad("binary_data_size must be a non-negative integer") }
                    draft.binarySize = Int(bytes)
                }
            case "data":
                // Clients write the datatype before the data, so it can be parsed in one pass; otherwise
                // its span is kept and parsed once the datatype is known.
                if let type = draft.dataType {
                    let capacity = draft.shape.map(Tensor.elementCount(of:)) ?? 0
                    draft.data = try reader.readTensorData(type, capacity: capacity).0
                } else {
                    draft.dataSpan = try reader.skipValue()
                }
            default: try reader.skipValue()
            }
        }
        return draft
    }

    private static func readOutput(_ reader: inout JSONReader) throws(InferenceError) -> RequestedOutput {
        var name: String?
        var binary: Bool?
        try reader.readObject { (reader, key) throws(InferenceError) in
            switch key {
            case "name": name = try reader.readString()
            case "parameters": binary = try reader.readParameters()["binary_data"]?.boolValue
            default: try reader.skipValue()
            }
        }
        guard let name else { throw .bad("an entry of 'outputs' has no name") }
        return RequestedOutput(name: name, binary: binary)
    }

    private static func materialize(
        _ draft: Draft, bytes: UnsafeRawBufferPointer, binaryOffset: inout Int
    ) throws(InferenceError) -> Tensor {
        guard let name = draft.name else { throw .bad("an input has no name") }
        guard let shape = draft.shape else { throw .bad("input '\(name)' has no shape") }
        guard let type = draft.dataType else { throw .bad("input '\(name)' has no datatype") }
        let count = Tensor.elementCount(of: shape)
        let storage: Tensor.Storage
        if let size = draft.binarySize {
            guard draft.dataSpan == nil, draft.data == nil else { throw .bad("input '\(name)' has both data and binary_data_size") }
            guard size <= bytes.count - binaryOffset else {
                throw .bad("input '\(name)' claims \(size) binary bytes but only \(bytes.count - binaryOffset) remain")
            }
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[binaryOffset..<binaryOffset + size])
            binaryOffset += size
            storage = try BinaryTensorData.decode(chunk, type: type, count: count, input: name)
        } else if let data = draft.data {
            storage = data
        } else {
            guard let span = draft.dataSpan else { throw .bad("input '\(name)' has no data") }
            var reader = JSONReader(UnsafeRawBufferPointer(rebasing: bytes[0..<span.upperBound]), offset: span.lowerBound)
            let (parsed, _) = try reader.readTensorData(type, capacity: count)
            storage = parsed
        }
        let tensor = Tensor(name: name, dataType: type, shape: shape, storage: storage)
        try checkCount(tensor, expected: count)
        return tensor
    }

    private static func checkCount(_ tensor: Tensor, expected: Int) throws(InferenceError) {
        let actual: Int
        switch tensor.storage {
        case .raw(let bytes): actual = bytes.count / (tensor.dataType.elementSize ?? 1)
        case .strings(let strings): actual = strings.count
        }
        guard actual == expected else {
            throw .bad("input '\(tensor.name)' has \(actual) elements but shape \(tensor.shape) needs \(expected)")
        }
    }
}
