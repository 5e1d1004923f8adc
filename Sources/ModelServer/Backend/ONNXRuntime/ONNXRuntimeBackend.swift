import CONNXRuntime
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an ONNX model through ONNX Runtime. `OrtSession::Run` is thread-safe and the session is never
/// mutated after loading, hence `@unchecked Sendable`.
public final class ONNXRuntimeBackend: InferenceBackend, @unchecked Sendable {
    public let metadata: ModelMetadata
    private let ort: ORTAPI
    private let session: OpaquePointer
    private let allocator: OpaquePointer
    /// C strings of every input and output name, made once: `Run` takes names, and it runs per batch.
    private let cNames: [String: UnsafeMutablePointer<CChar>]

    /// Loads the model at `path`. Errors name the file and ONNX Runtime's reason.
    public init(modelPath path: String, configuration: ORTSessionConfiguration) throws(InferenceError) {
        let ort = try ORTAPI.shared.get()
        self.ort = ort
        allocator = try ort.defaultAllocator()
        let options = try ort.makeSessionOptions(configuration)
        defer { ort.api.ReleaseSessionOptions!(options) }
        var session: OpaquePointer?
        do throws(InferenceError) {
            try ort.check(ort.api.CreateSession!(ort.env, path, options, &session), "\(path) is not a loadable ONNX model")
        } catch {
            throw InferenceError(.internalError, error.message)
        }
        self.session = session!
        do throws(InferenceError) {
            metadata = try ORTSignature.read(session: session!, ort: ort, allocator: allocator)
        } catch {
            ort.api.ReleaseSession!(session)
            throw error
        }
        cNames = Dictionary((metadata.inputs + metadata.outputs).map { ($0.name, strdup($0.name)!) }, uniquingKeysWith: { first, _ in first })
    }

    deinit {
        ort.api.ReleaseSession!(session)
        cNames.values.forEach { free($0) }
    }

    /// ONNX Runtime's version string, e.g. "1.32.0".
    public static func runtimeVersion() throws(InferenceError) -> String {
        try ORTAPI.shared.get().version
    }

    public func infer(_ inputs: [Tensor], outputs: [String]) throws(InferenceError) -> [Tensor] {
        var values: [OpaquePointer?] = []
        defer { values.forEach { ort.api.ReleaseValue!($0) } }
        for input in inputs { values.append(try makeValue(input)) }

        var inputNamePointers = try inputs.map { (input) throws(InferenceError) in try cName(input.name) }
        var outputNamePointers = try outputs.map { (name) throws(InferenceError) in try cName(name) }
        var results = [OpaquePointer?](repeating: nil, count: outputs.count)
        defer { results.forEach { if let value = $0 { ort.api.ReleaseValue!(value) } } }

        try ort.check(ort.api.Run!(session, nil, &inputNamePointers, &values, inputs.count,
                                   &outputNamePointers, outputs.count, &results), "running the model")
        var tensors: [Tensor] = []
        for (name, value) in zip(outputs, results) {
            tensors.append(try readValue(value!, name: name))
        }
        return tensors
    }

    private func cName(_ name: String) throws(InferenceError) -> UnsafePointer<CChar>? {
        guard let pointer = cNames[name] else { throw .bad("the model has no input or output named '\(name)'") }
        return UnsafePointer(pointer)
    }

    private func makeValue(_ tensor: Tensor) throws(InferenceError) -> OpaquePointer {
        var value: OpaquePointer?
        let shape = tensor.shape.map(Int64.init)
        try ort.check(ort.api.CreateTensorAsOrtValue!(allocator, shape, shape.count, tensor.dataType.onnx, &value),
                      "allocating input '\(tensor.name)'")
        do throws(InferenceError) {
            switch tensor.storage {
            case .raw(let bytes):
                var data: UnsafeMutableRawPointer?
                try ort.check(ort.api.GetTensorMutableData!(value, &data), "mapping input '\(tensor.name)'")
                bytes.withUnsafeBytes { source in
                    if let base = source.baseAddress, let data { data.copyMemory(from: base, byteCount: source.count) }
                }
            case .strings(let strings):
                try fillStrings(value!, strings, input: tensor.name)
            }
        } catch {
            ort.api.ReleaseValue!(value)
            throw error
        }
        return value!
    }

    /// ONNX Runtime takes string elements as C strings, so an element may not contain a NUL byte.
    private func fillStrings(_ value: OpaquePointer, _ strings: [[UInt8]], input: String) throws(InferenceError) {
        guard !strings.contains(where: { $0.contains(0) }) else {
            throw .bad("input '\(input)': BYTES elements may not contain NUL bytes for ONNX models")
        }
        let copies: [UnsafeMutablePointer<CChar>] = strings.map { bytes in
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBytes { UnsafeMutableRawPointer(copy).copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(copy), byteCount: bytes.count) }
            copy[bytes.count] = 0
            return copy
        }
        defer { copies.forEach { $0.deallocate() } }
        var pointers = copies.map { UnsafePointer<CChar>?(UnsafePointer($0)) }
        try ort.check(ort.api.FillStringTensor!(value, &pointers, strings.count), "filling input '\(input)'")
    }

    private func readValue(_ value: OpaquePointer, name: String) throws(InferenceError) -> Tensor {
        var info: OpaquePointer?
        try ort.check(ort.api.GetTensorTypeAndShape!(value, &info), "reading output '\(name)'")
        defer { ort.api.ReleaseTensorTypeAndShapeInfo!(info) }
        let (onnxType, shape) = try ORTSignature.typeAndShape(info!, ort: ort)
        guard let type = TensorDataType(onnx: onnxType) else {
            throw InferenceError(.internalError, "output '\(name)' has ONNX element type \(onnxType.rawValue), which the protocols cannot carry")
        }
        let count = Tensor.elementCount(of: shape)
        guard let size = type.elementSize else {
            return Tensor(name: name, dataType: type, shape: shape, storage: .strings(try readStrings(value, count: count, output: name)))
        }
        var data: UnsafeMutableRawPointer?
        try ort.check(ort.api.GetTensorMutableData!(value, &data), "mapping output '\(name)'")
        let bytes = count == 0 ? [] : [UInt8](UnsafeRawBufferPointer(start: data, count: count * size))
        return Tensor(name: name, dataType: type, shape: shape, storage: .raw(bytes))
    }

    private func readStrings(_ value: OpaquePointer, count: Int, output: String) throws(InferenceError) -> [[UInt8]] {
        var total = 0
        try ort.check(ort.api.GetStringTensorDataLength!(value, &total), "sizing output '\(output)'")
        var content = [UInt8](repeating: 0, count: max(total, 1))
        var offsets = [Int](repeating: 0, count: max(count, 1))
        try ort.check(ort.api.GetStringTensorContent!(value, &content, total, &offsets, count), "reading output '\(output)'")
        return (0..<count).map { index in
            let end = index + 1 < count ? offsets[index + 1] : total
            return Array(content[offsets[index]..<end])
        }
    }
}
