import CONNXRuntime
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a session runs: threads, graph optimisation and device.
public struct ORTSessionConfiguration: Sendable, Equatable {
    public enum Device: Sendable, Equatable {
        case cpu
        case cuda(deviceID: Int)
    }

    public enum Optimization: String, Sendable, CaseIterable {
        case disabled = "disable", basic, extended, all

        var level: GraphOptimizationLevel {
            switch self {
            case .disabled: ORT_DISABLE_ALL
            case .basic: ORT_ENABLE_BASIC
            case .extended: ORT_ENABLE_EXTENDED
            case .all: ORT_ENABLE_ALL
            }
        }
    }

    /// Intra-op threads; 0 lets ONNX Runtime choose (one per physical core).
    public var intraOpThreads: Int = 0
    public var interOpThreads: Int = 1
    public var optimization: Optimization = .all
    public var device: Device = .cpu
    /// Idle ORT threads spin for work by default; off, they leave the CPUs to the HTTP event loops.
    public var allowSpinning = false

    public init() {}
}

extension ORTAPI {
    /// Builds session options; asking for CUDA where the library has no CUDA provider is an error,
    /// never a silent CPU fallback.
    func makeSessionOptions(_ configuration: ORTSessionConfiguration) throws(InferenceError) -> OpaquePointer {
        var options: OpaquePointer?
        try check(api.CreateSessionOptions!(&options), "creating session options")
        do throws(InferenceError) {
            try check(api.SetIntraOpNumThreads!(options, Int32(configuration.intraOpThreads)), "setting intra-op threads")
            try check(api.SetInterOpNumThreads!(options, Int32(configuration.interOpThreads)), "setting inter-op threads")
            try check(api.SetSessionGraphOptimizationLevel!(options, configuration.optimization.level), "setting the optimisation level")
            try check(api.AddSessionConfigEntry!(options, "session.intra_op.allow_spinning", configuration.allowSpinning ? "1" : "0"),
                      "configuring thread spinning")
            if case .cuda(let deviceID) = configuration.device {
                try appendCUDA(to: options!, deviceID: deviceID)
            }
        } catch {
            api.ReleaseSessionOptions!(options)
            throw error
        }
        return options!
    }

    private func appendCUDA(to options: OpaquePointer, deviceID: Int) throws(InferenceError) {
        let providers = try availableProviders()
        guard providers.contains("CUDAExecutionProvider") else {
            throw InferenceError(.internalError,
                "--device cuda needs ONNX Runtime's CUDA execution provider, but this library (\(version)) has only \(providers.joined(separator: ", ")); install the onnxruntime-gpu build")
        }
        var cuda: OpaquePointer?
        try check(api.CreateCUDAProviderOptions!(&cuda), "creating CUDA provider options")
        defer { api.ReleaseCUDAProviderOptions!(cuda) }
        let key = strdup("device_id")!, value = strdup(String(deviceID))!
        defer { free(key); free(value) }
        var keys: [UnsafePointer<CChar>?] = [UnsafePointer(key)]
        var values: [UnsafePointer<CChar>?] = [UnsafePointer(value)]
        try check(api.UpdateCUDAProviderOptions!(cuda, &keys, &values, 1), "setting the CUDA device")
        try check(api.SessionOptionsAppendExecutionProvider_CUDA_V2!(options, cuda),
                  "enabling the CUDA execution provider (is the CUDA runtime and cuDNN installed?)")
    }
}
