import CONNXRuntime

/// Reads a session's input and output names, element types and shapes (-1 for dynamic dimensions).
enum ORTSignature {
    static func read(session: OpaquePointer, ort: ORTAPI, allocator: OpaquePointer) throws(InferenceError) -> ModelMetadata {
        var inputCount = 0, outputCount = 0
        try ort.check(ort.api.SessionGetInputCount!(session, &inputCount), "counting inputs")
        try ort.check(ort.api.SessionGetOutputCount!(session, &outputCount), "counting outputs")
        var inputs: [ModelMetadata.TensorSpec] = []
        var outputs: [ModelMetadata.TensorSpec] = []
        for index in 0..<inputCount {
            inputs.append(try spec(session: session, index: index, isInput: true, ort: ort, allocator: allocator))
        }
        for index in 0..<outputCount {
            outputs.append(try spec(session: session, index: index, isInput: false, ort: ort, allocator: allocator))
        }
        return ModelMetadata(platform: "onnxruntime_onnx", inputs: inputs, outputs: outputs)
    }

    private static func spec(
        session: OpaquePointer, index: Int, isInput: Bool, ort: ORTAPI, allocator: OpaquePointer
    ) throws(InferenceError) -> ModelMetadata.TensorSpec {
        let role = isInput ? "input" : "output"
        var namePointer: UnsafeMutablePointer<CChar>?
        var typeInfo: OpaquePointer?
        if isInput {
            try ort.check(ort.api.SessionGetInputName!(session, index, allocator, &namePointer), "reading \(role) \(index)")
            try ort.check(ort.api.SessionGetInputTypeInfo!(session, index, &typeInfo), "reading \(role) \(index)")
        } else {
            try ort.check(ort.api.SessionGetOutputName!(session, index, allocator, &namePointer), "reading \(role) \(index)")
            try ort.check(ort.api.SessionGetOutputTypeInfo!(session, index, &typeInfo), "reading \(role) \(index)")
        }
        let name = String(cString: namePointer!)
        _ = ort.api.AllocatorFree!(allocator, namePointer)
        defer { ort.api.ReleaseTypeInfo!(typeInfo) }

        var onnxType = ONNX_TYPE_UNKNOWN
        try ort.check(ort.api.GetOnnxTypeFromTypeInfo!(typeInfo, &onnxType), "reading \(role) '\(name)'")
        guard onnxType == ONNX_TYPE_TENSOR else {
            throw InferenceError(.internalError, "\(role) '\(name)' is not a tensor (ONNX type \(onnxType.rawValue)); only tensor models are served")
        }
        var tensorInfo: OpaquePointer?
        try ort.check(ort.api.CastTypeInfoToTensorInfo!(typeInfo, &tensorInfo), "reading \(role) '\(name)'")
        let (elementType, shape) = try typeAndShape(tensorInfo!, ort: ort)
        guard let dataType = TensorDataType(onnx: elementType) else {
            throw InferenceError(.internalError, "\(role) '\(name)' has ONNX element type \(elementType.rawValue), which the protocols cannot carry")
        }
        return ModelMetadata.TensorSpec(name: name, dataType: dataType, shape: shape)
    }

    /// Element type and dimensions; symbolic or unknown dimensions read as -1.
    static func typeAndShape(_ info: OpaquePointer, ort: ORTAPI) throws(InferenceError) -> (ONNXTensorElementDataType, [Int]) {
        var elementType = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED
        var rank = 0
        try ort.check(ort.api.GetTensorElementType!(info, &elementType), "reading an element type")
        try ort.check(ort.api.GetDimensionsCount!(info, &rank), "reading a rank")
        var dims = [Int64](repeating: 0, count: rank)
        try ort.check(ort.api.GetDimensions!(info, &dims, rank), "reading dimensions")
        return (elementType, dims.map { $0 < 0 ? -1 : Int($0) })
    }
}
