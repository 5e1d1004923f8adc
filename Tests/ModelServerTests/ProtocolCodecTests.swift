import Foundation
import NIOCore
import Testing
@testable import ModelServer

@Suite("OIP v2 request and response codec")
struct ProtocolCodecTests {
    func decode(_ json: String, binary: [UInt8] = []) throws(InferenceError) -> InferenceRequest {
        var buffer = ByteBuffer(string: json)
        buffer.writeBytes(binary)
        return try OIPRequestDecoder.decode(buffer, jsonLength: binary.isEmpty ? nil : json.utf8.count)
    }

    @Test func flatAndNestedDataParseIntoRawElements() throws {
        let request = try decode("""
        {"id":"r1","inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","data":[[1.5,-2],[3e2,0.1]]},
         {"data":[7,-9223372036854775808],"name":"k","datatype":"INT64","shape":[2]}],
         "outputs":[{"name":"y","parameters":{"binary_data":true}}],"parameters":{"binary_data_output":false,"n":3}}
        """)
        #expect(request.id == "r1")
        #expect(request.inputs[0].values(as: Float.self) == [1.5, -2, 300, 0.1])
        #expect(request.inputs[1].values(as: Int64.self) == [7, Int64.min])
        #expect(request.outputs == [RequestedOutput(name: "y", binary: true)])
        #expect(request.parameters["binary_data_output"] == .bool(false))
        #expect(request.parameters["n"] == .int(3))
    }

    @Test func numbersRoundLikeStrtod() throws {
        let literals = ["0.1", "1e-7", "123456789012345678901234567890", "2.2250738585072014e-308", "-0.0", "1.7976931348623157e308"]
        let request = try decode("{\"inputs\":[{\"name\":\"x\",\"shape\":[\(literals.count)],\"datatype\":\"FP64\",\"data\":[\(literals.joined(separator: ","))]}]}")
        #expect(request.inputs[0].values(as: Double.self) == literals.map { Double($0)! })
    }

    /// FP32 data is read as Python does it (`json` to double, numpy to float) but without strtod for most
    /// values: every literal must land on exactly the float of that two-step rounding.
    @Test func float32ElementsEqualDoubleThenFloatRounding() throws {
        var generator = SystemRandomNumberGenerator()
        // Shapes the eight-digits-at-a-time path meets at its edges, then random ones.
        var literals = ["0.028422242030501366", "-1.3031572103500366", "12345678.123456789", "123456789012", "0.00000000123456789",
                        "1E5", "-0e0", "99999999999999999999", "0.1234567", "0.12345678", "0.123456789", "7.0000000000000001"]
        for _ in 0..<20_000 {
            let double = Double(bitPattern: generator.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x3C00_0000_0000_0000) // ~1e-19...1e19
            let float = Float(Double.random(in: -1000...1000, using: &generator))
            literals += [double.description, Double(float).description, float.description, String(format: "%.9e", double)]
        }
        let json = "{\"inputs\":[{\"name\":\"x\",\"shape\":[\(literals.count)],\"datatype\":\"FP32\",\"data\":[\(literals.joined(separator: ","))]}]}"
        let parsed = try decode(json).inputs[0].values(as: Float.self)
        let expected = literals.map { Float(Double($0)!) }
        let mismatches = zip(literals, zip(parsed, expected)).filter { $1.0.bitPattern != $1.1.bitPattern }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func stringsWithEscapesAndBytes() throws {
        let request = try decode(#"{"inputs":[{"name":"s","shape":[2],"datatype":"BYTES","data":["a\"b\n","\u00e9\ud83d\ude00"]}]}"#)
        #expect(request.inputs[0].storage == .strings([Array("a\"b\n".utf8), Array("é😀".utf8)]))
    }

    @Test func binaryTensorDataFollowsTheJSON() throws {
        let floats: [Float] = [1, 2, 3]
        let bytes = floats.withUnsafeBytes { [UInt8]($0) }
        let request = try decode(#"{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","parameters":{"binary_data_size":12}}]}"#, binary: bytes)
        #expect(request.inputs[0].values(as: Float.self) == floats)
    }

    @Test(arguments: [
        (#"{"inputs":[{"name":"x","shape":[3],"datatype":"FP32","data":[1,2]}]}"#, "has 2 elements but shape [3] needs 3"),
        (#"{"inputs":[{"name":"x","shape":[1],"datatype":"FP99","data":[1]}]}"#, "unknown datatype 'FP99'"),
        (#"{"inputs":[{"name":"x","shape":[1],"datatype":"INT8","data":[300]}]}"#, "integer out of range"),
        (#"{"inputs":[{"name":"x","shape":[1],"datatype":"INT32","data":[1.5]}]}"#, "expected an integer"),
        (#"{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","data":[[1,2],[3]]}]}"#, "ragged"),
        (#"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]"#, "expected ',' or '}'"),
        (#"{"inputs":[]}"#, "request has no inputs"),
        (#"{"inputs":[{"name":"x","datatype":"FP32","data":[1]}]}"#, "has no shape"),
        (#"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]} x"#, "trailing data"),
        (#"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[01]}]}"#, "leading zero"),
    ])
    func malformedRequestsNameTheProblem(json: String, message: String) {
        #expect {
            _ = try decode(json)
        } throws: { error in
            guard let error = error as? InferenceError else { return false }
            return error.kind == .badRequest && error.message.contains(message)
        }
    }

    @Test func binaryDataMustBeClaimedExactly() {
        #expect(throws: InferenceError.self) {
            _ = try decode(#"{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":4}}]}"#, binary: [0, 0, 0, 0, 9])
        }
    }

    @Test func responseWritesJSONAndBinaryOutputs() throws {
        let y = Tensor(name: "y", dataType: .fp32, shape: [1, 2], values: [Float(0.5), .infinity])
        let z = Tensor(name: "z", dataType: .int64, shape: [2], values: [Int64(-3), 4])
        let encoded = OIPResponseEncoder.encode(model: "m", version: "2", response: InferenceResponse(id: "a", outputs: [y, z]),
                                                requested: [RequestedOutput(name: "z", binary: true)], binaryByDefault: false)
        let jsonLength = try #require(encoded.jsonLength)
        let json = String(buffer: encoded.body.getSlice(at: 0, length: jsonLength)!)
        #expect(json == #"{"model_name":"m","model_version":"2","id":"a","outputs":[{"name":"y","datatype":"FP32","shape":[1,2],"data":[0.5,Infinity]},{"name":"z","datatype":"INT64","shape":[2],"parameters":{"binary_data_size":16}}]}"#)
        #expect(encoded.body.readableBytes == jsonLength + 16)
    }

    @Test func kserveV1RowsFollowTheOutputShape() {
        let y = Tensor(name: "y", dataType: .int32, shape: [2, 2, 1], values: [Int32(1), 2, 3, 4])
        #expect(String(buffer: KServeV1.encode([y])) == #"{"predictions":[[[1],[2]],[[3],[4]]]}"#)
        let scalarRows = Tensor(name: "p", dataType: .fp64, shape: [2], values: [0.25, 1])
        let labels = Tensor(name: "l", dataType: .bytes, shape: [2], storage: .strings([Array("a".utf8), Array("b".utf8)]))
        #expect(String(buffer: KServeV1.encode([scalarRows, labels])) == #"{"predictions":[{"p":0.25,"l":"a"},{"p":1.0,"l":"b"}]}"#)
    }
}
