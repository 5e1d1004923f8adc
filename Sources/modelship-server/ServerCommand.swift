import ArgumentParser
import ModelshipShared
import NIOCore
import NIOPosix
import Foundation

/// `modelship-server`: the inference server the operator runs in every model pod.
@main
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelship-server",
        abstract: "Serve an ONNX model over the Open Inference Protocol v2 and KServe v1, with dynamic batching and Prometheus metrics.",
        discussion: "Runs one event loop per CPU the process may use (its affinity mask, e.g. from taskset or the CPU manager), and Swift tasks on those same threads.",
        subcommands: [ServeCommand.self],
        defaultSubcommand: ServeCommand.self)

    /// Before any task runs: Swift concurrency's global executor becomes NIO's event loops, so request
    /// handlers run where the bytes arrive instead of hopping to a second thread pool per request.
    static func main() async {
        NIOSingletons.groupLoopCountSuggestion = usableCPUCount()
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// CPUs in this process's affinity mask (what taskset or a CPU manager grants, from the kernel's
/// `Cpus_allowed` line; Glibc's module does not import `sched_getaffinity`), else all online CPUs.
func usableCPUCount() -> Int {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
       let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
        let mask = line.dropFirst("Cpus_allowed:".count).filter { $0.isHexDigit }
        let count = mask.reduce(0) { $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount }
        if count > 0 { return count }
    }
    return System.coreCount
}

func env(_ name: String) -> String? { environmentVariable(name) }
