/// An inference `parameters` value: the protocols allow booleans, numbers and strings only.
public enum ParameterValue: Sendable, Equatable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case .int(let value): value
        case .double(let value) where value == value.rounded() && abs(value) < 9e15: Int64(value)
        default: nil
        }
    }
}

extension JSONReader {
    mutating func readParameters() throws(InferenceError) -> [String: ParameterValue] {
        var values: [String: ParameterValue] = [:]
        try readObject { (reader, key) throws(InferenceError) in
            switch reader.peek() {
            case UInt8(ascii: "t"), UInt8(ascii: "f"): values[key] = .bool(try reader.readBool())
            case UInt8(ascii: "\""): values[key] = .string(try reader.readString())
            case UInt8(ascii: "n"): try reader.readNull()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                throw InferenceError.bad("parameter '\(key)' must be a boolean, number or string")
            default:
                let number = try reader.numberToken()
                if let integer = try? reader.integer(from: number, in: Int64.min...Int64.max) {
                    values[key] = .int(integer)
                } else {
                    values[key] = .double(reader.double(from: number))
                }
            }
        }
        return values
    }
}
