/// Checks a decoded request against the model's signature, so a bad request fails alone with a clear
/// message instead of failing a whole batch inside the runtime. Returns the inputs in model order.
enum RequestValidator {
    /// Linear scans, no sets: models have a handful of inputs, this runs on every request, and
    /// every scan is bounded by (request inputs) x (model inputs).
    static func validate(_ request: InferenceRequest, against metadata: ModelMetadata) throws(InferenceError) -> InferenceRequest {
        if let unknown = request.inputs.first(where: { input in !metadata.inputs.contains { $0.name == input.name } }) {
            throw .bad("unknown input '\(unknown.name)'; the model's inputs are \(list(metadata.inputs.map(\.name)))")
        }
        var ordered: [Tensor] = []
        ordered.reserveCapacity(metadata.inputs.count)
        for spec in metadata.inputs {
            var match: Tensor?
            for input in request.inputs where input.name == spec.name {
                guard match == nil else { throw .bad("input '\(spec.name)' is given twice") }
                match = input
            }
            guard let input = match else {
                throw .bad("missing input '\(spec.name)'; the model's inputs are \(list(metadata.inputs.map(\.name)))")
            }
            try check(input, spec)
            ordered.append(input)
        }
        if metadata.supportsBatching, let rows = ordered.first?.shape.first,
           let other = ordered.first(where: { $0.shape.first != rows }) {
            throw .bad("input '\(other.name)' has \(other.shape.first ?? 0) rows but '\(ordered[0].name)' has \(rows); all inputs must agree on the first dimension")
        }
        if let unknown = request.outputs.first(where: { wanted in !metadata.outputs.contains { $0.name == wanted.name } }) {
            throw .bad("unknown output '\(unknown.name)'; the model's outputs are \(list(metadata.outputs.map(\.name)))")
        }
        var validated = request
        validated.inputs = ordered
        return validated
    }

    private static func check(_ input: Tensor, _ spec: ModelMetadata.TensorSpec) throws(InferenceError) {
        guard input.dataType == spec.dataType else {
            throw .bad("input '\(input.name)' has datatype \(input.dataType.rawValue) but the model expects \(spec.dataType.rawValue)")
        }
        let matches = input.shape.count == spec.shape.count
            && zip(input.shape, spec.shape).allSatisfy { given, expected in expected == -1 || given == expected }
        guard matches else {
            throw .bad("input '\(input.name)' has shape \(input.shape) but the model expects [\(spec.shape.map(String.init).joined(separator: ", "))] (-1: any size)")
        }
    }

    private static func list(_ names: [String]) -> String {
        names.map { "'\($0)'" }.joined(separator: ", ")
    }
}
