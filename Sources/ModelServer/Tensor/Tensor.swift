/// A named tensor in the server's one in-memory form: shape plus contiguous little-endian element bytes
/// (what ONNX Runtime and the binary tensor extension both use), or, for BYTES, the element strings.
public struct Tensor: Sendable, Equatable {
    public enum Storage: Sendable, Equatable {
        case raw([UInt8])
        case strings([[UInt8]])
    }

    public var name: String
    public var dataType: TensorDataType
    public var shape: [Int]
    public var storage: Storage

    public init(name: String, dataType: TensorDataType, shape: [Int], storage: Storage) {
        self.name = name
        self.dataType = dataType
        self.shape = shape
        self.storage = storage
    }

    /// Elements implied by the shape (1 for a scalar).
    public var elementCount: Int { Tensor.elementCount(of: shape) }

    /// Rows along the first dimension, the one batching concatenates.
    public var rows: Int { shape.first ?? 1 }

    static func elementCount(of shape: [Int]) -> Int {
        shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
    }

    /// A tensor built from typed values, for tests and the backend.
    public init<T: BitwiseCopyable>(name: String, dataType: TensorDataType, shape: [Int], values: [T]) {
        precondition(MemoryLayout<T>.size == dataType.elementSize, "element size mismatch")
        let bytes = values.withUnsafeBytes { [UInt8]($0) }
        self.init(name: name, dataType: dataType, shape: shape, storage: .raw(bytes))
    }

    /// The elements as `T` (which must match the element size); empty for BYTES.
    public func values<T: BitwiseCopyable>(as type: T.Type) -> [T] {
        guard case .raw(let bytes) = storage, MemoryLayout<T>.size == dataType.elementSize else { return [] }
        let count = bytes.count / MemoryLayout<T>.size
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<count * MemoryLayout<T>.size]))
            }
            initialized = count
        }
    }
}
