/// `networking.k8s.io/v1.NetworkPolicySpec`: the ingress half, which is what the operator writes.
public struct NetworkPolicySpec: Codable, Sendable, Hashable {
    /// Where traffic may come from: pods matching `podSelector` in namespaces matching `namespaceSelector`
    /// (either alone narrows to that dimension), or addresses in `ipBlock`.
    public struct Peer: Codable, Sendable, Hashable {
        public var podSelector: LabelSelectorSpec?
        public var namespaceSelector: LabelSelectorSpec?
        public var ipBlock: IPBlock?
        public init(podSelector: LabelSelectorSpec? = nil, namespaceSelector: LabelSelectorSpec? = nil, ipBlock: IPBlock? = nil) {
            self.podSelector = podSelector
            self.namespaceSelector = namespaceSelector
            self.ipBlock = ipBlock
        }
    }
    public struct IPBlock: Codable, Sendable, Hashable {
        public var cidr: String
        public var except: [String]?
        public init(cidr: String, except: [String]? = nil) {
            self.cidr = cidr
            self.except = except
        }
    }
    public struct Port: Codable, Sendable, Hashable {
        public var `protocol`: String?
        public var port: IntOrString?
        public var endPort: Int?
        public init(protocol: String? = nil, port: IntOrString? = nil) {
            self.protocol = `protocol`
            self.port = port
        }
    }
    public struct IngressRule: Codable, Sendable, Hashable {
        public var from: [Peer]?
        public var ports: [Port]?
        public init(from: [Peer]? = nil, ports: [Port]? = nil) {
            self.from = from
            self.ports = ports
        }
    }
    public var podSelector = LabelSelectorSpec()
    public var policyTypes: [String]?
    public var ingress: [IngressRule]?
    public var egress: [JSONValue]?
    public init() {}
}
