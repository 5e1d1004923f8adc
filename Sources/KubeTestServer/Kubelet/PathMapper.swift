import Foundation

/// Where a container's mount paths live on this machine. Pods run as plain processes in the host's file
/// system, so each volume is a directory in the pod's sandbox, and a path under a mount path in the
/// container's command, args, environment or working directory is rewritten to that directory (the
/// longest mount path wins). A path counts where a value starts with it, or after `=` or `file://`.
struct PathMapper: Sendable, Equatable {
    /// Container path -> host path, longest container path first.
    let mounts: [(container: String, host: String)]

    init(_ mounts: [String: String]) {
        self.mounts = mounts.map { (container: Self.trimmed($0.key), host: Self.trimmed($0.value)) }
            .sorted { $0.container.count > $1.container.count }
    }

    static func == (lhs: PathMapper, rhs: PathMapper) -> Bool {
        lhs.mounts.map(\.container) == rhs.mounts.map(\.container) && lhs.mounts.map(\.host) == rhs.mounts.map(\.host)
    }

    private static func trimmed(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// The host path for a container path, if a mount covers it.
    func hostPath(_ path: String) -> String? {
        for mount in mounts where path == mount.container || path.hasPrefix(mount.container + "/") {
            return mount.host + path.dropFirst(mount.container.count)
        }
        return nil
    }

    /// Rewrites the mapped paths a value mentions.
    func map(_ value: String) -> String {
        if let mapped = hostPath(value) { return mapped }
        for marker in ["=", "file://"] {
            guard let range = value.range(of: marker) else { continue }
            let tail = String(value[range.upperBound...])
            if let mapped = hostPath(tail) { return value[..<range.upperBound] + mapped }
        }
        return value
    }
}
