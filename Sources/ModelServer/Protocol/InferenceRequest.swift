/// One inference call in protocol-neutral form: what the batcher and the backend see.
public struct InferenceRequest: Sendable {
    public var id: String?
    public var parameters: [String: ParameterValue]
    public var inputs: [Tensor]
    /// Outputs to return, in order; empty means every output of the model.
    public var outputs: [RequestedOutput]

    public init(id: String? = nil, parameters: [String: ParameterValue] = [:], inputs: [Tensor], outputs: [RequestedOutput] = []) {
        self.id = id
        self.parameters = parameters
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Rows along the first dimension (every input must agree for batching).
    public var rows: Int { inputs.first?.rows ?? 0 }
}

public struct RequestedOutput: Sendable, Equatable {
    public var name: String
    /// The binary tensor extension's per-output `binary_data`; nil leaves it to the request default.
    public var binary: Bool?

    public init(name: String, binary: Bool? = nil) {
        self.name = name
        self.binary = binary
    }
}

public struct InferenceResponse: Sendable {
    public var id: String?
    public var outputs: [Tensor]

    public init(id: String?, outputs: [Tensor]) {
        self.id = id
        self.outputs = outputs
    }
}
