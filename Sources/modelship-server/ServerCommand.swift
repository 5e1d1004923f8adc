import ArgumentParser
import ModelshipShared

/// `modelship-server`: the inference server the operator runs in every model pod.
@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelship-server",
        abstract: "Serve an ONNX model over the Open Inference Protocol v2 and KServe v1, with dynamic batching and Prometheus metrics.",
        subcommands: [ServeCommand.self],
        defaultSubcommand: ServeCommand.self)
}

func env(_ name: String) -> String? { environmentVariable(name) }
