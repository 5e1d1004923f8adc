/// Tensor element types by their Open Inference Protocol names (the same names Triton and KServe use).
public enum TensorDataType: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case uint8 = "UINT8", uint16 = "UINT16", uint32 = "UINT32", uint64 = "UINT64"
    case int8 = "INT8", int16 = "INT16", int32 = "INT32", int64 = "INT64"
    case fp16 = "FP16", fp32 = "FP32", fp64 = "FP64"
    case bytes = "BYTES"

    /// Bytes per element in the tensor's raw form; nil for BYTES, whose elements vary in length.
    public var elementSize: Int? {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        case .bytes: nil
        }
    }

    var isFloatingPoint: Bool { self == .fp16 || self == .fp32 || self == .fp64 }
    var isSignedInteger: Bool { [.int8, .int16, .int32, .int64].contains(self) }
    var isUnsignedInteger: Bool { [.uint8, .uint16, .uint32, .uint64].contains(self) }
}
