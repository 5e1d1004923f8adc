import CONNXRuntime

/// The process-wide ONNX Runtime API table and environment (one OrtEnv per process, as ORT requires).
/// Both are immutable after creation and ORT documents them as thread-safe, hence `@unchecked Sendable`.
final class ORTAPI: @unchecked Sendable {
    let api: OrtApi
    let env: OpaquePointer
    let version: String

    static let shared: Result<ORTAPI, InferenceError> = Result { () throws(InferenceError) in try ORTAPI() }

    private init() throws(InferenceError) {
        version = String(cString: ms_ort_version())
        guard let table = ms_ort_api() else {
            throw InferenceError(.internalError, "ONNX Runtime \(version) does not support C API version \(ORT_API_VERSION)")
        }
        api = table.pointee
        var env: OpaquePointer?
        let status = api.CreateEnv!(ORT_LOGGING_LEVEL_WARNING, "modelship", &env)
        if let status {
            let message = String(cString: api.GetErrorMessage!(status)!)
            api.ReleaseStatus!(status)
            throw InferenceError(.internalError, "ONNX Runtime could not start: \(message)")
        }
        self.env = env!
    }

    /// Turns an OrtStatus into an error (and releases it); nil means success.
    func check(_ status: OpaquePointer?, _ what: @autoclosure () -> String) throws(InferenceError) {
        guard let status else { return }
        let message = String(cString: api.GetErrorMessage!(status)!)
        let code = api.GetErrorCode!(status)
        api.ReleaseStatus!(status)
        let kind: InferenceError.Kind = code == ORT_INVALID_ARGUMENT ? .badRequest : .internalError
        throw InferenceError(kind, "\(what()): \(message)")
    }

    /// Execution providers compiled into the loaded library, e.g. ["CPUExecutionProvider"].
    func availableProviders() throws(InferenceError) -> [String] {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var count: Int32 = 0
        try check(api.GetAvailableProviders!(&list, &count), "listing execution providers")
        defer { _ = api.ReleaseAvailableProviders!(list, count) }
        return (0..<Int(count)).compactMap { index in list?[index].map { String(cString: $0) } }
    }

    func defaultAllocator() throws(InferenceError) -> OpaquePointer {
        var allocator: OpaquePointer?
        try check(api.GetAllocatorWithDefaultOptions!(&allocator), "getting the default allocator")
        return allocator!
    }
}

extension TensorDataType {
    init?(onnx type: ONNXTensorElementDataType) {
        switch type {
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: self = .bool
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: self = .uint8
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: self = .uint16
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: self = .uint32
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: self = .uint64
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: self = .int8
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: self = .int16
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: self = .int32
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: self = .int64
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: self = .fp16
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: self = .fp32
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: self = .fp64
        case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING: self = .bytes
        default: return nil
        }
    }

    var onnx: ONNXTensorElementDataType {
        switch self {
        case .bool: ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL
        case .uint8: ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8
        case .uint16: ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16
        case .uint32: ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32
        case .uint64: ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64
        case .int8: ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8
        case .int16: ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16
        case .int32: ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32
        case .int64: ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64
        case .fp16: ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16
        case .fp32: ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT
        case .fp64: ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE
        case .bytes: ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING
        }
    }
}
