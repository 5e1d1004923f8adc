/// A coding path kept as a chain to its parent, so a nested value costs one small node instead of a copied
/// array; the array is only built when someone asks (an error message, a custom `Codable` implementation).
indirect enum CodingPath {
    case root
    case key(CodingPath, any CodingKey)

    func appending(_ key: any CodingKey) -> CodingPath { .key(self, key) }
    func appending(index: Int) -> CodingPath { .key(self, IndexKey(index)) }

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node = self
        while case .key(let parent, let key) = node {
            keys.append(key)
            node = parent
        }
        return keys.reversed()
    }
}

/// The key of an array element or of `super`, as Foundation's coders name them.
struct IndexKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ index: Int) {
        stringValue = "Index \(index)"
        intValue = index
    }
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init?(intValue: Int) { self.init(intValue) }

    static let `super` = IndexKey(stringValue: "super")
}
