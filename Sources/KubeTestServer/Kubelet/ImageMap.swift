/// Which container images the local kubelet runs, and how: each mapped image stands for an executable on
/// this machine (the image's entrypoint) and the environment its image config declares. Pods whose images
/// are not all mapped stay simulated.
public struct ImageMap: Sendable, Equatable {
    public struct Image: Sendable, Equatable {
        /// The entrypoint: what runs when the container sets no `command`.
        public var executable: String
        /// The image config's `Env`, under the pod's own variables; `$(POD_IP)`, `$(POD_NAME)` and
        /// `$(POD_NAMESPACE)` in a value are the pod's.
        public var environment: [String: String]

        public init(executable: String, environment: [String: String] = [:]) {
            self.executable = executable
            self.environment = environment
        }
    }

    /// Keys are image references (`repo:tag`, `repo@digest`) or bare repositories, which match every tag.
    public private(set) var images: [String: Image] = [:]

    public init(_ images: [String: Image] = [:]) { self.images = images }

    public var isEmpty: Bool { images.isEmpty }

    public mutating func map(_ reference: String, to image: Image) { images[reference] = image }

    /// The exact reference first, then its repository.
    public func image(for reference: String) -> Image? {
        images[reference] ?? images[Self.repository(of: reference)]
    }

    /// `ghcr.io/a/b:1.2@sha256:...` -> `ghcr.io/a/b` (a registry port is not a tag).
    static func repository(of reference: String) -> String {
        var name = Substring(reference)
        if let at = name.firstIndex(of: "@") { name = name[..<at] }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
        return String(name)
    }

    public enum ParseError: Error, CustomStringConvertible {
        case malformed(String)
        case unknownImage(String)
        public var description: String {
            switch self {
            case .malformed(let text): "expected IMAGE=VALUE, got '\(text)'"
            case .unknownImage(let image): "--image-env names \(image), which no --run-image maps"
            }
        }
    }

    /// From `IMAGE=EXECUTABLE` flags and `IMAGE=NAME=VALUE` environment flags.
    public static func parse(run: [String], environment: [String] = []) throws(ParseError) -> ImageMap {
        var map = ImageMap()
        for flag in run {
            guard let equals = flag.lastIndex(of: "="), equals != flag.startIndex, flag.index(after: equals) != flag.endIndex else {
                throw .malformed(flag)
            }
            map.map(String(flag[..<equals]), to: Image(executable: String(flag[flag.index(after: equals)...])))
        }
        for flag in environment {
            let parts = flag.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { throw .malformed(flag) }
            guard map.images[String(parts[0])] != nil else { throw .unknownImage(String(parts[0])) }
            map.images[String(parts[0])]?.environment[String(parts[1])] = String(parts[2])
        }
        return map
    }
}
