/// What the HTTP layer and the batcher need from a model runtime. ONNX Runtime is the product's
/// backend; tests may plug in a deterministic one.
public protocol InferenceBackend: Sendable {
    var metadata: ModelMetadata { get }
    /// Runs one (possibly batched) request. Called from a dedicated thread: it may block.
    func infer(_ inputs: [Tensor], outputs: [String]) throws(InferenceError) -> [Tensor]
}

/// A model's signature as the runtime reports it.
public struct ModelMetadata: Sendable, Equatable {
    public struct TensorSpec: Sendable, Equatable {
        public var name: String
        public var dataType: TensorDataType
        /// -1 marks a dynamic dimension.
        public var shape: [Int]

        public init(name: String, dataType: TensorDataType, shape: [Int]) {
            self.name = name
            self.dataType = dataType
            self.shape = shape
        }
    }

    public var platform: String
    public var inputs: [TensorSpec]
    public var outputs: [TensorSpec]

    public init(platform: String, inputs: [TensorSpec], outputs: [TensorSpec]) {
        self.platform = platform
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Requests can be concatenated along the first dimension only when every input and output has a
    /// dynamic first dimension.
    public var supportsBatching: Bool {
        (inputs + outputs).allSatisfy { $0.shape.first == -1 }
    }
}
