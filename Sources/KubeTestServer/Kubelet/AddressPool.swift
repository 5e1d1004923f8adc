import Synchronization

/// Hands out addresses of a loopback /16 (Linux routes all of 127.0.0.0/8 to `lo`, so a process can listen
/// on any of them with no setup): one per running pod, so replicas use the same port as in a cluster.
final class AddressPool: Sendable {
    private struct State {
        var next: UInt32 = 2
        var free: [UInt32] = []
    }

    let prefix: String
    private let state = Mutex(State())

    /// `prefix` is the first two octets, e.g. "127.1".
    init(prefix: String) { self.prefix = prefix }

    func allocate() -> String? {
        state.withLock { state -> String? in
            // The oldest released address first, so a stale endpoint is unlikely to reach a new pod.
            if let reused = state.free.popLast() { return format(reused) }
            while state.next < 0xFFFF {
                let host = state.next
                state.next += 1
                if host & 0xFF != 0, host & 0xFF != 0xFF { return format(host) }
            }
            return nil
        }
    }

    private func format(_ host: UInt32) -> String { "\(prefix).\(host >> 8).\(host & 0xFF)" }

    func release(_ address: String) {
        let octets = address.split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, "\(octets[0]).\(octets[1])" == prefix else { return }
        state.withLock { $0.free.insert(octets[2] << 8 | octets[3], at: 0) }
    }
}
