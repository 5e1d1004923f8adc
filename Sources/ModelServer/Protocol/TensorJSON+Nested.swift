/// KServe v1 rows: each row of a tensor as a nested array following the remaining dimensions.
extension TensorJSON {
    /// Row `row` (elements along dimensions 1...) as nested arrays; a rank-1 tensor's row is one scalar.
    static func writeRow(_ tensor: Tensor, row: Int, to json: inout JSONWriter) {
        let inner = Array(tensor.shape.dropFirst())
        let perRow = Tensor.elementCount(of: inner)
        guard !inner.isEmpty else {
            writeScalar(tensor, index: row, to: &json)
            return
        }
        var next = row * perRow
        writeNested(tensor, dims: inner[...], next: &next, to: &json)
    }

    private static func writeNested(_ tensor: Tensor, dims: ArraySlice<Int>, next: inout Int, to json: inout JSONWriter) {
        guard let count = dims.first else { return }
        if dims.count == 1 {
            writeElements(tensor, range: next..<next + count, to: &json)
            next += count
            return
        }
        json.raw("[")
        for index in 0..<count {
            if index > 0 { json.raw(",") }
            writeNested(tensor, dims: dims.dropFirst(), next: &next, to: &json)
        }
        json.raw("]")
    }

    private static func writeScalar(_ tensor: Tensor, index: Int, to json: inout JSONWriter) {
        writeElements(tensor, range: index..<index + 1, to: &json, bracketed: false)
    }
}
