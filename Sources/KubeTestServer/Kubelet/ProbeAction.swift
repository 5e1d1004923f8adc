import AsyncHTTPClient
import Foundation
import KubeClient
import NIOCore
import NIOHTTP1
import NIOSSL
import NIOPosix

/// Runs a probe once, as kubelet's prober does: httpGet succeeds on a status in 200..<400, tcpSocket when a
/// connection opens, exec when the command exits 0; each within `timeoutSeconds`.
struct ProbeAction: Sendable {
    let probe: JSONValue
    let container: JSONValue
    let podIP: String
    /// Runs an exec probe's command in the container's environment; returns its exit code (nil: timed out).
    let exec: @Sendable ([String], Duration) async -> Int32?

    static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.tlsConfiguration = .clientDefault
        configuration.tlsConfiguration?.certificateVerification = .none
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    var timeout: Duration { .seconds(max(1, probe["timeoutSeconds"]?.intValue ?? 1)) }

    /// The outcome and, for a failure, kubelet's message (shown in `Unhealthy` Events).
    func run() async -> (success: Bool, message: String) {
        if let http = probe["httpGet"] { return await httpGet(http) }
        if let tcp = probe["tcpSocket"] { return await tcpSocket(tcp) }
        if let command = probe[path: ["exec", "command"]]?.arrayValue?.compactMap(\.stringValue) {
            guard let code = await exec(command, timeout) else { return (false, "command timed out after \(timeout)") }
            return (code == 0, "command \(command) exited with \(code)")
        }
        return (false, "probe has no handler")
    }

    func port(_ value: JSONValue?) -> Int? {
        if let number = value?.intValue { return Int(number) }
        guard let name = value?.stringValue else { return nil }
        if let number = Int(name) { return number }
        return (container["ports"]?.arrayValue ?? []).first { $0["name"]?.stringValue == name }?["containerPort"]?.intValue.map(Int.init)
    }

    private func httpGet(_ action: JSONValue) async -> (Bool, String) {
        guard let port = port(action["port"]) else { return (false, "unknown port \(action["port"]?.jsonString ?? "")") }
        let scheme = action["scheme"]?.stringValue?.lowercased() ?? "http"
        let host = action["host"]?.stringValue ?? podIP
        var path = action["path"]?.stringValue ?? "/"
        if !path.hasPrefix("/") { path = "/" + path }
        var request = HTTPClientRequest(url: "\(scheme)://\(host):\(port)\(path)")
        request.headers.add(name: "User-Agent", value: "kube-probe/1.31")
        request.headers.add(name: "Accept", value: "*/*")
        for header in action["httpHeaders"]?.arrayValue ?? [] {
            if let name = header["name"]?.stringValue, let value = header["value"]?.stringValue { request.headers.replaceOrAdd(name: name, value: value) }
        }
        do {
            let response = try await Self.httpClient.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            _ = try? await response.body.collect(upTo: 10 * 1024)
            let code = Int(response.status.code)
            return ((200..<400).contains(code), "HTTP probe failed with statuscode: \(code)")
        } catch {
            return (false, "Get \"\(scheme)://\(host):\(port)\(path)\": \(error)")
        }
    }

    private func tcpSocket(_ action: JSONValue) async -> (Bool, String) {
        guard let port = port(action["port"]) else { return (false, "unknown port") }
        let host = action["host"]?.stringValue ?? podIP
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(timeout.components.seconds))
                .connect(host: host, port: port).get()
            try? await channel.close()
            return (true, "")
        } catch {
            return (false, "dial tcp \(host):\(port): \(error)")
        }
    }
}
