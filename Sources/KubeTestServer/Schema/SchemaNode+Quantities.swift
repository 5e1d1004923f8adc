import KubeClient

extension SchemaNode {
    /// Rewrites every Quantity in canonical form, as decoding into Go's `resource.Quantity` and encoding
    /// again does on kube-apiserver (`0.5` is stored as `500m`). Returns the Go decoding error for a value
    /// that is not a quantity.
    func canonicalizeQuantities(_ value: inout JSONValue) -> String? {
        guard holdsQuantities else { return nil }
        if isQuantity {
            guard let quantity = Quantity(json: value) else { return nil }
            guard let amount = quantity.amount else { return Quantity.syntaxMessage }
            value = .string(amount.canonical)
            return nil
        }
        switch value {
        case .object(var object):
            var failure: String?
            for index in object.values.indices where failure == nil {
                let key = object.keys[index]
                guard let schema = properties[key] ?? additionalProperties else { continue }
                failure = schema.canonicalizeQuantities(&object.values[index])
            }
            value = .object(object)
            return failure
        case .array(var array):
            guard let items else { return nil }
            var failure: String?
            for index in array.indices where failure == nil { failure = items.canonicalizeQuantities(&array[index]) }
            value = .array(array)
            return failure
        default:
            return nil
        }
    }
}
